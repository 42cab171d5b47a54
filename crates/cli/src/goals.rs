//! `delar mal bedom|andra|aterstall`: propose the goals' statuses for a year and record a
//! person's decision (with a mandatory rationale). The rule: docs/GOALS.md.

use anyhow::Result;
use clap::Subcommand;
use delar_app::goals;
use delar_store::prelude::*;
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
        /// Databas: en SQLite-fil eller postgres://användare@värd/databas.
        #[arg(long, default_value_t = crate::db::default_db())]
        db: String,
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
        /// Versionen av bedömningen som ändringen utgår från (visas av bedom); har någon
        /// annan ändrat den sedan dess vägras ändringen.
        #[arg(long)]
        version: Option<i64>,
        /// Databas: en SQLite-fil eller postgres://användare@värd/databas.
        #[arg(long, default_value_t = crate::db::default_db())]
        db: String,
    },
    /// Ta bort en ändrad bedömning så att förslaget gäller igen.
    Aterstall {
        /// Målets kod.
        kod: String,
        /// År (standard: senaste året med mål).
        #[arg(long)]
        year: Option<i32>,
        /// Vem som återställer (standard: användarnamnet).
        #[arg(long)]
        av: Option<String>,
        /// Versionen av bedömningen som återställningen utgår från (visas av bedom).
        #[arg(long)]
        version: Option<i64>,
        /// Databas: en SQLite-fil eller postgres://användare@värd/databas.
        #[arg(long, default_value_t = crate::db::default_db())]
        db: String,
    },
}

/// Run `delar mal …`.
pub fn run(cmd: GoalCmd) -> Result<ExitCode> {
    match cmd {
        GoalCmd::Bedom { year, skala, db } => {
            let scale = goals::scale(&skala)?;
            let mut store = crate::db::open(&db)?;
            let year = goals::year_or_latest(&store, year)?;
            let (list, a) = goals::assess(&mut store, year)?;
            let stored = store.goal_statuses(year)?;
            println!("Målbedömning {year}:");
            for g in &list {
                if let Some(ga) = a.goals.get(&g.code) {
                    let version = stored
                        .get(&g.code)
                        .map(|s| format!(" (version {})", s.version))
                        .unwrap_or_default();
                    println!(
                        "  {:<6} {:<18} {}\n         {}{version}",
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
            version,
            db,
        } => {
            let scale = goals::scale(&skala)?;
            let mut store = crate::db::open(&db)?;
            let year = goals::year_or_latest(&store, year)?;
            let st = goals::decide(
                &mut store, year, &kod, &status, &scale, motivering, av, version,
            )?;
            println!("Bedömningen av mål {kod} {year} är nu {}.", scale.label(st));
            Ok(ExitCode::SUCCESS)
        }
        GoalCmd::Aterstall {
            kod,
            year,
            av,
            version,
            db,
        } => {
            let by = av
                .filter(|a| !a.trim().is_empty())
                .or_else(|| std::env::var("USER").ok().filter(|u| !u.is_empty()))
                .unwrap_or_else(|| "okänd användare".to_string());
            let mut store = crate::db::open(&db)?;
            let year = goals::year_or_latest(&store, year)?;
            if goals::reset(&mut store, year, &kod, by.trim(), version)? {
                println!("Mål {kod} {year}: förslaget gäller igen.");
            } else {
                println!("Mål {kod} {year} hade ingen ändrad bedömning.");
            }
            Ok(ExitCode::SUCCESS)
        }
    }
}
