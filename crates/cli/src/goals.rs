//! `delar mal bedom|andra|aterstall`: propose the goals' statuses for a year and record a
//! person's decision (with a mandatory rationale). The rule: docs/GOALS.md.

use crate::DEFAULT_DB;
use anyhow::{bail, Result};
use clap::Subcommand;
use delar_followup::assess::{Override, Rule, Scale};
use delar_store::prelude::*;
use delar_store::SqliteStore;
use std::path::PathBuf;
use std::process::ExitCode;

/// The subcommands of `delar mal`.
#[derive(Subcommand)]
pub enum GoalCmd {
    /// Föreslå årets målbedömning ur indikatorer och aktiviteter och spara den (beslutade
    /// ändringar behålls).
    Bedom {
        /// År (standard: senaste året med mål).
        #[arg(long)]
        year: Option<i32>,
        /// Skala: standard (uppnås / uppnås delvis / uppnås inte) eller orebro2019 (helt / i
        /// hög utsträckning / delvis).
        #[arg(long, default_value = "standard")]
        skala: String,
        /// Databasfil.
        #[arg(long, default_value = DEFAULT_DB)]
        db: PathBuf,
    },
    /// Ändra ett måls bedömning; motivering krävs.
    Andra {
        /// Målets kod.
        kod: String,
        /// Ny bedömning med skalans ord (till exempel "uppnås delvis").
        #[arg(long)]
        status: String,
        /// Varför bedömningen avviker från förslaget.
        #[arg(long)]
        motivering: String,
        /// Vem som beslutar.
        #[arg(long)]
        av: String,
        /// År (standard: senaste året med mål).
        #[arg(long)]
        year: Option<i32>,
        /// Skala, som för bedom.
        #[arg(long, default_value = "standard")]
        skala: String,
        /// Databasfil.
        #[arg(long, default_value = DEFAULT_DB)]
        db: PathBuf,
    },
    /// Ta bort en ändrad bedömning så att förslaget gäller igen.
    Aterstall {
        /// Målets kod.
        kod: String,
        /// År (standard: senaste året med mål).
        #[arg(long)]
        year: Option<i32>,
        /// Databasfil.
        #[arg(long, default_value = DEFAULT_DB)]
        db: PathBuf,
    },
}

fn scale(name: &str) -> Result<Scale> {
    match name.to_lowercase().replace(['-', ' ', '_'], "").as_str() {
        "standard" => Ok(Scale::default()),
        "orebro2019" | "örebro2019" => Ok(Scale::orebro_2019()),
        other => bail!("okänd skala \"{other}\". Välj standard eller orebro2019."),
    }
}

fn year_of(store: &SqliteStore, year: Option<i32>) -> Result<i32> {
    if let Some(y) = year {
        return Ok(y);
    }
    let data = store.followup(&Default::default())?;
    match data.goals.iter().map(|g| g.year).max() {
        Some(y) => Ok(y),
        None => bail!("databasen har inga mål. Importera mal.csv först (delar import mal)."),
    }
}

/// Run `delar mal …`.
pub fn run(cmd: GoalCmd) -> Result<ExitCode> {
    match cmd {
        GoalCmd::Bedom { year, skala, db } => {
            let scale = scale(&skala)?;
            let mut store = SqliteStore::open(&db)?;
            let year = year_of(&store, year)?;
            let a = store.assess_goals(year, &[], &Rule::default())?;
            let data = store.followup(&Default::default())?;
            println!("Målbedömning {year}:");
            for g in data.goals.iter().filter(|g| g.year == year) {
                if let Some(ga) = a.goals.get(&g.code) {
                    println!(
                        "  {:<6} {:<18} {}\n         {}",
                        g.code,
                        scale.label(ga.status),
                        g.name,
                        ga.explanation(&scale)
                    );
                }
            }
            Ok(ExitCode::SUCCESS)
        }
        GoalCmd::Andra {
            kod,
            status,
            motivering,
            av,
            year,
            skala,
            db,
        } => {
            let scale = scale(&skala)?;
            let Some(st) = scale.parse(&status) else {
                bail!(
                    "\"{status}\" finns inte i skalan. Välj {}, {} eller {}.",
                    scale.met,
                    scale.partly,
                    scale.not_met
                );
            };
            let mut store = SqliteStore::open(&db)?;
            let year = year_of(&store, year)?;
            if store.goal_statuses(year)?.is_empty() {
                store.assess_goals(year, &[], &Rule::default())?;
            }
            store.set_goal_override(&Override {
                year,
                goal: kod.clone(),
                status: st,
                rationale: motivering,
                by: av,
                date: String::new(),
            })?;
            println!("Bedömningen av mål {kod} {year} är nu {}.", scale.label(st));
            Ok(ExitCode::SUCCESS)
        }
        GoalCmd::Aterstall { kod, year, db } => {
            let mut store = SqliteStore::open(&db)?;
            let year = year_of(&store, year)?;
            if store.clear_goal_override(year, &kod)? {
                println!("Mål {kod} {year}: förslaget gäller igen.");
            } else {
                println!("Mål {kod} {year} hade ingen ändrad bedömning.");
            }
            Ok(ExitCode::SUCCESS)
        }
    }
}
