//! `delar demo`: the main job on the embedded example municipality. Generates Exempelkommun's
//! files (the ones a municipality hands to delar) into `DIR/indata`, imports them through the
//! same import paths as `delar import`, forecasts every unit × kontogrupp with the backtested
//! method, reviews the flagged lines as a controller would (review notes, never in the report),
//! locks P1 (history when P2 is made), compares the forecast with the generator's ground truth,
//! and writes the results. P2 is left reviewed and open, ready for `delar forecast lock`.

use anyhow::{bail, Context, Result};
use delar_core::{AccountMapping, Amount, OrgTree, Round, RoundKind, Unit};
use delar_demo::followup::{write_followup, FollowupOptions};
use delar_demo::kommun::{self, KommunOptions, CURRENT_YEAR, FIRST_YEAR};
use delar_forecast::{roll_up, ForecastLine};
use delar_sie::{ReadOptions, Record, SieReader};
use delar_store::{
    ForecastStore, ImportOptions, LedgerBy, ReviewNote, SqlStore, Store, TemplateKind,
};
use std::collections::BTreeMap;
use std::fmt::Write as _;
use std::path::{Path, PathBuf};
use std::process::ExitCode;

/// Year of the demo's current round.
pub const DEMO_YEAR: i32 = CURRENT_YEAR;

/// Run the demo into `out`; the database is `out/delar.db`, or `db` when given (an SQLite
/// file, or an empty PostgreSQL database).
pub fn run(out: &Path, seed: u64, db: Option<&str>) -> Result<ExitCode> {
    let started = std::time::Instant::now();
    std::fs::create_dir_all(out)
        .with_context(|| format!("kunde inte skapa katalogen {}", out.display()))?;
    let input = out.join("indata");
    if input.exists() {
        std::fs::remove_dir_all(&input)
            .with_context(|| format!("kunde inte tömma {}", input.display()))?;
    }
    // 1. Exempelkommun's files.
    let opts = KommunOptions {
        seed,
        ..KommunOptions::default()
    };
    let stats = kommun::generate(&opts, &input, |_, _| {})
        .with_context(|| format!("kunde inte skriva Exempelkommun till {}", input.display()))?;
    let fu_dir = input.join("uppfoljning");
    let fu_files = write_followup(
        &fu_dir,
        &FollowupOptions {
            seed,
            year: DEMO_YEAR,
            cutoff_month: opts.cutoff.month(),
            first_year: FIRST_YEAR,
        },
    )
    .with_context(|| {
        format!(
            "kunde inte skriva uppföljningsregistren till {}",
            fu_dir.display()
        )
    })?;
    println!(
        "Genererade Exempelkommun i {}: {} enheter, {} verifikationer, {} transaktioner, {} volymserier, {} uppföljningsregister.",
        input.display(),
        crate::out::count(stats.units),
        crate::out::count(stats.vouchers),
        crate::out::count(stats.transactions),
        crate::out::count(stats.series),
        crate::out::count(fu_files.len())
    );

    // 2. Import through the real import paths.
    let db = match db {
        Some(db) => db.to_string(),
        None => out.join("delar.db").display().to_string(),
    };
    if !delar_store::pg::is_url(&db) {
        for suffix in ["", "-wal", "-shm"] {
            let p = PathBuf::from(format!("{}{suffix}", delar_store::sqlite_path(&db)));
            if p.exists() {
                std::fs::remove_file(&p)
                    .with_context(|| format!("kunde inte ta bort {}", p.display()))?;
            }
        }
    }
    let mut store = crate::db::create(&db)?;
    // Exempelkommun's kontogrupper (its technical budget posts apart), as `delar kontogrupper`.
    let mapping_file = input.join("kontogrupper.toml");
    let text = std::fs::read_to_string(&mapping_file)
        .with_context(|| format!("kunde inte läsa {}", mapping_file.display()))?;
    let mapping = AccountMapping::from_toml(&text)
        .map_err(|e| anyhow::anyhow!("{}: {e}", mapping_file.display()))?;
    store.set_account_mapping(&mapping)?;
    let template = |store: &mut SqlStore, kind: TemplateKind, name: &str| -> Result<()> {
        let p = input.join(name);
        let r = crate::template_import::import_file(store, kind, &p)
            .map_err(|e| anyhow::anyhow!("{e}"))?;
        println!("  {r}");
        Ok(())
    };
    println!("Importerar till {}:", crate::db::shown(&db));
    template(&mut store, TemplateKind::Organisation, "organisation.csv")?;
    template(&mut store, TemplateKind::VolumeSeries, "volymserier.csv")?;
    template(&mut store, TemplateKind::Volumes, "volymer.csv")?;
    template(&mut store, TemplateKind::VolumeBudget, "volymbudget.csv")?;
    for year in FIRST_YEAR..=DEMO_YEAR {
        let p = input.join("sie").join(kommun::sie_name(year));
        let r = crate::import_one(&mut store, &p, &ImportOptions::default(), true)?;
        println!(
            "  {}: {} verifikationer, {} transaktioner.",
            p.file_name()
                .map(|n| n.to_string_lossy())
                .unwrap_or_default(),
            crate::out::count(r.vouchers),
            crate::out::count(r.transactions)
        );
    }
    template(&mut store, TemplateKind::Budget, "budget.csv")?;
    write_intraprenader(&store, &input.join("intraprenader.csv"), opts.cutoff)?;
    template(&mut store, TemplateKind::Intraprenader, "intraprenader.csv")?;
    let mut fu_ok = 0;
    for f in &fu_files {
        let reg = f
            .file_stem()
            .map(|s| s.to_string_lossy().into_owned())
            .unwrap_or_default();
        if !crate::followup::import_file(&mut store, &reg, f, false) {
            bail!(
                "uppföljningsregistret {} kunde inte importeras",
                f.display()
            );
        }
        fu_ok += 1;
    }
    println!(
        "  {} uppföljningsregister importerade.",
        crate::out::count(fu_ok)
    );

    // 3. Ledger by kontogrupp.
    let rows = store.ledger(DEMO_YEAR, LedgerBy::Group, None)?;
    let table = crate::ledger::table(DEMO_YEAR, &rows);
    let ledger_txt = out.join("huvudbok-kontogrupper.txt");
    std::fs::write(&ledger_txt, &table)
        .with_context(|| format!("kunde inte skriva {}", ledger_txt.display()))?;
    let ledger_csv = out.join("huvudbok-kontogrupper.csv");
    std::fs::write(&ledger_csv, crate::ledger::csv(&rows))
        .with_context(|| format!("kunde inte skriva {}", ledger_csv.display()))?;

    // 4. Forecast per unit × kontogrupp, and its accuracy against the ground truth.
    let org = store.organisation()?;
    let tree = org.tree_at(opts.cutoff);
    // Rounds P1 and P2 computed from the store and saved in it, their flagged lines reviewed;
    // P1 is locked (it is history when P2 is made), P2 stays open. The report reads P2's lines.
    let mut lines = Vec::new();
    for kind in [RoundKind::P1, RoundKind::P2] {
        let round = Round::new(DEMO_YEAR, kind).map_err(|e| anyhow::anyhow!("{e}"))?;
        let s = crate::forecast::run_round(&mut store, &round, &Default::default())?;
        add_cited_adjustments(&mut store, &round)?;
        let reviewed = review_flagged(&mut store, &round)?;
        print!(
            "  Prognosomgång {}: {} rader, {} flaggade rader granskade",
            round.id(),
            crate::out::count(s.save.lines),
            crate::out::count(reviewed)
        );
        if kind == RoundKind::P1 {
            store.lock_round(&round.id(), DEMO_REVIEWER)?;
            print!(", låst");
        }
        println!(".");
        lines = store.forecast_lines(&round.id())?;
    }
    let truth = truth_by_unit(
        &input
            .join("truth")
            .join("sie")
            .join(kommun::sie_name(DEMO_YEAR)),
        &mapping,
    )?;
    let forecast_csv = out.join("prognos.csv");
    std::fs::write(&forecast_csv, lines_csv(&lines, &truth))
        .with_context(|| format!("kunde inte skriva {}", forecast_csv.display()))?;
    let summary = committee_summary(&lines, &tree, &truth);
    let summary_txt = out.join("prognos-namnder.txt");
    std::fs::write(&summary_txt, &summary)
        .with_context(|| format!("kunde inte skriva {}", summary_txt.display()))?;

    println!("{summary}");

    // 5. The report, in every format.
    let report_files = crate::report::demo_report(&store, &out.join("rapport"))?;

    // 6. The web application's demo accounts, all with the password "demo".
    let accounts =
        delar_app::users::add_demo_accounts(&mut store, &tree, DEMO_PASSWORD, DEMO_REVIEWER)?;
    println!(
        "Skapade {} demokonton med lösenordet \"{DEMO_PASSWORD}\" (se \"delar anvandare lista --db {}\"); starta webbappen med \"delar serve --db {}\".",
        crate::out::count(accounts.len()),
        crate::db::shown(&db),
        crate::db::shown(&db)
    );

    println!("Skrev:");
    println!("  {}", crate::db::shown(&db));
    for p in [&ledger_txt, &ledger_csv, &forecast_csv, &summary_txt] {
        println!("  {}", p.display());
    }
    for p in &report_files {
        println!("  {}", p.display());
    }
    println!(
        "Klart på {} s.",
        crate::out::decimal(started.elapsed().as_secs_f64(), 1)
    );
    Ok(ExitCode::SUCCESS)
}

/// The password of every demo account.
pub const DEMO_PASSWORD: &str = "demo";

/// The adjustments the demo's events cite (`delar_demo::followup::DEMO_ADJUSTMENTS`), added
/// to a round whose cut-off month is at or after the event's, as a controller would with
/// `delar forecast adjust … --kod`.
fn add_cited_adjustments(store: &mut SqlStore, round: &Round) -> Result<()> {
    use delar_forecast::{Adjustment, AdjustmentKind};
    for (code, node, group, kind, kr, month, comment) in delar_demo::followup::DEMO_ADJUSTMENTS {
        if *month > round.cutoff {
            continue;
        }
        let kind = AdjustmentKind::from_code(kind)
            .ok_or_else(|| anyhow::anyhow!("okänd justeringstyp {kind} i demons tabell"))?;
        let a = Adjustment {
            kind,
            amount: Amount::from_ore((kr.round() as i64) * 100),
            low: None,
            high: None,
            comment: (*comment).to_string(),
            code: Some((*code).to_string()),
        };
        store.add_adjustment(&round.id(), node, group, &a, DEMO_REVIEWER)?;
    }
    Ok(())
}

/// Who reviews and locks the demo's rounds (the audit log's user).
pub const DEMO_REVIEWER: &str = "ekonomienheten";

/// Review a round as a controller would before locking it: a review note on every flagged line
/// without a comment, saying why the line is fine (one transaction). Returns the lines noted.
fn review_flagged(store: &mut SqlStore, round: &Round) -> Result<usize> {
    let notes: Vec<ReviewNote> = store
        .forecast_line_details(&round.id())?
        .iter()
        .filter(|d| d.needs_review())
        .map(|d| ReviewNote {
            node: d.line.node.clone(),
            group: d.line.group.clone(),
            note: review_note(d),
        })
        .collect();
    if notes.is_empty() {
        return Ok(0);
    }
    Ok(store.review_lines(&round.id(), &notes, DEMO_REVIEWER)?)
}

/// The review note a controller writes on a flagged line: what the flag is about and why the
/// forecast still holds, by kontogrupp.
pub fn review_note(d: &delar_store::LineDetail) -> String {
    let why = match d.line.group.as_str() {
        "personal" => {
            "löneöversynen betalas ut retroaktivt och sommarens vikarier ger en annan takt under resten av året"
        }
        "kop_verksamhet" => {
            "placeringar som avslutas och nya som är beslutade är stämda av mot placeringslistan"
        }
        "bemanning" => "inhyrd personal fasas ut när de rekryterade tjänsterna tillsätts",
        "lokal" => "hyran betalas kvartalsvis i förskott enligt hyresavtalen",
        "avgifter" | "forsaljning" => {
            "intäkterna faktureras ojämnt över året; avtalen och fakturaplanen är kontrollerade"
        }
        "bidrag" | "ovriga_intakter" => {
            "statsbidragen rekvireras i efterskott; beslut och rekvisitioner är kontrollerade"
        }
        _ => "budgetens periodisering följer inte verksamhetens faktiska profil",
    };
    let turnaround = d
        .flags
        .iter()
        .any(|f| f.starts_with("Underskottet hittills"));
    if turnaround {
        format!(
            "Granskad: underskottet hittills beror på tidsförskjutning, inte på högre kostnadsnivå; {why}. Prognosen för resten av året bedöms rimlig."
        )
    } else {
        format!(
            "Granskad: takten hittills är inte representativ för resten av året; {why}. Prognosen står kvar."
        )
    }
}

/// Exempelkommun's intraprenader's accumulated results at 1 January (`intraprenader.csv`),
/// made up from last year's gross cost: most carry a surplus of about 2 % of it (a third of
/// them a deficit of about 1 % since last year), capped at 3 % of turnover, deficits written
/// off after 3 years.
fn write_intraprenader(store: &SqlStore, path: &Path, cutoff: delar_core::YearMonth) -> Result<()> {
    let tree = store.organisation()?.tree_at(cutoff);
    let mut s = String::from(
        "intraprenad;år;ingående;ianspråktagande;underskott_från;tak_procent;tak_belopp;avskrivning_år\n",
    );
    let units = tree
        .nodes()
        .iter()
        .filter(|n| n.kind == delar_core::OrgKind::Intraprenad);
    for (i, n) in units.enumerate() {
        let rows = match store.ledger(DEMO_YEAR - 1, LedgerBy::Group, Some((1, &n.code))) {
            Ok(r) => r,
            Err(delar_store::StoreError::NoSuchObject { .. }) => continue,
            Err(e) => return Err(e.into()),
        };
        let cost: i64 = rows
            .iter()
            .map(|r| r.outcome_total.ore())
            .filter(|o| *o > 0)
            .sum();
        // whole thousands of kronor
        let pct = |p: i64| (cost * p / 100 / 100_000) * 1_000;
        let (opening, since) = if i % 3 == 2 {
            (-pct(1), format!("{}", DEMO_YEAR - 1))
        } else {
            (pct(2), String::new())
        };
        let planned = if opening > 0 { opening / 2 } else { 0 };
        let _ = writeln!(s, "{};{DEMO_YEAR};{opening};{planned};{since};3;;3", n.code);
    }
    std::fs::write(path, s).with_context(|| format!("kunde inte skriva {}", path.display()))
}

/// The ground truth: the whole year's outcome per (ansvar, kontogrupp) from the generator's
/// complete SIE file.
fn truth_by_unit(
    path: &Path,
    mapping: &AccountMapping,
) -> Result<BTreeMap<(String, String), Amount>> {
    let file = std::fs::File::open(path)
        .with_context(|| format!("kunde inte öppna facit {}", path.display()))?;
    let mut out: BTreeMap<(String, String), Amount> = BTreeMap::new();
    let mut groups: BTreeMap<String, Option<String>> = BTreeMap::new();
    for r in SieReader::new(std::io::BufReader::new(file), ReadOptions::default()) {
        if let Record::Voucher(v) = r {
            for t in v.transactions.iter().filter(|t| t.counts()) {
                let group = groups
                    .entry(t.account.to_string())
                    .or_insert_with(|| mapping.classify(&t.account).map(|g| g.code.clone()))
                    .clone();
                let (Some(group), Some(unit)) = (group, t.objects.iter().find(|o| o.dim == 1))
                else {
                    continue;
                };
                *out.entry((unit.code.clone(), group)).or_default() += t.amount;
            }
        }
    }
    Ok(out)
}

/// `prognos.csv`: each line with its method code, amounts in kronor with a decimal comma (as
/// every CSV delar writes), the error against the ground truth and the explanation.
fn lines_csv(lines: &[ForecastLine], truth: &BTreeMap<(String, String), Amount>) -> String {
    use crate::out::{csv_kr, csv_text};
    let mut s = String::from(
        "ansvar;kontogrupp;metod;utfall_hittills;budget;prognos;avvikelse;facit;prognosfel;forklaring\n",
    );
    for l in lines {
        let actual = truth
            .get(&(l.node.clone(), l.group.clone()))
            .copied()
            .unwrap_or_default();
        let _ = writeln!(
            s,
            "{};{};{};{};{};{};{};{};{};{}",
            l.node,
            l.group,
            l.method.code(),
            csv_kr(l.to_date),
            csv_kr(l.budget),
            csv_kr(l.full_year()),
            csv_kr(l.deviation()),
            csv_kr(actual),
            csv_kr(l.full_year() - actual),
            csv_text(&l.explanation)
        );
    }
    s
}

/// Per committee and for the programme area: budget, forecast, deviation (positive =
/// favourable, net cost sign), and the forecast's error against the ground truth.
fn committee_summary(
    lines: &[ForecastLine],
    tree: &OrgTree,
    truth: &BTreeMap<(String, String), Amount>,
) -> String {
    let ancestors = |n: &str| tree.ancestors(n).iter().map(|a| a.code.clone()).collect();
    let totals = roll_up(lines, ancestors);
    let mut actual_by_node: BTreeMap<String, Amount> = BTreeMap::new();
    for ((unit, _), a) in truth {
        if !tree.contains(unit) {
            continue;
        }
        let mut nodes = vec![unit.clone()];
        nodes.extend(tree.ancestors(unit).iter().map(|a| a.code.clone()));
        for n in nodes {
            *actual_by_node.entry(n).or_default() += *a;
        }
    }
    let mnkr = |a: Amount| a.format(Unit::Mnkr, 1);
    let mut s = format!(
        "Exempelkommun, prognos {DEMO_YEAR} (nettokostnad, mnkr; avvikelse positiv = överskott)\n\n{:<34} {:>10} {:>10} {:>10} {:>10} {:>10}\n",
        "", "Budget", "Prognos", "Avvikelse", "Facit", "Prognosfel"
    );
    let mut nodes: Vec<&str> = tree
        .nodes()
        .iter()
        .filter(|n| n.kind.is_committee())
        .map(|n| n.code.as_str())
        .collect();
    if let Some(root) = tree.root() {
        nodes.push(root.code.as_str());
    }
    for code in nodes {
        let Some(groups) = totals.get(code) else {
            continue;
        };
        let budget: Amount = groups.values().map(|t| t.budget).sum();
        let forecast: Amount = groups.values().map(|t| t.forecast).sum();
        let actual = actual_by_node.get(code).copied().unwrap_or_default();
        let name = tree.node(code).map(|n| n.name.as_str()).unwrap_or(code);
        let _ = writeln!(
            s,
            "{:<34} {:>10} {:>10} {:>10} {:>10} {:>10}",
            name,
            mnkr(budget),
            mnkr(forecast),
            mnkr(budget - forecast),
            mnkr(actual),
            mnkr(forecast - actual)
        );
    }
    s
}
