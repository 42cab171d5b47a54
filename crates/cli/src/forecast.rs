//! `delar forecast` on the command line: arguments and printing. The rounds themselves are
//! computed, saved, measured and compared by the application layer (`delar_app::forecast`).

use crate::out::{count, decimal};
use anyhow::{bail, Result};
use clap::{Subcommand, ValueEnum};
pub use delar_app::forecast::*;
use delar_core::{Amount, Round, RoundKind, Unit};
use delar_forecast::{Adjustment, AdjustmentKind, Method};
use delar_store::prelude::*;
use delar_store::{CommentKind, LedgerBy, SqlStore};
use serde::Serialize;
use std::collections::{BTreeMap, HashMap};
use std::fmt::Write as _;
use std::path::PathBuf;
use std::process::ExitCode;

/// Output format of `forecast show`.
#[derive(Clone, Copy, ValueEnum)]
pub enum ShowFormat {
    /// Tabell för skärmen.
    Table,
    /// CSV (semikolon, decimalkomma).
    Csv,
    /// JSON.
    Json,
}

/// Line grain of a round.
#[derive(Clone, Copy, ValueEnum)]
pub enum Grain {
    /// Enhet × kontogrupp.
    Group,
    /// Enhet × konto.
    Account,
}

/// Adjustment kinds on the command line.
#[derive(Clone, Copy, ValueEnum)]
pub enum AdjKind {
    /// Engångspost.
    Engang,
    /// Särskild effekt (ange --part strukturell eller ovrig).
    Sarskild,
    /// Regeländring.
    Regelandring,
    /// Fattat beslut vars kostnad eller besparing kommer efter brytmånaden.
    Beslut,
    /// Avvaktar beslut (prognosen visas med och utan).
    Avvaktande,
    /// Central buffert.
    Buffert,
}

/// The kind of a line comment on the command line.
#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum)]
pub enum Kommentarstyp {
    /// Text för rapporten.
    Rapport,
    /// Intern granskningskommentar; kommer aldrig med i rapporten.
    Granskning,
}

impl Kommentarstyp {
    fn kind(self) -> CommentKind {
        match self {
            Kommentarstyp::Rapport => CommentKind::Report,
            Kommentarstyp::Granskning => CommentKind::Review,
        }
    }
}

/// The part of a special effect.
#[derive(Clone, Copy, ValueEnum)]
pub enum AdjPart {
    /// Strukturell.
    Strukturell,
    /// Övrig.
    Ovrig,
}

/// `delar forecast …`
#[derive(Subcommand)]
pub enum ForecastWhat {
    /// Beräkna alla prognosrader för en omgång (metod enligt backtest) och spara dem.
    Run {
        /// Prognosomgång, till exempel 2025-P2.
        #[arg(long)]
        round: String,
        /// Rader per kontogrupp eller per konto (standard: som omgången redan har, annars
        /// kontogrupp).
        #[arg(long, value_enum)]
        grain: Option<Grain>,
        /// Databas: en SQLite-fil eller postgres://användare@värd/databas.
        #[arg(long, default_value_t = crate::db::default_db())]
        db: String,
        /// Användare i ändringsloggen (standard: DELAR_USER eller USER).
        #[arg(long)]
        user: Option<String>,
    },
    /// Visa prognosen summerad i organisationsträdet, eller en nods rader.
    Show {
        /// Prognosomgång (standard: den senaste).
        #[arg(long)]
        round: Option<String>,
        /// Bara en nod och det som ligger under den; för en enhet visas raderna.
        #[arg(long)]
        node: Option<String>,
        /// Utdataformat.
        #[arg(long, value_enum, default_value_t = ShowFormat::Table)]
        format: ShowFormat,
        /// Databas: en SQLite-fil eller postgres://användare@värd/databas.
        #[arg(long, default_value_t = crate::db::default_db())]
        db: String,
    },
    /// Välj metod, ange manuellt belopp eller kommentera en rad (NOD:GRUPP).
    Set {
        /// Raden, till exempel SN41:kop_verksamhet.
        line: String,
        /// Metod (metodkoden).
        #[arg(long, conflicts_with = "amount", value_parser = crate::clap_sv::method())]
        method: Option<Method>,
        /// Manuellt helårsbelopp i kronor före justeringar, till exempel "12 500 000" (med
        /// mellanslag inom citattecken), 12500000 eller "-1 200,50".
        #[arg(long, allow_hyphen_values = true, value_parser = crate::clap_sv::amount)]
        amount: Option<Amount>,
        /// Kommentar (obligatorisk vid metod eller belopp).
        #[arg(long)]
        comment: Option<String>,
        /// Kommentarens typ: rapport (kommer med i rapportens analys) eller granskning (intern,
        /// räcker för att låsa en flaggad rad, kommer aldrig med i rapporten).
        #[arg(long, value_enum, default_value_t = Kommentarstyp::Rapport)]
        kommentarstyp: Kommentarstyp,
        /// Prognosomgång (standard: den senaste).
        #[arg(long)]
        round: Option<String>,
        /// Databas: en SQLite-fil eller postgres://användare@värd/databas.
        #[arg(long, default_value_t = crate::db::default_db())]
        db: String,
        /// Användare i ändringsloggen.
        #[arg(long)]
        user: Option<String>,
    },
    /// Lägg till (eller ta bort) en justering på en rad (NOD:GRUPP).
    Adjust {
        /// Raden, till exempel SN41:kop_verksamhet.
        line: String,
        /// Typ av justering.
        #[arg(long, value_enum, required_unless_present = "remove")]
        kind: Option<AdjKind>,
        /// För särskild effekt: strukturell eller övrig.
        #[arg(long, value_enum)]
        part: Option<AdjPart>,
        /// Belopp i kronor, kostnadsökning positiv, till exempel "1 500 000" (med mellanslag
        /// inom citattecken) eller "-200 000".
        #[arg(long, required_unless_present = "remove", allow_hyphen_values = true,
              value_parser = crate::clap_sv::amount)]
        amount: Option<Amount>,
        /// Intervallets lägre värde i kronor.
        #[arg(long, allow_hyphen_values = true, value_parser = crate::clap_sv::amount)]
        low: Option<Amount>,
        /// Intervallets högre värde i kronor.
        #[arg(long, allow_hyphen_values = true, value_parser = crate::clap_sv::amount)]
        high: Option<Amount>,
        /// Kommentar (obligatorisk).
        #[arg(long, required_unless_present = "remove")]
        comment: Option<String>,
        /// Kod som händelseregistret och texterna hänvisar till, till exempel SN-J1 (unik i
        /// omgången).
        #[arg(long, alias = "code")]
        kod: Option<String>,
        /// Ta bort justeringen med detta nummer (se forecast show --node).
        #[arg(long)]
        remove: Option<i64>,
        /// Prognosomgång (standard: den senaste).
        #[arg(long)]
        round: Option<String>,
        /// Databas: en SQLite-fil eller postgres://användare@värd/databas.
        #[arg(long, default_value_t = crate::db::default_db())]
        db: String,
        /// Användare i ändringsloggen.
        #[arg(long)]
        user: Option<String>,
    },
    /// Träffsäkerhet per metod och för den rekommenderade mixen vid omgångens brytmånad.
    Backtest {
        /// Prognosomgång (standard: den senaste).
        #[arg(long)]
        round: Option<String>,
        /// JSON i stället för tabell.
        #[arg(long)]
        json: bool,
        /// Databas: en SQLite-fil eller postgres://användare@värd/databas.
        #[arg(long, default_value_t = crate::db::default_db())]
        db: String,
    },
    /// Granska en omgång före låsning: visa flaggade rader utan kommentar, eller skriv en
    /// granskningskommentar (kommer inte med i rapporten) på flera rader på en gång.
    Granska {
        /// Prognosomgång (standard: den senaste).
        #[arg(long)]
        round: Option<String>,
        /// Granskningskommentaren, för raderna i --rader eller alla med --alla.
        #[arg(long, conflicts_with_all = ["fil", "mall"])]
        kommentar: Option<String>,
        /// Rader att kommentera, till exempel SN41:kop_verksamhet,SN42:personal.
        #[arg(
            long,
            value_delimiter = ',',
            requires = "kommentar",
            conflicts_with = "alla"
        )]
        rader: Vec<String>,
        /// Alla flaggade rader som saknar kommentar.
        #[arg(long, requires = "kommentar")]
        alla: bool,
        /// En fil med kolumnerna rad;kommentar (CSV med semikolon, UTF-8 eller Windows-1252).
        #[arg(long, conflicts_with = "mall")]
        fil: Option<PathBuf>,
        /// Skriv raderna som saknar kommentar till en sådan fil, att fylla i.
        #[arg(long)]
        mall: Option<PathBuf>,
        /// Databas: en SQLite-fil eller postgres://användare@värd/databas.
        #[arg(long, default_value_t = crate::db::default_db())]
        db: String,
        /// Användare i ändringsloggen.
        #[arg(long)]
        user: Option<String>,
    },
    /// Lås en omgång (kräver kommentar på flaggade rader); en låst omgång och dess rapport
    /// ändras aldrig.
    Lock {
        /// Prognosomgång.
        #[arg(long)]
        round: String,
        /// Databas: en SQLite-fil eller postgres://användare@värd/databas.
        #[arg(long, default_value_t = crate::db::default_db())]
        db: String,
        /// Användare i ändringsloggen.
        #[arg(long)]
        user: Option<String>,
    },
    /// Brygga mellan två omgångar per rad och per nämnd, med orsaker.
    Compare {
        /// Tidigare omgång.
        #[arg(long)]
        from: String,
        /// Senare omgång.
        #[arg(long)]
        to: String,
        /// Databas: en SQLite-fil eller postgres://användare@värd/databas.
        #[arg(long, default_value_t = crate::db::default_db())]
        db: String,
    },
    /// Prognossäkerhet: tidigare års prognoser mot det slutliga utfallet, per nämnd.
    Accuracy {
        /// Bara detta år.
        #[arg(long)]
        year: Option<i32>,
        /// Visa också varje metod (inte bara rekommenderad mix).
        #[arg(long)]
        methods: bool,
        /// JSON i stället för tabell.
        #[arg(long)]
        json: bool,
        /// Databas: en SQLite-fil eller postgres://användare@värd/databas.
        #[arg(long, default_value_t = crate::db::default_db())]
        db: String,
    },
    /// Utvärdera metoderna och rekommendationen på månadsserier (år;månad;värde): varje år
    /// med minst tre hela år före skattas från januari–månad M och jämförs med utfallet.
    Utvardera {
        /// Seriefiler: år;månad;värde, eller år;månad och en kolumn per serie.
        #[arg(required = true)]
        filer: Vec<PathBuf>,
        /// Brytmånader, till exempel 4,8.
        #[arg(long, default_value = "4,8")]
        manader: String,
        /// JSON i stället för tabell.
        #[arg(long)]
        json: bool,
        /// Skriv varje fall (serie, år, brytmånad, utfall, metodernas skattningar) som CSV.
        #[arg(long)]
        fall: Option<PathBuf>,
        /// Mät också summan av varje fils serier, som en nämnd med serierna som rader:
        /// prognosfel och hur ofta utfallet hamnade i summans 80 %-intervall.
        #[arg(long)]
        summa: bool,
    },
    /// Sätt (eller ta bort) omgångens tidsfrist för enheternas inskickning; efter den är en
    /// enhet som inte skickats in försenad.
    Tidsfrist {
        /// Prognosomgång.
        #[arg(long)]
        round: String,
        /// Sista dag för inskickning (ÅÅÅÅ-MM-DD).
        #[arg(long, required_unless_present = "ta_bort", conflicts_with = "ta_bort")]
        datum: Option<String>,
        /// Ta bort tidsfristen.
        #[arg(long)]
        ta_bort: bool,
        /// Databas: en SQLite-fil eller postgres://användare@värd/databas.
        #[arg(long, default_value_t = crate::db::default_db())]
        db: String,
        /// Användare i ändringsloggen.
        #[arg(long)]
        user: Option<String>,
    },
    /// Visa omgångarna, eller en omgångs ändringslogg.
    List {
        /// Visa ändringsloggen för denna omgång.
        #[arg(long)]
        log: Option<String>,
        /// Databas: en SQLite-fil eller postgres://användare@värd/databas.
        #[arg(long, default_value_t = crate::db::default_db())]
        db: String,
    },
}

fn parse_round(s: &str) -> Result<Round> {
    Round::parse(s).map_err(|e| anyhow::anyhow!("{e}"))
}

/// The round named, or the latest stored one.
fn round_or_latest(store: &SqlStore, round: Option<&str>) -> Result<Round> {
    if let Some(r) = round {
        return parse_round(r);
    }
    match store.forecast_rounds()?.last() {
        Some(r) => Ok(r.round),
        None => bail!(
            "det finns ingen prognosomgång ännu; beräkna en med \"delar forecast run --round 2025-P2\""
        ),
    }
}

fn split_line(s: &str) -> Result<(&str, &str)> {
    match s.split_once(':') {
        Some((n, g)) if !n.trim().is_empty() && !g.trim().is_empty() => Ok((n.trim(), g.trim())),
        _ => {
            bail!("\"{s}\" är ingen prognosrad; skriv NOD:GRUPP, till exempel SN41:kop_verksamhet")
        }
    }
}

fn mnkr(a: Amount) -> String {
    a.format(Unit::Mnkr, 1)
}

/// Run `delar forecast …`.
pub fn run(what: ForecastWhat) -> Result<ExitCode> {
    match what {
        ForecastWhat::Run {
            round,
            grain,
            db,
            user,
        } => {
            let round = parse_round(&round)?;
            let mut store = crate::db::open(&db)?;
            let grain = match grain {
                Some(g) => g,
                None => match store.forecast_round(&round.id())? {
                    Some(i) if i.grain == "account" => Grain::Account,
                    _ => Grain::Group,
                },
            };
            let opts = RoundOptions {
                grain: match grain {
                    Grain::Group => LedgerBy::Group,
                    Grain::Account => LedgerBy::Account,
                },
                user: user.unwrap_or_else(default_user),
            };
            let s = run_round(&mut store, &round, &opts)?;
            print_summary(&s);
            let findings = s.reconciliation.findings(s.round);
            if !findings.is_empty() {
                eprint!("{}", delar_report::check::render_findings(&findings));
            }
            Ok(if delar_report::check::has_errors(&findings) {
                ExitCode::FAILURE
            } else {
                ExitCode::SUCCESS
            })
        }
        ForecastWhat::Show {
            round,
            node,
            format,
            db,
        } => {
            let store = crate::db::open(&db)?;
            let round = round_or_latest(&store, round.as_deref())?;
            show(&store, &round, node.as_deref(), format)
        }
        ForecastWhat::Set {
            line,
            method,
            amount,
            comment,
            kommentarstyp,
            round,
            db,
            user,
        } => {
            let mut store = crate::db::open(&db)?;
            let round = round_or_latest(&store, round.as_deref())?.id();
            let (node, group) = split_line(&line)?;
            let user = user.unwrap_or_else(default_user);
            let comment = comment.unwrap_or_default();
            let kind = kommentarstyp.kind();
            let l = if let Some(m) = method {
                store.set_line_method(&round, node, group, m, &comment, kind, &user)?
            } else if let Some(a) = amount {
                store.set_line_amount(&round, node, group, a, &comment, kind, &user)?
            } else if !comment.trim().is_empty() {
                store.set_line_comment(&round, node, group, &comment, kind, &user)?
            } else {
                bail!(
                    "ange vad som ska ändras på {node}:{group}: --method, --amount eller \
                     --comment (se delar forecast set --help)"
                );
            };
            println!(
                "{round} {node}:{group}: {} {} (helår {} tkr).",
                l.method.name(),
                tkr(l.base),
                l.full_year().format(Unit::Tkr, 0)
            );
            Ok(ExitCode::SUCCESS)
        }
        ForecastWhat::Adjust {
            line,
            kind,
            part,
            amount,
            low,
            high,
            comment,
            kod,
            remove,
            round,
            db,
            user,
        } => {
            let mut store = crate::db::open(&db)?;
            let round = round_or_latest(&store, round.as_deref())?.id();
            let user = user.unwrap_or_else(default_user);
            if let Some(id) = remove {
                store.remove_adjustment(&round, id, &user)?;
                println!("{round}: justering {id} borttagen.");
                return Ok(ExitCode::SUCCESS);
            }
            let (node, group) = split_line(&line)?;
            let kind = match (kind, part) {
                (Some(AdjKind::Engang), _) => AdjustmentKind::OneOff,
                (Some(AdjKind::Sarskild), Some(AdjPart::Strukturell)) => {
                    AdjustmentKind::SpecialStructural
                }
                (Some(AdjKind::Sarskild), Some(AdjPart::Ovrig)) => AdjustmentKind::SpecialOther,
                (Some(AdjKind::Sarskild), None) => {
                    bail!("en särskild effekt behöver --part strukturell eller --part ovrig")
                }
                (Some(AdjKind::Regelandring), _) => AdjustmentKind::RuleChange,
                (Some(AdjKind::Beslut), _) => AdjustmentKind::Decision,
                (Some(AdjKind::Avvaktande), _) => AdjustmentKind::PendingDecision,
                (Some(AdjKind::Buffert), _) => AdjustmentKind::CentralBuffer,
                (None, _) => bail!("ange --kind"),
            };
            let a = Adjustment {
                kind,
                amount: amount.ok_or_else(|| anyhow::anyhow!("ange --amount"))?,
                low,
                high,
                comment: comment.unwrap_or_default(),
                code: kod,
            };
            let id = store.add_adjustment(&round, node, group, &a, &user)?;
            let cited = a
                .code
                .as_deref()
                .map(|c| format!(", kod {}", c.trim()))
                .unwrap_or_default();
            println!(
                "{round} {node}:{group}: {} {} tillagd (justering {id}{cited}).",
                kind.name(),
                tkr(a.amount)
            );
            Ok(ExitCode::SUCCESS)
        }
        ForecastWhat::Granska {
            round,
            kommentar,
            rader,
            alla,
            fil,
            mall,
            db,
            user,
        } => {
            let mut store = crate::db::open(&db)?;
            let round = round_or_latest(&store, round.as_deref())?;
            crate::granska::run(
                &mut store,
                &crate::granska::Request {
                    round,
                    note: kommentar.as_deref(),
                    lines: &rader,
                    all: alla,
                    file: fil.as_deref(),
                    template: mall.as_deref(),
                    user: user.unwrap_or_else(default_user),
                },
            )
        }
        ForecastWhat::Lock { round, db, user } => {
            let mut store = crate::db::open(&db)?;
            let id = parse_round(&round)?.id();
            store.lock_round(&id, &user.unwrap_or_else(default_user))?;
            println!("Prognosomgången {id} är låst.");
            Ok(ExitCode::SUCCESS)
        }
        ForecastWhat::Compare { from, to, db } => {
            let store = crate::db::open(&db)?;
            compare(&store, &parse_round(&from)?, &parse_round(&to)?)
        }
        ForecastWhat::Utvardera {
            filer,
            manader,
            json,
            fall,
            summa,
        } => crate::utvardera::run(&filer, &manader, json, fall.as_deref(), summa),
        ForecastWhat::Backtest { round, json, db } => {
            let store = crate::db::open(&db)?;
            let round = round_or_latest(&store, round.as_deref())?;
            let grain = match store.forecast_round(&round.id())? {
                Some(i) if i.grain == "account" => LedgerBy::Account,
                _ => LedgerBy::Group,
            };
            let inputs = load_inputs(&store, round.year, round.cutoff, grain)?;
            let lines = compute_lines(&inputs, round.year, round.cutoff as usize)?;
            let report = backtest_report(&inputs, &lines, &round);
            if json {
                println!("{}", serde_json::to_string_pretty(&report)?);
            } else {
                print!("{}", backtest_table(&report));
            }
            Ok(ExitCode::SUCCESS)
        }
        ForecastWhat::Accuracy {
            year,
            methods,
            json,
            db,
        } => {
            let store = crate::db::open(&db)?;
            let rows = accuracy(&store, year, &[RoundKind::P1, RoundKind::P2])?;
            if json {
                println!("{}", serde_json::to_string_pretty(&rows)?);
            } else {
                print!("{}", accuracy_table(&rows, methods));
            }
            Ok(ExitCode::SUCCESS)
        }
        ForecastWhat::Tidsfrist {
            round,
            datum,
            ta_bort: _,
            db,
            user,
        } => {
            let mut store = crate::db::open(&db)?;
            let round = parse_round(&round)?;
            let set = delar_app::workflow::set_deadline(
                &mut store,
                &round,
                datum.as_deref(),
                &user.unwrap_or_else(default_user),
            )?;
            match set {
                Some(d) => println!(
                    "Tidsfristen för {} är {d}: enheter som inte har skickat in efter den dagen \
                     visas som försenade.",
                    round.id()
                ),
                None => println!("Prognosomgången {} har ingen tidsfrist längre.", round.id()),
            }
            Ok(ExitCode::SUCCESS)
        }
        ForecastWhat::List { log, db } => {
            let store = crate::db::open(&db)?;
            if let Some(r) = log {
                let id = parse_round(&r)?.id();
                for e in store.forecast_audit(&id)? {
                    let line = match (&e.node, &e.group) {
                        (Some(n), Some(g)) => format!("{n}:{g}"),
                        _ => "(omgången)".into(),
                    };
                    println!(
                        "{}  {:<12} {:<18} {:<28} {} → {}",
                        e.at,
                        e.user,
                        e.action,
                        line,
                        e.old_value.as_deref().unwrap_or("–"),
                        e.new_value.as_deref().unwrap_or("–")
                    );
                }
                return Ok(ExitCode::SUCCESS);
            }
            let rounds = store.forecast_rounds()?;
            if rounds.is_empty() {
                println!("Inga prognosomgångar ännu.");
            }
            for r in rounds {
                println!(
                    "{:<10} {:<28} brytmånad {}  {:<6} {:>6} rader  beräknad {}{}",
                    r.round.id(),
                    r.round.name(),
                    r.round.cutoff_month(),
                    r.status.label(),
                    count(r.lines),
                    r.computed_at,
                    r.deadline
                        .map(|d| format!(", tidsfrist {d}"))
                        .unwrap_or_default()
                        + &r.locked_at
                            .map(|t| format!(", låst {t} av {}", r.locked_by.unwrap_or_default()))
                            .unwrap_or_default()
                );
            }
            Ok(ExitCode::SUCCESS)
        }
    }
}

fn print_summary(s: &RoundSummary) {
    println!(
        "Prognosomgång {} ({}, brytmånad {}): {} rader ({} nya, {} omräknade, {} med egen metod eller belopp behållna, {} borttagna).",
        s.round.id(),
        s.round.name(),
        s.round.cutoff_month(),
        count(s.save.lines),
        count(s.save.added),
        count(s.save.updated),
        count(s.save.kept_overrides),
        count(s.save.removed)
    );
    let methods: Vec<String> = s
        .by_method
        .iter()
        .map(|(m, n)| format!("{} {}", m.name().to_lowercase(), count(*n)))
        .collect();
    println!(
        "Beräknad metod: {}; {} rader har en rekommendation från backtest.",
        methods.join(", "),
        count(s.recommended)
    );
    println!(
        "Tid: läsning {} s, beräkning med backtest {} s, sparande {} s.",
        decimal(s.seconds.0, 2),
        decimal(s.seconds.1, 2),
        decimal(s.seconds.2, 2)
    );
}

/// `forecast show --format json`: the round, the nodes shown with their totals, and the lines
/// under them. Amounts are kronor with two decimals as text, methods their codes
/// (docs/FORECASTING.md, "Output conventions").
#[derive(Serialize)]
struct ShowJson<'a> {
    round: RoundJson,
    nodes: Vec<NodeJson<'a>>,
    lines: Vec<LineJson<'a>>,
}

/// A round in JSON.
#[derive(Serialize)]
struct RoundJson {
    id: String,
    name: String,
    year: i32,
    /// The cut-off month, `YYYY-MM`.
    cutoff: String,
    /// `group` or `account`.
    grain: String,
    /// `open` or `locked`.
    status: delar_store::RoundStatus,
    created_at: String,
    created_by: String,
    computed_at: String,
    locked_at: Option<String>,
    locked_by: Option<String>,
    lines: u64,
}

impl RoundJson {
    fn new(i: &delar_store::RoundInfo) -> RoundJson {
        RoundJson {
            id: i.round.id(),
            name: i.round.name(),
            year: i.round.year,
            cutoff: i.round.cutoff_month().to_string(),
            grain: i.grain.clone(),
            status: i.status,
            created_at: i.created_at.clone(),
            created_by: i.created_by.clone(),
            computed_at: i.computed_at.clone(),
            locked_at: i.locked_at.clone(),
            locked_by: i.locked_by.clone(),
            lines: i.lines,
        }
    }
}

/// A node of the tree with its totals, and per kontogrupp.
#[derive(Serialize)]
struct NodeJson<'a> {
    node: &'a str,
    name: &'a str,
    level: usize,
    total: TotalsJson,
    groups: BTreeMap<&'a str, TotalsJson>,
}

/// Sums of lines; `deviation` = budget − forecast (positive = surplus in net cost).
#[derive(Serialize)]
struct TotalsJson {
    #[serde(with = "delar_core::money::kr_string")]
    to_date: Amount,
    #[serde(with = "delar_core::money::kr_string")]
    budget: Amount,
    #[serde(with = "delar_core::money::kr_string")]
    forecast: Amount,
    #[serde(with = "delar_core::money::kr_string")]
    deviation: Amount,
    #[serde(with = "delar_core::money::kr_string")]
    special: Amount,
    /// The forecast's 80 % range; `null` without replayed years.
    range80: Option<RangeJson>,
}

/// An 80 % range of a forecast, in kronor.
#[derive(Serialize)]
struct RangeJson {
    #[serde(with = "delar_core::money::kr_string")]
    low: Amount,
    #[serde(with = "delar_core::money::kr_string")]
    high: Amount,
}

impl RangeJson {
    fn new(r: Option<(Amount, Amount)>) -> Option<RangeJson> {
        r.map(|(low, high)| RangeJson { low, high })
    }
}

impl TotalsJson {
    fn new(t: &delar_forecast::Totals, range: Option<(Amount, Amount)>) -> TotalsJson {
        TotalsJson {
            to_date: t.to_date,
            budget: t.budget,
            forecast: t.forecast,
            deviation: t.budget - t.forecast,
            special: t.special,
            range80: RangeJson::new(range),
        }
    }
}

/// One line: its method and recommendation, figures, explanation, adjustments, who changed
/// it, plausibility flags and every method's result.
#[derive(Serialize)]
struct LineJson<'a> {
    node: &'a str,
    group: &'a str,
    method: Method,
    recommended: Option<Method>,
    /// A manual amount is in force.
    manual: bool,
    #[serde(with = "delar_core::money::kr_string")]
    to_date: Amount,
    #[serde(with = "delar_core::money::kr_string")]
    budget: Amount,
    #[serde(with = "delar_core::money::kr_string")]
    budget_to_date: Amount,
    /// The method's full-year amount before adjustments.
    #[serde(with = "delar_core::money::kr_string")]
    base: Amount,
    /// base + adjustments.
    #[serde(with = "delar_core::money::kr_string")]
    forecast: Amount,
    /// budget − forecast.
    #[serde(with = "delar_core::money::kr_string")]
    deviation: Amount,
    /// The forecast's 80 % range; `null` without replayed years.
    range80: Option<RangeJson>,
    explanation: &'a str,
    comment: Option<&'a str>,
    adjustments: Vec<AdjustmentJson<'a>>,
    override_by: Option<&'a str>,
    override_at: Option<&'a str>,
    override_reason: Option<&'a str>,
    flags: &'a [String],
    estimates: Vec<EstimateJson<'a>>,
}

impl<'a> LineJson<'a> {
    fn new(d: &'a delar_store::LineDetail) -> LineJson<'a> {
        let l = &d.line;
        LineJson {
            node: &l.node,
            group: &l.group,
            method: l.method,
            recommended: d.recommended,
            manual: d.manual,
            to_date: l.to_date,
            budget: l.budget,
            budget_to_date: d.budget_to_date,
            base: l.base,
            forecast: l.full_year(),
            deviation: l.deviation(),
            range80: RangeJson::new(line_range(d)),
            explanation: &l.explanation,
            comment: l.comment.as_deref(),
            adjustments: l
                .adjustments
                .iter()
                .zip(&d.adjustment_ids)
                .map(|(a, id)| AdjustmentJson {
                    id: *id,
                    kind: a.kind.code(),
                    name: a.kind.name(),
                    amount: a.amount,
                    low: a.low,
                    high: a.high,
                    comment: &a.comment,
                    code: a.code.as_deref(),
                })
                .collect(),
            override_by: d.override_by.as_deref(),
            override_at: d.override_at.as_deref(),
            override_reason: d.override_reason.as_deref(),
            flags: &d.flags,
            estimates: d
                .estimates
                .iter()
                .map(|e| EstimateJson {
                    method: e.method,
                    name: e.method.name(),
                    full_year: e.full_year,
                    explanation: &e.explanation,
                    mae: e.mae,
                    bias: e.bias,
                    years: e.years,
                })
                .collect(),
        }
    }
}

/// An adjustment: `kind` is its code (`sarskild_strukturell`), `name` the Swedish name.
#[derive(Serialize)]
struct AdjustmentJson<'a> {
    id: i64,
    kind: &'static str,
    name: &'static str,
    #[serde(with = "delar_core::money::kr_string")]
    amount: Amount,
    #[serde(with = "delar_core::money::kr_string::option")]
    low: Option<Amount>,
    #[serde(with = "delar_core::money::kr_string::option")]
    high: Option<Amount>,
    comment: &'a str,
    /// The code registers cite it by (`SN-J1`), or null.
    code: Option<&'a str>,
}

/// A method's result on a line (`full_year` null when it cannot be used; `explanation` then
/// says why) and its backtest record.
#[derive(Serialize)]
struct EstimateJson<'a> {
    method: Method,
    name: &'static str,
    #[serde(with = "delar_core::money::kr_string::option")]
    full_year: Option<Amount>,
    explanation: &'a str,
    #[serde(with = "delar_core::money::kr_string::option")]
    mae: Option<Amount>,
    #[serde(with = "delar_core::money::kr_string::option")]
    bias: Option<Amount>,
    years: u32,
}

/// `forecast show --format csv`: one row per node × kontogrupp shown, with its sums; a row
/// that is one line (a unit's own) also has the line's method, recommendation, every
/// method's full-year value (one column per method code, empty where it cannot be used) and
/// the explanation. Amounts in kronor with a decimal comma.
fn show_csv(view: &RoundView) -> String {
    use crate::out::{csv_kr, csv_text};
    let mut s = String::from(
        "nod;namn;niva;kontogrupp;utfall_hittills;budget;prognos;avvikelse;sarskilda_poster;\
         prognos_lag80;prognos_hog80;metod;rekommenderad",
    );
    for m in Method::ALL {
        let _ = write!(s, ";prognos_{}", m.code());
    }
    s.push_str(";forklaring\n");
    let lines: HashMap<(&str, &str), &delar_store::LineDetail> = view
        .details
        .iter()
        .map(|d| ((d.line.node.as_str(), d.line.group.as_str()), d))
        .collect();
    for n in &view.nodes {
        let (level, code, name) = (n.level, &n.code, &n.name);
        for (g, t) in &n.groups {
            let _ = write!(
                s,
                "{code};{};{level};{g};{};{};{};{};{}",
                csv_text(name),
                csv_kr(t.to_date),
                csv_kr(t.budget),
                csv_kr(t.forecast),
                csv_kr(t.budget - t.forecast),
                csv_kr(t.special)
            );
            match n.group_ranges.get(g) {
                Some((lo, hi)) => {
                    let _ = write!(s, ";{};{}", csv_kr(*lo), csv_kr(*hi));
                }
                None => s.push_str(";;"),
            }
            match lines.get(&(code.as_str(), g.as_str())) {
                Some(d) => {
                    let _ = write!(
                        s,
                        ";{};{}",
                        d.line.method.code(),
                        d.recommended.map(|m| m.code()).unwrap_or_default()
                    );
                    for m in Method::ALL {
                        let v = if m == Method::Manual {
                            d.manual.then_some(d.line.base)
                        } else {
                            d.estimates
                                .iter()
                                .find(|e| e.method == m)
                                .and_then(|e| e.full_year)
                        };
                        let _ = write!(s, ";{}", v.map(csv_kr).unwrap_or_default());
                    }
                    let _ = writeln!(s, ";{}", csv_text(&d.line.explanation));
                }
                None => {
                    s.push_str(&";".repeat(3 + Method::ALL.len()));
                    s.push('\n');
                }
            }
        }
    }
    s
}

/// `forecast show`: the round rolled up along the organisation tree.
fn show(
    store: &dyn Backend,
    round: &Round,
    node: Option<&str>,
    format: ShowFormat,
) -> Result<ExitCode> {
    let id = round.id();
    let view = round_view(store, round, node)?;
    let info = &view.info;
    let details = &view.details;
    match format {
        ShowFormat::Json => {
            let out = ShowJson {
                round: RoundJson::new(info),
                nodes: view
                    .nodes
                    .iter()
                    .map(|n| NodeJson {
                        node: &n.code,
                        name: &n.name,
                        level: n.level,
                        total: TotalsJson::new(&n.total, n.range),
                        groups: n
                            .groups
                            .iter()
                            .map(|(k, t)| {
                                (
                                    k.as_str(),
                                    TotalsJson::new(t, n.group_ranges.get(k).copied()),
                                )
                            })
                            .collect(),
                    })
                    .collect(),
                lines: view
                    .shown_details()
                    .into_iter()
                    .map(LineJson::new)
                    .collect(),
            };
            println!("{}", serde_json::to_string_pretty(&out)?);
        }
        ShowFormat::Csv => print!("{}", show_csv(&view)),
        ShowFormat::Table => {
            println!(
                "{} – prognosomgång {id} ({}), brytmånad {}, mnkr; avvikelse = budget − prognos (positiv = överskott i nettokostnad)",
                round.name(),
                info.status.label(),
                round.cutoff_month()
            );
            println!(
                "{:<46} {:>10} {:>10} {:>10} {:>21} {:>10} {:>10}",
                "", "Utfall", "Budget", "Prognos", "80 %-intervall", "Avvikelse", "Särskilda"
            );
            for n in &view.nodes {
                let t = &n.total;
                let label = format!("{}{} {}", "  ".repeat(n.level), n.code, n.name);
                println!(
                    "{:<46} {:>10} {:>10} {:>10} {:>21} {:>10} {:>10}",
                    truncate(&label, 46),
                    mnkr(t.to_date),
                    mnkr(t.budget),
                    mnkr(t.forecast),
                    n.range
                        .map(|(lo, hi)| format!("{} – {}", mnkr(lo), mnkr(hi)))
                        .unwrap_or_default(),
                    mnkr(t.budget - t.forecast),
                    mnkr(t.special)
                );
            }
            println!(
                "80 %-intervall: med 80 % sannolikhet hamnar helåret inom intervallet, enligt \
                 hur mycket metoderna missade när tidigare år spelades upp vid samma brytmånad."
            );
            if let Some(n) = node {
                let own: Vec<&delar_store::LineDetail> =
                    details.iter().filter(|d| d.line.node == n).collect();
                if !own.is_empty() {
                    println!("\nRader för {n} (tkr):");
                }
                for d in own {
                    let l = &d.line;
                    println!(
                        "\n{n}:{}  {}{}  utfall {}  budget {}  prognos {}  avvikelse {}",
                        l.group,
                        l.method.name(),
                        match d.recommended {
                            Some(r) if r == l.method => " (rekommenderad)".to_string(),
                            Some(r) => format!(" (rekommenderad: {})", r.name().to_lowercase()),
                            None => String::new(),
                        },
                        tkr(l.to_date),
                        tkr(l.budget),
                        tkr(l.full_year()),
                        tkr(l.deviation())
                    );
                    println!("  {}", l.explanation);
                    if let Some((lo, hi)) = line_range(d) {
                        println!(
                            "  80 %-intervall: {} – {} (från metodens fel när tidigare år spelades upp)",
                            tkr(lo),
                            tkr(hi)
                        );
                    }
                    for (a, id) in l.adjustments.iter().zip(&d.adjustment_ids) {
                        let range = match (a.low, a.high) {
                            (Some(lo), Some(hi)) => format!(" ({} – {})", tkr(lo), tkr(hi)),
                            _ => String::new(),
                        };
                        let cited = a
                            .code
                            .as_deref()
                            .map(|c| format!(" ({c})"))
                            .unwrap_or_default();
                        println!(
                            "  Justering {id}{cited}: {} {}{range}: {}",
                            a.kind.name(),
                            tkr(a.amount),
                            a.comment
                        );
                    }
                    if let Some(c) = &l.comment {
                        println!("  Kommentar: {c}");
                    }
                    if let Some(c) = &d.review_note {
                        println!("  Granskning (kommer inte med i rapporten): {c}");
                    }
                    if let (Some(by), Some(at)) = (&d.override_by, &d.override_at) {
                        println!("  Ändrad av {by} {at}.");
                    }
                    for f in &d.flags {
                        println!("  Flagga: {f}");
                    }
                    for e in &d.estimates {
                        let v = e.full_year.map(tkr).unwrap_or_else(|| "–".into());
                        let bt = match (e.mae, e.bias) {
                            (Some(m), Some(b)) => format!(
                                "  medelfel {}  snedvridning {} ({} år)",
                                tkr(m),
                                tkr(b),
                                e.years
                            ),
                            _ => String::new(),
                        };
                        println!("    {:<34} {:>14}{bt}", e.method.name(), v);
                    }
                }
            }
        }
    }
    Ok(ExitCode::SUCCESS)
}

fn truncate(s: &str, n: usize) -> String {
    if s.chars().count() <= n {
        s.to_string()
    } else {
        let mut t: String = s.chars().take(n - 1).collect();
        t.push('…');
        t
    }
}

/// `forecast compare`: the bridge per line and per committee.
fn compare(store: &dyn Backend, from: &Round, to: &Round) -> Result<ExitCode> {
    let (committees, rows) = bridge_view(store, from, to)?;
    println!(
        "Brygga {} → {} per nämnd (mnkr; ändring positiv = högre nettokostnad):",
        from.id(),
        to.id()
    );
    println!(
        "{:<36} {:>10} {:>10} {:>10}",
        "",
        from.id(),
        to.id(),
        "Ändring"
    );
    let mut total = (Amount::ZERO, Amount::ZERO);
    for c in &committees {
        let (p, n, why) = (&c.previous, &c.current, &c.changes);
        total.0 += *p;
        total.1 += *n;
        println!(
            "{:<36} {:>10} {:>10} {:>10}",
            truncate(&format!("{} {}", c.code, c.name), 36),
            mnkr(*p),
            mnkr(*n),
            mnkr(*n - *p)
        );
        for (_, w) in why.iter().take(5) {
            println!("    {w}");
        }
        if why.len() > 5 {
            println!("    … och {} rader till", count(why.len() - 5));
        }
    }
    println!(
        "{:<36} {:>10} {:>10} {:>10}",
        "Totalt",
        mnkr(total.0),
        mnkr(total.1),
        mnkr(total.1 - total.0)
    );
    println!("\nPer rad (tkr):");
    for r in rows.iter().filter(|r| !r.change.is_zero()) {
        println!(
            "{}:{}  {} → {}  ({})  {}",
            r.node,
            r.group,
            tkr(r.previous),
            tkr(r.current),
            tkr(r.change),
            r.reasons.join(" ")
        );
    }
    Ok(ExitCode::SUCCESS)
}

fn backtest_table(r: &BacktestReport) -> String {
    let mut s = format!(
        "Backtest för {} (brytmånad {}): {} rader, åren {}. Medelfel och snedvridning (positiv = för hög prognos) i tkr.\n",
        r.round,
        r.cutoff,
        count(r.lines),
        r.years
            .iter()
            .map(|y| y.to_string())
            .collect::<Vec<_>>()
            .join(", ")
    );
    let _ = writeln!(
        s,
        "{:<36} {:>12} {:>12} {:>6} {:>12} {:>14} {:>12} {:>6}",
        "",
        "Rad medelfel",
        "snedvridning",
        "antal",
        "alla rader",
        "Nämnd medelfel",
        "snedvridning",
        "antal"
    );
    let t = |x: &str| {
        Amount::parse_sie(x)
            .map(|a| a.format(Unit::Tkr, 0))
            .unwrap_or_default()
    };
    for m in &r.methods {
        let _ = writeln!(
            s,
            "{:<36} {:>12} {:>12} {:>6} {:>12} {:>14} {:>12} {:>6}",
            m.name,
            t(&m.line.mae),
            t(&m.line.bias),
            count(m.line.n),
            t(&m.line_all.mae),
            t(&m.committee.mae),
            t(&m.committee.bias),
            count(m.committee.n)
        );
    }
    if !r.years_without_budget.is_empty() {
        let _ = writeln!(
            s,
            "Budgetmetoden: ingen budget för {} i databasen; de åren ingår inte i dess backtest \
             (aldrig som budget 0).",
            r.years_without_budget
                .iter()
                .map(|y| y.to_string())
                .collect::<Vec<_>>()
                .join(", ")
        );
    }
    s.push_str("Rad: de rader och år där metoden går att använda; \"alla rader\": varje rad och år, med mixens värde där metoden inte går att använda.\nNämndnivå: summan av nämndens rader mot nämndens utfall samma år; en rad där metoden inte går att använda räknas där med mixens värde.\nMixen: för varje år den metod som rekommenderas på raden utifrån de övriga åren (se docs/FORECASTING.md).\n");
    s
}

fn accuracy_table(rows: &[AccuracyRow], all_methods: bool) -> String {
    let mut s = String::from(
        "Prognossäkerhet: helårsprognosen vid P1 och P2 mot det slutliga utfallet (mnkr; fel = prognos − utfall, positiv = för hög nettokostnad; % av kostnadsbudgeten brutto; prognosens 80 %-intervall och om utfallet hamnade inom det; medelfel per rad i tkr).\n",
    );
    let m = |x: &str| {
        Amount::parse_sie(x)
            .map(|a| a.format(Unit::Mnkr, 1))
            .unwrap_or_default()
    };
    let t = |x: &str| {
        Amount::parse_sie(x)
            .map(|a| a.format(Unit::Tkr, 0))
            .unwrap_or_default()
    };
    let mut last = (0, String::new(), String::new());
    for r in rows.iter().filter(|r| all_methods || r.method == "mix") {
        let key = (r.year, r.round.clone(), r.method.clone());
        if key != last {
            let what = match (r.method.as_str(), r.stored) {
                ("mix", true) => "sparad omgång".to_string(),
                ("mix", false) => "rekommenderad mix, återskapad".to_string(),
                (c, _) => Method::from_code(c)
                    .map(|m| m.name().to_string())
                    .unwrap_or_default(),
            };
            let _ = writeln!(
                s,
                "\n{} (brytmånad {}), {what}\n{:<8} {:>10} {:>10} {:>10} {:>9} {:>21} {:>5} {:>12}",
                r.round,
                r.cutoff,
                "",
                "Prognos",
                "Utfall",
                "Fel",
                "Fel %",
                "80 %-intervall",
                "Inom",
                "Medelfel/rad"
            );
            last = key;
        }
        let _ = writeln!(
            s,
            "{:<8} {:>10} {:>10} {:>10} {:>10} {:>21} {:>5} {:>12}",
            r.node,
            m(&r.forecast),
            m(&r.actual),
            m(&r.error),
            delar_core::money::format_percent(r.error_pct / 100.0, 1),
            r.range
                .as_ref()
                .map(|(lo, hi)| format!("{} – {}", m(lo), m(hi)))
                .unwrap_or_default(),
            match r.inside {
                Some(true) => "ja",
                Some(false) => "nej",
                None => "",
            },
            t(&r.line_mae)
        );
    }
    let mix: Vec<bool> = rows
        .iter()
        .filter(|r| r.method == "mix")
        .filter_map(|r| r.inside)
        .collect();
    if !mix.is_empty() {
        let _ = writeln!(
            s,
            "\nUtfallet hamnade inom prognosens 80 %-intervall i {} av {} fall (nämnder och programområdet, P1 och P2).",
            count(mix.iter().filter(|x| **x).count()),
            count(mix.len())
        );
    }
    s
}
