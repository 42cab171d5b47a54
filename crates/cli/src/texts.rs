//! `delar text visa|andra|aterstall|historik`: the paragraphs delar drafts (the analysis and
//! the proposal for decision) and a person's edits of them, kept per round. An edit may bind
//! figures as definition text does (`{drift.SN.avvikelse|abs}`); it is checked by building
//! the report with it before it is stored. A locked round's texts never change: `andra` and
//! `aterstall` are refused (by the store, and here before the report is built).

use anyhow::{anyhow, bail, Context, Result};
use clap::Subcommand;
use delar_app::texts as app;
use delar_core::Round;
use delar_store::prelude::*;
use std::path::PathBuf;
use std::process::ExitCode;

/// The subcommands of `delar text`.
#[derive(Subcommand)]
pub enum TextCmd {
    /// Visa rapportens utkastade stycken med nyckel: utkastet och den redigerade texten.
    Visa {
        /// Prognosomgång (till exempel 2025-P2).
        #[arg(long)]
        round: String,
        /// Rapportdefinition (TOML); standard är den inbyggda.
        #[arg(long)]
        definition: Option<PathBuf>,
        /// Databas: en SQLite-fil eller postgres://användare@värd/databas.
        #[arg(long, default_value_t = crate::db::default_db())]
        db: String,
    },
    /// Ersätt ett utkastat stycke med egen text för omgången.
    Andra {
        /// Styckets nyckel (se `delar text visa`), till exempel analys.SN.
        nyckel: String,
        /// Prognosomgång (till exempel 2025-P2).
        #[arg(long)]
        round: String,
        /// Den nya texten; siffror skrivs {tabell.rad.kolumn} så att de följer tabellerna.
        #[arg(long, conflicts_with = "fil")]
        text: Option<String>,
        /// Läs texten ur en fil (UTF-8).
        #[arg(long)]
        fil: Option<PathBuf>,
        /// Vem som ändrar.
        #[arg(long)]
        av: String,
        /// Rapportdefinition (TOML); standard är den inbyggda.
        #[arg(long)]
        definition: Option<PathBuf>,
        /// Databas: en SQLite-fil eller postgres://användare@värd/databas.
        #[arg(long, default_value_t = crate::db::default_db())]
        db: String,
    },
    /// Ta bort en ändring så att utkastet gäller igen.
    Aterstall {
        /// Styckets nyckel.
        nyckel: String,
        /// Prognosomgång.
        #[arg(long)]
        round: String,
        /// Vem som återställer.
        #[arg(long)]
        av: String,
        /// Databas: en SQLite-fil eller postgres://användare@värd/databas.
        #[arg(long, default_value_t = crate::db::default_db())]
        db: String,
    },
    /// Visa alla ändringar av omgångens texter (vem, när, vad).
    Historik {
        /// Prognosomgång.
        #[arg(long)]
        round: String,
        /// Databas: en SQLite-fil eller postgres://användare@värd/databas.
        #[arg(long, default_value_t = crate::db::default_db())]
        db: String,
    },
}

fn round_of(s: &str) -> Result<Round> {
    Round::parse(s).map_err(|e| anyhow!("{e}"))
}

/// Run a `delar text` subcommand.
pub fn run(cmd: TextCmd) -> Result<ExitCode> {
    match cmd {
        TextCmd::Visa {
            round,
            definition,
            db,
        } => {
            let round = round_of(&round)?;
            let store = crate::db::open(&db)?;
            let drafts = app::drafts(&store, round, definition.as_deref(), None)?;
            if drafts.is_empty() {
                println!("Rapportdefinitionen har inga utkastade stycken (analys, förslag).");
            }
            let mut section = "";
            for d in &drafts {
                if d.section != section {
                    section = &d.section;
                    println!("== {section} ==");
                }
                println!("[{}]", d.key);
                match &d.edit {
                    Some(e) => {
                        println!("  Redigerad text (gäller):\n    {e}");
                        println!("  Utkast:\n    {}", d.draft);
                    }
                    None => println!("  Utkast (gäller):\n    {}", d.draft),
                }
            }
            for k in app::unused_edits(&store, round, &drafts)? {
                println!(
                    "Observera: den redigerade texten {k} används inte; stycket finns inte \
                     längre i rapporten. Ta bort den med delar text aterstall {k}."
                );
            }
            Ok(ExitCode::SUCCESS)
        }
        TextCmd::Andra {
            nyckel,
            round,
            text,
            fil,
            av,
            definition,
            db,
        } => {
            let round = round_of(&round)?;
            let text = match (text, fil) {
                (Some(t), None) => t,
                (None, Some(f)) => std::fs::read_to_string(&f)
                    .with_context(|| format!("kunde inte läsa {}", f.display()))?,
                _ => bail!("ange texten med --text eller --fil"),
            };
            if av.trim().is_empty() {
                bail!("ange vem som ändrar med --av");
            }
            let mut store = crate::db::open(&db)?;
            app::set_text(
                &mut store,
                round,
                definition.as_deref(),
                &nyckel,
                &text,
                av.trim(),
                None,
            )?;
            println!("Sparade texten för {nyckel} i {}.", round.id());
            Ok(ExitCode::SUCCESS)
        }
        TextCmd::Aterstall {
            nyckel,
            round,
            av,
            db,
        } => {
            let round = round_of(&round)?;
            let mut store = crate::db::open(&db)?;
            if app::reset_text(&mut store, round, &nyckel, &av, None)? {
                println!("Utkastet gäller igen för {nyckel} i {}.", round.id());
                Ok(ExitCode::SUCCESS)
            } else {
                eprintln!("{nyckel} har ingen redigerad text i {}.", round.id());
                Ok(ExitCode::FAILURE)
            }
        }
        TextCmd::Historik { round, db } => {
            let round = round_of(&round)?;
            let store = crate::db::open(&db)?;
            let h = store.report_text_history(&round.id())?;
            if h.is_empty() {
                println!("Inga ändrade texter i {}.", round.id());
            }
            for c in h {
                match c.text {
                    Some(t) => println!("{} {} ändrade {}: {t}", c.at, c.by, c.key),
                    None => println!("{} {} återställde {} till utkastet", c.at, c.by, c.key),
                }
            }
            Ok(ExitCode::SUCCESS)
        }
    }
}
