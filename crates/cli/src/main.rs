//! `delar`: from the ledger to a decided interim report. This binary is the command-line
//! entry point; each subcommand is a thin layer over the library crates.

mod anvandare;
mod bench;
mod bench_web;
mod clap_sv;
mod db;
mod demo;
mod followup;
mod forecast;
mod generate;
mod goals;
mod granska;
mod konsolidera;
mod kontogrupper;
mod ledger;
mod organisation;
mod out;
mod report;
mod serve;
mod siecheck;
mod template_import;
mod texts;
mod utvardera;
mod volymer;

use anyhow::{bail, Context, Result};
use clap::{CommandFactory, FromArgMatches, Parser, Subcommand, ValueEnum};
use delar_core::{AccountMapping, Date};
use delar_store::{ImportOptions, SqlStore, Store, TemplateKind};
use indicatif::{ProgressBar, ProgressStyle};
use std::path::{Path, PathBuf};
use std::process::ExitCode;

/// Default database file.
pub const DEFAULT_DB: &str = "delar.db";

#[derive(Parser)]
#[command(
    name = "delar",
    version,
    about = "delar – delårsrapport med prognos: från huvudbok till beslutad rapport",
    disable_help_subcommand = true
)]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    /// Visa hjälpen för ett kommando (samma som KOMMANDO --help).
    #[command(name = "hjalp", alias = "help")]
    Hjalp {
        /// Kommandot, till exempel forecast set.
        kommando: Vec<String>,
    },
    /// Skapa en ny databas.
    Init {
        /// Databas: en SQLite-fil eller postgres://användare@värd/databas.
        #[arg(long, default_value_t = crate::db::default_db())]
        db: String,
        /// Egen kontogruppsindelning (TOML, se docs/IMPORT.md); standard är Kommun-Bas.
        #[arg(long)]
        kontogrupper: Option<PathBuf>,
    },
    /// Databasen: kopiera mellan SQLite och PostgreSQL, visa status.
    Db {
        #[command(subcommand)]
        cmd: db::DbCmd,
    },
    /// Målbedömning: föreslå, ändra med motivering, återställ.
    Mal {
        #[command(subcommand)]
        cmd: goals::GoalCmd,
    },
    /// Rapportens utkastade texter: visa, ändra per omgång, återställ, historik.
    Text {
        #[command(subcommand)]
        cmd: texts::TextCmd,
    },
    /// Importera data till databasen.
    Import {
        #[command(subcommand)]
        what: ImportWhat,
    },
    /// Arbeta med SIE-filer utan databas.
    Sie {
        #[command(subcommand)]
        what: SieWhat,
    },
    /// Visa utfall och budget per månad.
    Ledger {
        /// Räkenskapsår (till exempel 2025).
        #[arg(long)]
        year: i32,
        /// Rader per kontogrupp eller per konto.
        #[arg(long, value_enum, default_value_t = By::Group)]
        by: By,
        /// Bara ett objekt, som DIM:KOD (till exempel 1:100 för ansvar 100).
        #[arg(long)]
        object: Option<String>,
        /// Utdataformat.
        #[arg(long, value_enum, default_value_t = Format::Table)]
        format: Format,
        /// Databas: en SQLite-fil eller postgres://användare@värd/databas.
        #[arg(long, default_value_t = crate::db::default_db())]
        db: String,
    },
    /// Konsolidera programområdet: utfall och budget per nod med interna köp och försäljningar
    /// eliminerade på lägsta gemensamma nivå (docs/CONSOLIDATION.md).
    Konsolidera {
        /// Räkenskapsår (till exempel 2025).
        #[arg(long)]
        year: i32,
        /// Utfall till och med månaden (ÅÅÅÅ-MM); organisationen som gäller då. Standard: december.
        #[arg(long)]
        through: Option<String>,
        /// Antal nivåer under roten som visas (noder med elimineringar visas alltid).
        #[arg(long, default_value_t = 1)]
        djup: usize,
        /// Dimensionen som bär motparten.
        #[arg(long, default_value_t = 21)]
        motpart_dim: u32,
        /// Databas: en SQLite-fil eller postgres://användare@värd/databas.
        #[arg(long, default_value_t = crate::db::default_db())]
        db: String,
    },
    /// Visa organisationen som gäller en månad (trädet, med ändringar sedan året innan).
    Organisation {
        /// Månad (ÅÅÅÅ-MM); standard är innevarande månad.
        #[arg(long)]
        month: Option<String>,
        /// Databas: en SQLite-fil eller postgres://användare@värd/databas.
        #[arg(long, default_value_t = crate::db::default_db())]
        db: String,
    },
    /// Visa volymserierna, eller en series värden per månad.
    Volymer {
        /// En serie (till exempel plac_barn_hvb_personer).
        #[arg(long)]
        serie: Option<String>,
        /// Bara ett år.
        #[arg(long)]
        year: Option<i32>,
        /// Databas: en SQLite-fil eller postgres://användare@värd/databas.
        #[arg(long, default_value_t = crate::db::default_db())]
        db: String,
    },
    /// Visa eller byt kontogruppsindelning, och visa konton som inte hör till någon grupp.
    Kontogrupper {
        /// Ny indelning (TOML); utan fil visas den som gäller och kontona i "Ej kontogrupperat".
        file: Option<PathBuf>,
        /// Skriv indelningen som gäller till en fil (TOML) att ändra i och läsa in igen.
        #[arg(long, conflicts_with = "file")]
        skriv: Option<PathBuf>,
        /// Visa utfallet för kontona i "Ej kontogrupperat" för ett räkenskapsår (standard: alla år).
        #[arg(long)]
        year: Option<i32>,
        /// Databas: en SQLite-fil eller postgres://användare@värd/databas.
        #[arg(long, default_value_t = crate::db::default_db())]
        db: String,
    },
    /// Visa importloggen.
    Batches {
        /// Databas: en SQLite-fil eller postgres://användare@värd/databas.
        #[arg(long, default_value_t = crate::db::default_db())]
        db: String,
    },
    /// Skriv delårsrapporten för en prognosomgång.
    Report {
        /// Prognosomgång (till exempel 2025-P2).
        #[arg(long)]
        round: String,
        /// Rapportdefinition (TOML, se docs/REPORTS.md); standard är den inbyggda.
        #[arg(long)]
        definition: Option<PathBuf>,
        /// Format att skriva, kommaseparerade (till exempel pdf,html). Utan --format skrivs
        /// alla: pdf, docx, xlsx, html, txt och json (som delar demo).
        #[arg(long, value_delimiter = ',')]
        format: Vec<report::OutFormat>,
        /// Katalog att skriva till.
        #[arg(long, default_value = "rapport")]
        out: PathBuf,
        /// Skriv ett utkast även om kontrollerna hittar fel (varje sida märks UTKAST).
        #[arg(long)]
        draft: bool,
        /// Skriv standarddefinitionen till en fil (att utgå från) och avsluta.
        #[arg(long)]
        skriv_definition: Option<PathBuf>,
        /// Diarienummer på försättsbladet (till exempel "SN 2025/123").
        #[arg(long)]
        dnr: Option<String>,
        /// Paragraf i protokollet (till exempel 132).
        #[arg(long)]
        paragraf: Option<String>,
        /// Sammanträdesdag, ÅÅÅÅ-MM-DD.
        #[arg(long)]
        sammantrade: Option<String>,
        /// Databas: en SQLite-fil eller postgres://användare@värd/databas.
        #[arg(long, default_value_t = crate::db::default_db())]
        db: String,
    },
    /// Kör integritetskontrollerna (R1–R14) på rapporten för en prognosomgång.
    Check {
        /// Prognosomgång (till exempel 2025-P2).
        #[arg(long)]
        round: String,
        /// Rapportdefinition (TOML); standard är den inbyggda.
        #[arg(long)]
        definition: Option<PathBuf>,
        /// Skriv fynden som JSON.
        #[arg(long)]
        json: bool,
        /// Databas: en SQLite-fil eller postgres://användare@värd/databas.
        #[arg(long, default_value_t = crate::db::default_db())]
        db: String,
    },
    /// Webbappens användare: lägg till, lista, ta bort, ge behörighet, byt lösenord.
    Anvandare {
        #[command(subcommand)]
        cmd: anvandare::AnvandareCmd,
    },
    /// Starta webbappen (prognosarbetet i webbläsaren) på en adress.
    Serve(serve::ServeArgs),
    /// Kör exemplet: skapar Exempelkommuns huvudbok, importerar den och skriver rapporten.
    Demo {
        /// Katalog att skriva till.
        #[arg(long, default_value = "delar-demo")]
        out: PathBuf,
        /// Slumpfrö (samma frö ger samma data).
        #[arg(long, default_value_t = 2025)]
        seed: u64,
        /// Databas att importera till (standard: delar.db i katalogen): en SQLite-fil eller
        /// en tom PostgreSQL-databas, postgres://användare@värd/databas.
        #[arg(long)]
        db: Option<String>,
    },
    /// Skapa Exempelkommun: SIE-filer per år, importmallar (CSV) och facit för resten av året.
    Generate {
        /// Katalog att skriva till.
        #[arg(long)]
        out: PathBuf,
        /// Slumpfrö (samma frö ger samma filer).
        #[arg(long, default_value_t = 1)]
        seed: u64,
        /// Storlek.
        #[arg(long, default_value = "standard", value_parser = generate::scale_values())]
        scale: String,
        /// Prognosomgång eller brytmånad (till exempel 2025-08 eller 2025-P2).
        #[arg(long, default_value = "2025-08")]
        round: String,
        /// Skriv SIE i UTF-8 i stället för CP437.
        #[arg(long)]
        utf8: bool,
    },
    /// Prognosomgångar: beräkna, visa, ändra, justera, låsa, jämföra och mäta träffsäkerhet.
    Forecast {
        #[command(subcommand)]
        what: forecast::ForecastWhat,
    },
    /// Mät hastighet och minne (skriver siffrorna, se docs/PERFORMANCE.md).
    Bench {
        #[command(subcommand)]
        what: bench::BenchWhat,
    },
}

#[derive(Subcommand)]
enum ImportWhat {
    /// Importera SIE-filer (typ 1–4). Allt eller inget per fil.
    Sie {
        /// Filer att importera.
        #[arg(required = true)]
        files: Vec<PathBuf>,
        /// Databas: en SQLite-fil eller postgres://användare@värd/databas.
        #[arg(long, default_value_t = crate::db::default_db())]
        db: String,
        /// Källans namn (standard: filens organisationsnummer).
        #[arg(long)]
        source: Option<String>,
        /// Strikt läsning: första felet stoppar.
        #[arg(long)]
        strict: bool,
        /// Ingen förloppsindikator.
        #[arg(long, short)]
        quiet: bool,
    },
    /// Importera organisationen (organisation.csv eller .xlsx); ersätter den som finns.
    Organisation {
        /// Filer att importera.
        #[arg(required = true)]
        files: Vec<PathBuf>,
        /// Databas: en SQLite-fil eller postgres://användare@värd/databas.
        #[arg(long, default_value_t = crate::db::default_db())]
        db: String,
    },
    /// Importera volymserier (volymserier.csv eller .xlsx); ersätter serier med samma namn.
    Volymserier {
        /// Filer att importera.
        #[arg(required = true)]
        files: Vec<PathBuf>,
        /// Databas: en SQLite-fil eller postgres://användare@värd/databas.
        #[arg(long, default_value_t = crate::db::default_db())]
        db: String,
    },
    /// Importera volymer per månad (volymer.csv eller .xlsx); ersätter värden för samma serie och månad.
    Volymer {
        /// Filer att importera.
        #[arg(required = true)]
        files: Vec<PathBuf>,
        /// Databas: en SQLite-fil eller postgres://användare@värd/databas.
        #[arg(long, default_value_t = crate::db::default_db())]
        db: String,
    },
    /// Importera budgeterade volymer och priser (volymbudget.csv eller .xlsx); ersätter versioner med samma namn.
    Volymbudget {
        /// Filer att importera.
        #[arg(required = true)]
        files: Vec<PathBuf>,
        /// Databas: en SQLite-fil eller postgres://användare@värd/databas.
        #[arg(long, default_value_t = crate::db::default_db())]
        db: String,
    },
    /// Importera budget (budget.csv eller .xlsx); ersätter versioner med samma namn.
    Budget {
        /// Filer att importera.
        #[arg(required = true)]
        files: Vec<PathBuf>,
        /// Databas: en SQLite-fil eller postgres://användare@värd/databas.
        #[arg(long, default_value_t = crate::db::default_db())]
        db: String,
    },
    /// Importera ersättningsmodellernas priser (ersattningsmodell.csv eller .xlsx); ersätter alla priser.
    Ersattningsmodell {
        /// Filer att importera.
        #[arg(required = true)]
        files: Vec<PathBuf>,
        /// Databas: en SQLite-fil eller postgres://användare@värd/databas.
        #[arg(long, default_value_t = crate::db::default_db())]
        db: String,
    },
    /// Importera intraprenadernas ingående ackumulerade resultat och regler (intraprenader.csv eller .xlsx).
    Intraprenader {
        /// Filer att importera.
        #[arg(required = true)]
        files: Vec<PathBuf>,
        /// Databas: en SQLite-fil eller postgres://användare@värd/databas.
        #[arg(long, default_value_t = crate::db::default_db())]
        db: String,
    },
    /// Uppföljningsregister (mål, indikatorer, uppdrag, personal …).
    #[command(flatten)]
    Register(followup::RegisterImport),
}

#[derive(Subcommand)]
enum SieWhat {
    /// Kontrollera SIE-filer utan att importera dem. Slutkod 0 utan fel (varningar tillåts), 1 med fel.
    Check {
        /// Filer att kontrollera.
        #[arg(required = true)]
        files: Vec<PathBuf>,
        /// Ett JSON-objekt per fil.
        #[arg(long)]
        json: bool,
        /// Strikt läsning: första felet stoppar.
        #[arg(long)]
        strict: bool,
        /// Databas vars kontogrupper konton prövas mot: en SQLite-fil eller
        /// postgres://… (standard: DELAR_DB, annars delar.db om den finns, annars Kommun-Bas).
        #[arg(long)]
        db: Option<String>,
    },
    /// Skapa en stor syntetisk SIE 4-fil (för mätningar).
    Generate {
        /// Filen att skriva.
        #[arg(value_name = "UTFIL")]
        out: PathBuf,
        /// Ungefärlig storlek, till exempel 100MB eller 1GB.
        #[arg(long, default_value = "100MB")]
        size: String,
        /// Slumpfrö.
        #[arg(long, default_value_t = 1)]
        seed: u64,
        /// Antal enheter (ansvar).
        #[arg(long, default_value_t = 50)]
        units: u32,
        /// Skriv UTF-8 i stället för CP437.
        #[arg(long)]
        utf8: bool,
    },
}

/// Ledger rows per group or per account.
#[derive(Clone, Copy, ValueEnum)]
pub enum By {
    /// Per kontogrupp.
    Group,
    /// Per konto.
    Account,
}

/// Output format.
#[derive(Clone, Copy, ValueEnum)]
pub enum Format {
    /// Tabell för skärmen.
    Table,
    /// CSV (semikolon, decimalkomma).
    Csv,
    /// JSON.
    Json,
}

fn main() -> ExitCode {
    // `delar volymer | head`: end quietly when the reader goes away, as other command-line
    // tools do, instead of panicking on the failed write. Rust ignores SIGPIPE by default.
    #[cfg(unix)]
    // SAFETY: setting a signal's disposition to the default before any thread starts.
    unsafe {
        libc::signal(libc::SIGPIPE, libc::SIG_DFL);
    }
    let args: Vec<std::ffi::OsString> = std::env::args_os().collect();
    let mut cmd = command();
    let cli = match cmd
        .try_get_matches_from_mut(args.clone())
        .and_then(|m| Cli::from_arg_matches(&m))
    {
        Ok(cli) => cli,
        Err(e) => return clap_sv::exit(&e, &cmd, &args),
    };
    match run(cli) {
        Ok(code) => code,
        Err(e) => {
            eprintln!("delar: {e:#}");
            ExitCode::from(1)
        }
    }
}

/// The command line as users see it: clap's tree from the types above, in Swedish.
fn command() -> clap::Command {
    clap_sv::localise(Cli::command())
}

/// `delar hjalp [KOMMANDO …]`: the long help of a command (exit code 2 for an unknown one).
fn help(path: &[String]) -> ExitCode {
    let root = command();
    match clap_sv::find(&root, path) {
        Some(c) => {
            print!("{}", c.clone().render_long_help());
            ExitCode::SUCCESS
        }
        None => {
            eprintln!(
                "delar: okänt kommando \"{}\"; kommandona står i `delar --help`",
                path.join(" ")
            );
            ExitCode::from(2)
        }
    }
}

fn run(cli: Cli) -> Result<ExitCode> {
    match cli.command {
        Command::Hjalp { kommando } => Ok(help(&kommando)),
        Command::Db { cmd } => db::run(cmd),
        Command::Init { db, kontogrupper } => {
            let mapping = match &kontogrupper {
                Some(p) => Some(read_mapping(p)?),
                None => None,
            };
            let mut store = crate::db::create(&db)?;
            if let Some(m) = mapping {
                store.set_account_mapping(&m)?;
            }
            println!("Skapade databasen {}.", crate::db::shown(&db));
            Ok(ExitCode::SUCCESS)
        }
        Command::Import {
            what:
                ImportWhat::Sie {
                    files,
                    db,
                    source,
                    strict,
                    quiet,
                },
        } => {
            let mut store = open_or_create(&db)?;
            let opts = ImportOptions { source, strict };
            let mut failed = false;
            for f in &files {
                match import_one(&mut store, f, &opts, quiet) {
                    Ok(report) => println!("{report}"),
                    Err(e) => {
                        eprintln!("delar: {}: {e}", f.display());
                        failed = true;
                    }
                }
            }
            Ok(if failed {
                ExitCode::from(1)
            } else {
                ExitCode::SUCCESS
            })
        }
        Command::Import {
            what: ImportWhat::Organisation { files, db },
        } => template_import::run(TemplateKind::Organisation, &files, &db),
        Command::Import {
            what: ImportWhat::Volymserier { files, db },
        } => template_import::run(TemplateKind::VolumeSeries, &files, &db),
        Command::Import {
            what: ImportWhat::Volymer { files, db },
        } => template_import::run(TemplateKind::Volumes, &files, &db),
        Command::Import {
            what: ImportWhat::Volymbudget { files, db },
        } => template_import::run(TemplateKind::VolumeBudget, &files, &db),
        Command::Import {
            what: ImportWhat::Budget { files, db },
        } => template_import::run(TemplateKind::Budget, &files, &db),
        Command::Import {
            what: ImportWhat::Ersattningsmodell { files, db },
        } => template_import::run(TemplateKind::CompensationModel, &files, &db),
        Command::Import {
            what: ImportWhat::Intraprenader { files, db },
        } => template_import::run(TemplateKind::Intraprenader, &files, &db),
        Command::Organisation { month, db } => {
            let store = crate::db::open(&db)?;
            organisation::run(&store, month.as_deref())
        }
        Command::Volymer { serie, year, db } => {
            let store = crate::db::open(&db)?;
            volymer::run(&store, serie.as_deref(), year)
        }
        Command::Import {
            what: ImportWhat::Register(r),
        } => followup::run(r),
        Command::Mal { cmd } => goals::run(cmd),
        Command::Text { cmd } => texts::run(cmd),
        Command::Sie {
            what:
                SieWhat::Check {
                    files,
                    json,
                    strict,
                    db,
                },
        } => siecheck::run(&files, json, strict, db.as_deref()),
        Command::Sie {
            what:
                SieWhat::Generate {
                    out,
                    size,
                    seed,
                    units,
                    utf8,
                },
        } => {
            let bytes = parse_size(&size)?;
            let opts = delar_demo::bigsie::BigSieOptions {
                seed,
                target_bytes: bytes,
                units,
                utf8,
                ..Default::default()
            };
            let t = std::time::Instant::now();
            let stats = delar_demo::bigsie::big_sie_to_path(&out, &opts)
                .with_context(|| format!("kunde inte skriva {}", out.display()))?;
            println!(
                "Skrev {} ({} MB, {} verifikationer, {} transaktioner) på {} s.",
                out.display(),
                out::decimal(stats.bytes as f64 / 1e6, 1),
                out::count(stats.vouchers),
                out::count(stats.transactions),
                out::decimal(t.elapsed().as_secs_f64(), 1)
            );
            Ok(ExitCode::SUCCESS)
        }
        Command::Konsolidera {
            year,
            through,
            djup,
            motpart_dim,
            db,
        } => {
            let store = crate::db::open(&db)?;
            konsolidera::run(&store, year, through.as_deref(), djup, motpart_dim)
        }
        Command::Ledger {
            year,
            by,
            object,
            format,
            db,
        } => {
            let store = crate::db::open(&db)?;
            ledger::run(&store, year, by, object.as_deref(), format)
        }
        Command::Kontogrupper {
            file,
            skriv,
            year,
            db,
        } => {
            let mut store = crate::db::open(&db)?;
            kontogrupper::run(&mut store, file.as_deref(), skriv.as_deref(), year)
        }
        Command::Report {
            round,
            definition,
            format,
            out,
            draft,
            skriv_definition,
            dnr,
            paragraf,
            sammantrade,
            db,
        } => {
            if let Some(p) = skriv_definition {
                std::fs::write(&p, delar_compose::definition::DEFAULT_DEFINITION)
                    .with_context(|| format!("kunde inte skriva {}", p.display()))?;
                println!("Skrev standarddefinitionen till {}.", p.display());
                return Ok(ExitCode::SUCCESS);
            }
            let round = delar_core::Round::parse(&round).map_err(|e| anyhow::anyhow!("{e}"))?;
            let mut def = report::definition(definition.as_deref())?;
            // The formal layer from the command line wins over the definition's `[beslut]`.
            let b = &mut def.beslut;
            b.dnr = dnr.or(b.dnr.take());
            b.paragraf = paragraf.or(b.paragraf.take());
            b.sammantrade = sammantrade.or(b.sammantrade.take());
            b.check()
                .map_err(|e| anyhow::anyhow!("--sammantrade: {e}"))?;
            let store = crate::db::open(&db)?;
            let formats = if format.is_empty() {
                report::OutFormat::ALL.to_vec()
            } else {
                format
            };
            let files = report::write_all(
                &store,
                round,
                &def,
                definition.as_deref(),
                &formats,
                &out,
                draft,
            )?;
            for f in files {
                println!("Skrev {}", f.display());
            }
            Ok(ExitCode::SUCCESS)
        }
        Command::Check {
            round,
            definition,
            json,
            db,
        } => {
            let round = delar_core::Round::parse(&round).map_err(|e| anyhow::anyhow!("{e}"))?;
            let def = report::definition(definition.as_deref())?;
            let store = crate::db::open(&db)?;
            let built = report::build_all(&store, round, &def, definition.as_deref(), false)?;
            let findings = report::all_findings(&built);
            if json {
                println!("{}", serde_json::to_string_pretty(&findings)?);
            } else if findings.is_empty() {
                let appendices: Vec<&str> =
                    built.iter().filter_map(|b| b.node.as_deref()).collect();
                if appendices.is_empty() {
                    println!(
                        "Inga fel: rapporten för {} klarar kontrollerna R1–R17.",
                        round.id()
                    );
                } else {
                    println!(
                        "Inga fel: rapporten för {} och bilagorna för {} klarar kontrollerna \
                         R1–R17.",
                        round.id(),
                        appendices.join(", ")
                    );
                }
            } else {
                print!("{}", delar_report::check::render_findings(&findings));
            }
            Ok(if delar_report::check::has_errors(&findings) {
                ExitCode::FAILURE
            } else {
                ExitCode::SUCCESS
            })
        }
        Command::Batches { db } => {
            let store = crate::db::open(&db)?;
            let batches = store.batches()?;
            if batches.is_empty() {
                println!("Inga importer ännu.");
            }
            for b in batches {
                let what = if b.kind == "sie" {
                    format!(
                        "{} verifikationer, {} transaktioner",
                        out::count(b.vouchers),
                        out::count(b.transactions)
                    )
                } else {
                    format!("{} rader", out::count(b.rows))
                };
                println!(
                    "batch {:>3}  {}  {:<8}  {:<24} {:<30} {what}",
                    b.id,
                    b.imported_at,
                    b.status.label(),
                    b.source,
                    b.file_name,
                );
            }
            Ok(ExitCode::SUCCESS)
        }
        Command::Demo { out, seed, db } => demo::run(&out, seed, db.as_deref()),
        Command::Anvandare { cmd } => anvandare::run(cmd),
        Command::Serve(args) => serve::run(args),
        Command::Generate {
            out,
            seed,
            scale,
            round,
            utf8,
        } => generate::run(&out, seed, &scale, &round, utf8),
        Command::Forecast { what } => forecast::run(what),
        Command::Bench { what } => bench::run(what),
    }
}

/// Today's date (UTC) from the system clock.
pub fn today() -> Date {
    let secs = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map(|d| d.as_secs() as i64)
        .unwrap_or(0);
    let epoch = Date::new(1970, 1, 1).expect("valid date");
    epoch.add_days(secs / 86_400).unwrap_or(epoch)
}

/// Read an account mapping file, with the file name in any error.
pub fn read_mapping(p: &Path) -> Result<AccountMapping> {
    let text =
        std::fs::read_to_string(p).with_context(|| format!("kunde inte läsa {}", p.display()))?;
    AccountMapping::from_toml(&text).map_err(|e| anyhow::anyhow!("{}: {e}", p.display()))
}

/// Open the database, creating it when it does not exist.
pub fn open_or_create(db: &str) -> Result<SqlStore> {
    crate::db::open_or_create(db)
}

/// Import one SIE file, with a progress bar for files over 10 MB.
pub fn import_one(
    store: &mut SqlStore,
    f: &Path,
    opts: &ImportOptions,
    quiet: bool,
) -> Result<delar_store::ImportReport> {
    let size = std::fs::metadata(f)
        .with_context(|| format!("filen {} finns inte eller kan inte läsas", f.display()))?
        .len();
    let bar = if !quiet && size > 10_000_000 {
        let b = ProgressBar::new(size);
        b.set_style(
            ProgressStyle::with_template(
                "{msg} [{bar:40}] {bytes}/{total_bytes} ({bytes_per_sec}, {eta} kvar)",
            )
            .unwrap_or_else(|_| ProgressStyle::default_bar())
            .progress_chars("=> "),
        );
        b.set_message(format!("Importerar {}", f.display()));
        Some(b)
    } else {
        None
    };
    let mut cb = |n: u64| {
        if let Some(b) = &bar {
            b.set_position(n);
        }
    };
    let r = store.import_sie(f, opts, Some(&mut cb));
    if let Some(b) = bar {
        b.finish_and_clear();
    }
    Ok(r?)
}

/// Parse a size such as `100MB`, `1GB`, `500k` or a plain number of bytes.
pub fn parse_size(s: &str) -> Result<u64> {
    let t = s.trim().to_ascii_uppercase();
    let (num, mult) = if let Some(n) = t.strip_suffix("GB").or_else(|| t.strip_suffix('G')) {
        (n, 1_000_000_000)
    } else if let Some(n) = t.strip_suffix("MB").or_else(|| t.strip_suffix('M')) {
        (n, 1_000_000)
    } else if let Some(n) = t.strip_suffix("KB").or_else(|| t.strip_suffix('K')) {
        (n, 1_000)
    } else {
        (t.as_str(), 1)
    };
    let v: f64 = num.trim().replace(',', ".").parse().map_err(|_| {
        anyhow::anyhow!("\"{s}\" är ingen storlek (skriv till exempel 100MB eller 1GB)")
    })?;
    if v.is_nan() || v <= 0.0 {
        bail!("storleken måste vara större än noll");
    }
    Ok((v * mult as f64) as u64)
}

#[cfg(test)]
mod tests {
    use super::command;
    use clap::Command;

    /// Words clap writes in English, and English words a description should not have.
    const ENGLISH: &[&str] = &[
        "Usage",
        "Options",
        "OPTIONS",
        "Commands",
        "COMMAND",
        "Arguments",
        "Print",
        "help",
        "version",
        "default",
        "Possible",
        "possible",
        "values",
        "value",
        "required",
        "subcommand",
        "aliases",
        "The",
        "the",
        "and",
        "for",
        "with",
        "of",
        "to",
        "this",
        "is",
        "are",
        "or",
        "see",
        "more",
        "Write",
        "Show",
        "Run",
        "Import",
        "file",
        "files",
        "FILE",
        "FILES",
        "ROUND",
        "LINE",
    ];

    /// Every command under `c` with its path.
    fn walk<'a>(c: &'a Command, out: &mut Vec<&'a Command>) {
        out.push(c);
        for s in c.get_subcommands() {
            walk(s, out);
        }
    }

    /// The words of a help text, leaving out flag names (`--to`, `--help`, `-h`: words users
    /// type, not words we write).
    fn words(text: &str) -> Vec<String> {
        text.split_whitespace()
            .filter(|t| !t.trim_start_matches(['(', '[', '`', '"']).starts_with('-'))
            .flat_map(|t| t.split(|c: char| !c.is_alphanumeric()))
            .filter(|w| !w.is_empty())
            .map(str::to_string)
            .collect()
    }

    #[test]
    fn every_help_of_every_command_is_swedish() {
        let root = command();
        let mut all = Vec::new();
        walk(&root, &mut all);
        assert!(all.len() > 60, "{} commands", all.len());
        for c in all {
            let name = c.get_bin_name().unwrap_or(c.get_name());
            assert!(
                c.get_about().is_some(),
                "{name} has no description (a doc comment in Swedish)"
            );
            for help in [
                c.clone().render_help().to_string(),
                c.clone().render_long_help().to_string(),
            ] {
                assert!(help.contains("Användning: "), "{name}: {help}");
                for w in words(&help) {
                    assert!(
                        !ENGLISH.contains(&w.as_str()),
                        "{name}: English word {w:?} in\n{help}"
                    );
                }
            }
            for a in c.get_arguments() {
                assert!(
                    a.get_help().is_some(),
                    "{name}: {} has no description",
                    a.get_id()
                );
            }
        }
    }

    #[test]
    fn the_help_subcommand_is_ours() {
        let root = command();
        let h = root.find_subcommand("help").expect("an alias of hjalp");
        assert_eq!(h.get_name(), "hjalp");
        // No automatic help subcommand anywhere.
        let f = root.find_subcommand("forecast").unwrap();
        assert!(f.find_subcommand("help").is_none());
    }
}
