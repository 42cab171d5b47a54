//! The report: gather a round's data from the store, build the report model from a definition
//! (and each appendix's), run the integrity checks (R1–R14 on the model, R16 against the
//! ledger), and render the formats.

use crate::{app_err, fail, AppError, Context, Result};
use delar_compose::{Definition, Inputs, Monthly};
use delar_core::{OrgTree, Placement, Round, RoundKind};
use delar_store::prelude::*;
use delar_store::{LedgerBy, StoreError};
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

/// Output formats.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum OutFormat {
    /// Rapportmodellen som JSON (för andra program och tester).
    Json,
    /// Ren text, för terminalen och för granskning.
    Txt,
    /// En fristående HTML-fil (inbäddad stil och inbäddade diagram).
    Html,
    /// Ett Word-dokument (rubrikformat, innehållsförteckning, tabeller, diagram som bilder).
    Docx,
    /// En Excel-arbetsbok (ett blad per tabell och diagram, tal som tal, riktiga diagram).
    Xlsx,
    /// En typsatt, taggad PDF (PDF/UA-1).
    Pdf,
}

impl OutFormat {
    /// Every format, in the order `delar demo` writes them.
    pub const ALL: &'static [OutFormat] = &[
        OutFormat::Txt,
        OutFormat::Json,
        OutFormat::Html,
        OutFormat::Docx,
        OutFormat::Xlsx,
        OutFormat::Pdf,
    ];

    /// The file name extension (`pdf`).
    pub fn extension(self) -> &'static str {
        match self {
            OutFormat::Json => "json",
            OutFormat::Txt => "txt",
            OutFormat::Html => "html",
            OutFormat::Docx => "docx",
            OutFormat::Xlsx => "xlsx",
            OutFormat::Pdf => "pdf",
        }
    }
}

/// Read a definition file, or the default one.
pub fn definition(path: Option<&Path>) -> Result<Definition> {
    match path {
        None => Ok(Definition::default_definition()),
        Some(p) => {
            let text = std::fs::read_to_string(p)
                .with_context(|| format!("kunde inte läsa rapportdefinitionen {}", p.display()))?;
            let mut d = Definition::parse(&text, &p.display().to_string())
                .map_err(AppError::from_display)?;
            // The house style's logo, relative to the definition's file.
            if let Some(stil) = &mut d.stil {
                if let Some(name) = stil.logotyp.clone() {
                    let file = p.parent().unwrap_or(Path::new("")).join(&name);
                    let bytes = std::fs::read(&file).map_err(|e| {
                        AppError::from_display(format!(
                            "rapportdefinitionen {}, [stil] logotyp: kunde inte läsa {} ({e}); \
                             ange en PNG- eller SVG-fil med sökvägen relativ till definitionen",
                            p.display(),
                            file.display()
                        ))
                    })?;
                    stil.set_logo(bytes, &name).map_err(|e| {
                        AppError::from_display(format!(
                            "rapportdefinitionen {}, [stil]: {e}",
                            p.display()
                        ))
                    })?;
                }
            }
            Ok(d)
        }
    }
}

/// Monthly outcome and budget per leaf × kontogrupp for a year: each ledger row on the leaf
/// `placement` puts its code on (rows of several codes on one leaf added up), only leaves at
/// or under `scope` (all when `None`). The same figures as the ledger per object, and every
/// krona of the year's ledger when `scope` is `None`.
fn placed_monthly(
    rows: &[delar_store::NodeLedgerRow],
    placement: &Placement,
    scope: Option<&str>,
) -> BTreeMap<(String, String), Monthly> {
    let tree = placement.tree();
    let mut out: BTreeMap<(String, String), Monthly> = BTreeMap::new();
    for nr in rows {
        let Some(leaf) = placement.leaf_of(&nr.node) else {
            continue;
        };
        if let Some(s) = scope {
            if leaf != s && !tree.ancestors(leaf).iter().any(|a| a.code == s) {
                continue;
            }
        }
        let r = &nr.row;
        if r.outcome.iter().all(|a| a.is_zero()) && r.budget.iter().all(|a| a.is_zero()) {
            continue;
        }
        let m = out.entry((leaf.to_string(), r.key.clone())).or_default();
        for (i, a) in r.outcome.iter().take(12).enumerate() {
            m.outcome[i] += *a;
        }
        for (i, a) in r.budget.iter().take(12).enumerate() {
            m.budget[i] += *a;
        }
    }
    out
}

/// A year's ledger rows per node, empty when the year is not in the database.
fn year_rows(
    store: &dyn Backend,
    year: i32,
) -> Result<std::rc::Rc<Vec<delar_store::NodeLedgerRow>>> {
    match ledger_rows(store, year) {
        Ok(r) => Ok(r),
        Err(StoreError::NoSuchYear(_)) => Ok(std::rc::Rc::new(Vec::new())),
        Err(e) => Err(e.into()),
    }
}

/// A cache that lives for one [`build_all`] run (`None` outside it).
type RunCache<K, V> = std::cell::RefCell<Option<BTreeMap<K, V>>>;

thread_local! {
    /// The year's ledger per node while one run builds several reports from an unchanged
    /// store ([`build_all`]: the programme report and its appendices read the same years).
    static LEDGER_CACHE: RunCache<i32, std::rc::Rc<Vec<delar_store::NodeLedgerRow>>> =
        const { std::cell::RefCell::new(None) };
    /// The accuracy history per round (the appendices show the same replayed rounds,
    /// filtered to their committee).
    static ACCURACY_CACHE: RunCache<String, Vec<delar_compose::AccuracyRow>> =
        const { std::cell::RefCell::new(None) };
    /// The volume series with their values and budget per year (each appendix keeps its
    /// committee's series).
    static VOLUME_CACHE: RunCache<i32, Vec<delar_compose::data::VolumeInput>> =
        const { std::cell::RefCell::new(None) };
}

/// Keeps the run caches on while alive; drops them (and their memory) at the end of the run.
struct RunCacheGuard;

impl RunCacheGuard {
    fn on() -> RunCacheGuard {
        LEDGER_CACHE.with(|c| *c.borrow_mut() = Some(BTreeMap::new()));
        ACCURACY_CACHE.with(|c| *c.borrow_mut() = Some(BTreeMap::new()));
        VOLUME_CACHE.with(|c| *c.borrow_mut() = Some(BTreeMap::new()));
        RunCacheGuard
    }
}

impl Drop for RunCacheGuard {
    fn drop(&mut self) {
        LEDGER_CACHE.with(|c| *c.borrow_mut() = None);
        ACCURACY_CACHE.with(|c| *c.borrow_mut() = None);
        VOLUME_CACHE.with(|c| *c.borrow_mut() = None);
    }
}

/// The value for `key` from a run cache when it is on (made and kept on a miss), else made.
fn cached<K: Ord, V: Clone, E>(
    cache: &'static std::thread::LocalKey<RunCache<K, V>>,
    key: K,
    make: impl FnOnce() -> Result<V, E>,
) -> Result<V, E> {
    if let Some(v) = cache.with(|c| c.borrow().as_ref().and_then(|m| m.get(&key).cloned())) {
        return Ok(v);
    }
    let v = make()?;
    cache.with(|c| {
        if let Some(m) = c.borrow_mut().as_mut() {
            m.insert(key, v.clone());
        }
    });
    Ok(v)
}

/// The year's outcome and budget per node × kontogrupp, from the cache when it is on.
fn ledger_rows(
    store: &dyn Backend,
    year: i32,
) -> Result<std::rc::Rc<Vec<delar_store::NodeLedgerRow>>, StoreError> {
    cached(&LEDGER_CACHE, year, || {
        Ok(std::rc::Rc::new(store.ledger_by_node(
            year,
            LedgerBy::Group,
            None,
        )?))
    })
}

/// Gather everything a round's report needs from the store.
pub fn gather(store: &dyn Backend, round: Round, organisation: &str) -> Result<Inputs> {
    gather_scoped(store, round, organisation, None)
}

/// Gather a round's report inputs; with `node`, for that committee's own report (its subtree
/// of the organisation, its forecast lines and volume series; no follow-up registers).
pub fn gather_scoped(
    store: &dyn Backend,
    round: Round,
    organisation: &str,
    node: Option<&str>,
) -> Result<Inputs> {
    let org = store.organisation()?;
    if org.is_empty() {
        fail!(
            "databasen har ingen organisation; importera den först med \
             `delar import organisation organisation.csv`"
        );
    }
    let stored = store.forecast_rounds()?;
    let has = |r: &Round| stored.iter().any(|s| s.round == *r);
    if !has(&round) {
        fail!(
            "prognosomgången {} finns inte i databasen; beräkna den först med \
             `delar forecast run --round {}`",
            round.id(),
            round.id()
        );
    }
    let mut lines = store.forecast_lines(&round.id())?;
    let rows_this = year_rows(store, round.year)?;
    let rows_last = year_rows(store, round.year - 1)?;
    // Every code of both years and every line's node on a leaf of the tree in force.
    let placement = Placement::new(
        &org,
        &org.tree_at(round.cutoff_month()),
        rows_this
            .iter()
            .chain(rows_last.iter())
            .map(|r| r.node.as_str())
            .chain(lines.iter().map(|l| l.node.as_str())),
    );
    let tree = match node {
        None => placement.tree().clone(),
        Some(code) => placement.tree().subtree(code).ok_or_else(|| {
            app_err!(
                "rapportdefinitionens bilaga: noden \"{code}\" finns inte i organisationen i {}; \
                 ange koden för en nämnd (se `delar organisation`)",
                round.cutoff_month()
            )
        })?,
    };
    let mapping = store.account_mapping()?;
    // The 80 % range of every node's forecast, from the round's replayed years.
    let ranges: BTreeMap<String, (delar_core::Amount, delar_core::Amount)> = {
        let details = store.forecast_line_details(&round.id())?;
        let full = placement.tree();
        crate::forecast::node_ranges(&details, |n| {
            full.ancestors(n).iter().map(|a| a.code.clone()).collect()
        })
        .into_iter()
        .filter_map(|((n, g), r)| g.is_none().then_some((n, r)))
        .filter(|(n, _)| tree.contains(n))
        .collect()
    };
    let this_year = placed_monthly(&rows_this, &placement, node);
    if this_year.is_empty() {
        fail!(
            "databasen har inget utfall för {} på organisationens enheter; importera \
             huvudboken med `delar import sie`",
            round.year
        );
    }
    let last_year = placed_monthly(&rows_last, &placement, node);
    let mut previous = match previous_round(round).filter(|p| has(p)) {
        Some(p) => Some((p, store.forecast_lines(&p.id())?)),
        None => None,
    };
    let mut accuracy = accuracy(store, round)?;
    let mut volumes = volumes(store, round.year)?;
    // A committee that provides to others: its assignment revenue per purchaser, from the
    // whole programme area's consolidation (the same eliminations the programme report shows).
    let provider_sales = match node {
        Some(code) => provider_sales(store, round, &org, &placement, &mapping, &lines, code)?,
        None => Vec::new(),
    };
    if node.is_some() {
        lines.retain(|l| tree.contains(&l.node));
        if let Some((_, p)) = previous.as_mut() {
            p.retain(|l| tree.contains(&l.node));
        }
        accuracy.retain(|a| tree.contains(&a.node));
        volumes.retain(|v| tree.contains(&v.series.responsible));
    }
    // A committee's own report has the registers too (its chapters keep the committee's
    // rows), with the volume series of its own units.
    let mut followup = followup_inputs(store, round, &tree, &lines, node)?;
    if let (Some(_), Some(f)) = (node, followup.as_mut()) {
        f.series.retain(|s| tree.contains(&s.responsible));
        let codes: std::collections::HashSet<&str> =
            f.series.iter().map(|s| s.code.as_str()).collect();
        let prices: Vec<String> = f
            .series
            .iter()
            .filter_map(|s| s.price_series.clone())
            .collect();
        f.values
            .retain(|v| codes.contains(v.series.as_str()) || prices.contains(&v.series));
    }
    let years = earlier_years(store, &org, round, node)?;
    let programme =
        crate::programme::gather(store, round, &org, &tree, &placement, &mapping, &lines)?;
    // the versions' totals are the whole organisation's: the programme report only
    let budget_changes = match node {
        None => budget_changes(store, round, &tree)?,
        Some(_) => Vec::new(),
    };
    Ok(Inputs {
        organisation: organisation.to_string(),
        round,
        tree,
        mapping,
        this_year,
        last_year,
        lines,
        previous,
        ranges,
        accuracy,
        activity_names: BTreeMap::new(),
        volumes,
        followup,
        years,
        programme,
        // a person's edits are of the programme report's paragraphs, not an appendix's
        edits: match node {
            None => store.report_texts(&round.id())?,
            Some(_) => BTreeMap::new(),
        },
        // the versions' totals are the whole organisation's: the programme report only
        budget_changes,
        provider_sales,
    })
}

/// What `seller` sells to the other committees of the programme area, per purchaser: the
/// sale sides of the forecast's eliminations (ledger sign: revenue negative; budgets carry no
/// purchaser). Empty when there is no programme consolidation or no such sale.
fn provider_sales(
    store: &dyn Backend,
    round: Round,
    org: &delar_core::Organisation,
    placement: &Placement,
    mapping: &delar_core::AccountMapping,
    lines: &[delar_forecast::ForecastLine],
    seller: &str,
) -> Result<Vec<delar_compose::data::ProviderSale>> {
    let full = placement.tree();
    let Some(p) = crate::programme::gather(store, round, org, full, placement, mapping, lines)?
    else {
        return Ok(Vec::new());
    };
    let sales = |c: &delar_consolidate::Consolidation| -> BTreeMap<String, delar_core::Amount> {
        let mut out = BTreeMap::new();
        for n in &c.nodes {
            for e in &n.eliminations {
                if e.seller.as_deref() == Some(seller) {
                    if let Some(b) = &e.buyer {
                        *out.entry(b.clone()).or_insert(delar_core::Amount::ZERO) += e.sale.total();
                    }
                }
            }
        }
        out
    };
    Ok(sales(&p.forecast)
        .into_iter()
        .map(|(b, forecast)| delar_compose::data::ProviderSale {
            buyer_name: full
                .node(&b)
                .map(|n| n.name.clone())
                .unwrap_or_else(|| b.clone()),
            buyer: b,
            forecast,
        })
        .filter(|s| !s.forecast.is_zero())
        .collect())
}

/// The budget versions of the round's year decided by the end of its cut-off month.
fn budget_changes(
    store: &dyn Backend,
    round: Round,
    tree: &OrgTree,
) -> Result<Vec<delar_compose::data::BudgetChange>> {
    let as_of = round.cutoff_month().last_day();
    let mut out: Vec<delar_compose::data::BudgetChange> = match store.budget_versions(round.year) {
        Ok(v) => v
            .into_iter()
            .filter(|v| v.decided <= as_of && !v.total.is_zero())
            .map(|v| {
                // Each line's ansvar placed on its committee (the tree in force at the
                // cut-off); what cancels out within a committee is its own matter.
                let mut by: BTreeMap<String, delar_core::Amount> = BTreeMap::new();
                for (responsible, a) in &v.by_responsible {
                    let committee = tree
                        .committee_of(responsible)
                        .map(|c| c.code.clone())
                        .unwrap_or_default();
                    *by.entry(committee).or_default() += *a;
                }
                let rank = |code: &str| {
                    tree.nodes()
                        .iter()
                        .position(|n| n.code == code)
                        .unwrap_or(usize::MAX)
                };
                let mut by_committee: Vec<(String, String, delar_core::Amount)> = by
                    .into_iter()
                    .filter(|(_, a)| !a.is_zero())
                    .map(|(code, a)| {
                        let name = tree.node(&code).map(|n| n.name.clone()).unwrap_or_default();
                        (code, name, a)
                    })
                    .collect();
                by_committee.sort_by_key(|(code, _, a)| (a.ore() < 0, rank(code)));
                delar_compose::data::BudgetChange {
                    name: v.name,
                    decided: v.decided.to_string(),
                    amount: v.total,
                    by_committee,
                }
            })
            .collect(),
        // A year without budget versions (or without a financial year yet) has none.
        Err(_) => Vec::new(),
    };
    out.sort_by(|a, b| a.decided.cmp(&b.decided));
    Ok(out)
}

/// The follow-up registers with the round's entries from the goal pages (indicator values,
/// analysis texts), the financial indicators computed from the forecast, and the goal
/// assessment (proposal + stored decisions); `None` when no register is loaded.
fn followup_inputs(
    store: &dyn Backend,
    round: Round,
    tree: &OrgTree,
    lines: &[delar_forecast::ForecastLine],
    scope: Option<&str>,
) -> Result<Option<delar_compose::FollowupInputs>> {
    use delar_followup::assess::{
        apply_overrides, assess, financial_value, with_financial, FinancialFigures, Rule, Scale,
    };
    let mut data = store.followup(&delar_store::FollowupFilter::default())?;
    if data.goals.is_empty() && data.indicators.is_empty() {
        return Ok(None);
    }
    // The round's indicator values and goal texts entered in the browser, by the rule the goal
    // page shows them with (one source for both).
    crate::goal_round::with_round_entries(store, &round, &mut data)?;
    let year = round.year;
    // budget and forecast per node (each line counts at its node and every ancestor)
    let mut totals: BTreeMap<String, (delar_core::Amount, delar_core::Amount)> = BTreeMap::new();
    for l in lines {
        let mut nodes = vec![l.node.clone()];
        nodes.extend(tree.ancestors(&l.node).iter().map(|a| a.code.clone()));
        for n in nodes {
            let t = totals.entry(n).or_default();
            t.0 += l.budget;
            t.1 += l.full_year();
        }
    }
    let root = tree.root().map(|r| r.code.clone()).unwrap_or_default();
    // A financial indicator measures the node its `källid` names (the programme area for
    // "Budgetavvikelse, programområdet"), else its committee, else the whole organisation.
    let scope_of = |i: &delar_followup::model::Indicator| {
        i.source_id
            .clone()
            .filter(|id| tree.node(id).is_some())
            .or_else(|| i.committee.clone())
            .unwrap_or_else(|| root.clone())
    };
    let ledger_indicators: Vec<&delar_followup::model::Indicator> = data
        .indicators
        .iter()
        .filter(|i| i.source == delar_followup::model::SourceKind::Ledger)
        .collect();
    let computed: Vec<_> = ledger_indicators
        .iter()
        .filter_map(|i| {
            let (budget, forecast) = totals.get(&scope_of(i)).copied()?;
            Some(financial_value(
                i,
                year,
                FinancialFigures::BudgetDeviation { budget, forecast },
            ))
        })
        .collect();
    // Their history from the ledgers of earlier years, so the goal table and the five-year
    // summary cannot disagree; a typed outcome that differs is an R15 finding.
    let org = store.organisation()?;
    let mut history = Vec::new();
    let mut ledger_conflicts = Vec::new();
    for i in &ledger_indicators {
        let scope = scope_of(i);
        let scoped = (scope != root).then_some(scope.as_str());
        for e in earlier_years(store, &org, round, scoped)? {
            let mut v = financial_value(
                i,
                e.year,
                FinancialFigures::BudgetDeviation {
                    budget: e.budget,
                    forecast: e.net_cost,
                },
            );
            v.kind = delar_followup::model::ValueKind::Outcome;
            v.comment = Some("Beräknat ur huvudboken.".into());
            let register = match v.figure {
                delar_followup::model::Figure::Number(k) => k.total,
                _ => None,
            };
            for typed in data.values.iter().filter(|t| {
                t.indicator == i.code
                    && t.year == e.year
                    && t.kind == delar_followup::model::ValueKind::Outcome
            }) {
                let t = match typed.figure {
                    delar_followup::model::Figure::Number(k) => k.total,
                    _ => None,
                };
                if let (Some(t), Some(r)) = (t, register) {
                    let p = 10f64.powi(i.decimals.min(6) as i32);
                    if (t * p).round() != (r * p).round() {
                        ledger_conflicts.push(delar_followup::sources::Conflict {
                            indicator: i.code.clone(),
                            name: i.name.clone(),
                            year: e.year,
                            kind: typed.kind,
                            typed: t,
                            register: r,
                            place: format!("huvudboken ({scope} {})", e.year),
                            decimals: i.decimals,
                        });
                    }
                }
            }
            history.push(v);
        }
    }
    data.values = with_financial(&data, year, &computed);
    data.values.retain(|v| {
        !history
            .iter()
            .any(|h| h.indicator == v.indicator && h.year == v.year && h.kind == v.kind)
    });
    data.values.extend(history);
    // One measure, one source: indicators that another register measures take their values
    // from it; typed values that disagree are R15 findings.
    let series = store.volume_series()?;
    let mut values = Vec::new();
    for s in &series {
        values.extend(store.volumes(&s.code, None)?);
    }
    let derived = delar_followup::sources::derive(&data, &series, &values);
    data.values = delar_followup::sources::with_registers(&data, &derived);
    // A committee's report assesses the council goals and goal areas from that committee's
    // own goals: the other committees' goals are not in its report, so they must not move
    // the verdicts it shows (a goal area "partly" met beside its only goal "met").
    let scoped;
    let assessed = match scope {
        Some(c) => {
            scoped = delar_followup::FollowupData {
                goals: data
                    .goals
                    .iter()
                    .filter(|g| {
                        g.level != delar_followup::GoalLevel::Committee
                            || g.committee.as_deref() == Some(c)
                    })
                    .cloned()
                    .collect(),
                ..data.clone()
            };
            &scoped
        }
        None => &data,
    };
    let mut assessment = assess(assessed, year, &data.values, &Rule::default());
    let decisions: Vec<_> = store
        .goal_overrides(year)?
        .into_iter()
        .filter(|d| assessment.goals.contains_key(&d.goal))
        // In a committee's report a decision on a council goal or goal area (taken for the
        // whole programme area) does not replace the committee's own verdict.
        .filter(|d| {
            scope.is_none()
                || assessed
                    .goals
                    .iter()
                    .any(|g| g.code == d.goal && g.level == delar_followup::GoalLevel::Committee)
        })
        .collect();
    apply_overrides(&mut assessment, &decisions).map_err(AppError::from_display)?;
    Ok(Some(delar_compose::FollowupInputs {
        data,
        assessment,
        scale: Scale::default(),
        series,
        values,
        conflicts: ledger_conflicts
            .into_iter()
            .chain(derived.conflicts)
            .collect(),
    }))
}

/// Net cost and budget of the report's scope (the whole organisation, or the committee
/// `scope`) for the four years before the round's (complete years only): every krona of each
/// year's ledger placed on the tree in force at the round's cut-off.
fn earlier_years(
    store: &dyn Backend,
    org: &delar_core::Organisation,
    round: Round,
    scope: Option<&str>,
) -> Result<Vec<delar_compose::followup::YearEconomy>> {
    let tree = org.tree_at(round.cutoff_month());
    let mut out = Vec::new();
    for y in round.year - 4..round.year {
        let rows = year_rows(store, y)?;
        let placement = Placement::new(org, &tree, rows.iter().map(|r| r.node.as_str()));
        let m = placed_monthly(&rows, &placement, scope);
        if m.is_empty() {
            continue;
        }
        let net: delar_core::Amount = m.values().flat_map(|x| x.outcome.iter()).sum();
        let budget: delar_core::Amount = m.values().flat_map(|x| x.budget.iter()).sum();
        out.push(delar_compose::followup::YearEconomy {
            year: y,
            net_cost: net,
            budget,
            forecast: false,
        });
    }
    Ok(out)
}

/// Volume series with their values for last year and this year (from the cache when on).
fn volumes(store: &dyn Backend, year: i32) -> Result<Vec<delar_compose::data::VolumeInput>> {
    cached(&VOLUME_CACHE, year, || read_volumes(store, year))
}

/// Volume series with their values for last year and this year, and their budget.
fn read_volumes(store: &dyn Backend, year: i32) -> Result<Vec<delar_compose::data::VolumeInput>> {
    let range = delar_core::PeriodRange::new(
        delar_core::YearMonth::new(year - 1, 1).map_err(AppError::from_display)?,
        delar_core::YearMonth::new(year, 12).map_err(AppError::from_display)?,
    )
    .map_err(AppError::from_display)?;
    let mut out = Vec::new();
    for series in store.volume_series()? {
        let values = store
            .volumes(&series.code, Some(range))?
            .into_iter()
            .map(|v| (v.month, v.value))
            .collect();
        let budget = volume_budget(store, &series.code, year)?;
        out.push(delar_compose::data::VolumeInput {
            series,
            values,
            budget,
        });
    }
    Ok(out)
}

/// A series' volume budget for `year` as in force at the end of the round's cut-off month
/// and of the earlier interim rounds' (April, August), keyed by cut-off month; empty without
/// one.
fn volume_budget(
    store: &dyn Backend,
    code: &str,
    year: i32,
) -> Result<BTreeMap<u8, BTreeMap<delar_core::YearMonth, f64>>> {
    let ym = |m: u8| delar_core::YearMonth::new(year, m).map_err(AppError::from_display);
    let range = delar_core::PeriodRange::new(ym(1)?, ym(12)?).map_err(AppError::from_display)?;
    let mut out = BTreeMap::new();
    for cutoff in 1..=12u8 {
        let b = store.volume_budget(code, range, Some(ym(cutoff)?.last_day()))?;
        if !b.is_empty() {
            out.insert(cutoff, b);
        }
    }
    Ok(out)
}

/// Forecast accuracy of the same kind of round in earlier years (stored rounds, else replayed
/// with the recommended methods), per committee and for the programme area.
fn accuracy(store: &dyn Backend, round: Round) -> Result<Vec<delar_compose::AccuracyRow>> {
    cached(&ACCURACY_CACHE, round.id(), || {
        replayed_accuracy(store, round)
    })
}

/// The past rounds of the same kind, replayed, against their final outcome.
fn replayed_accuracy(store: &dyn Backend, round: Round) -> Result<Vec<delar_compose::AccuracyRow>> {
    let parse =
        |s: &str| delar_core::Amount::parse_sie(s).map_err(|e| app_err!("prognossäkerhet: {e}"));
    let mut out = Vec::new();
    // Only P1 and P2 have an accuracy history, and only the round's own kind is shown.
    if !matches!(round.kind, RoundKind::P1 | RoundKind::P2) {
        return Ok(out);
    }
    for r in crate::forecast::accuracy(store, None, &[round.kind])? {
        if r.method != "mix" || r.year >= round.year {
            continue;
        }
        let Ok(past) = Round::parse(&r.round) else {
            continue;
        };
        if past.kind != round.kind {
            continue;
        }
        out.push(delar_compose::AccuracyRow {
            round: past,
            node: r.node.clone(),
            budget: parse(&r.cost_budget)?,
            forecast: parse(&r.forecast)?,
            outcome: parse(&r.actual)?,
            range: match &r.range {
                Some((lo, hi)) => Some((parse(lo)?, parse(hi)?)),
                None => None,
            },
            adopted: r.stored,
        });
    }
    Ok(out)
}

/// The round before this one in the same year (P1 for P2, P2 for year end).
pub fn previous_round(r: Round) -> Option<Round> {
    use delar_core::RoundKind;
    match r.kind {
        RoundKind::P2 => Round::new(r.year, RoundKind::P1).ok(),
        RoundKind::YearEnd => Round::new(r.year, RoundKind::P2).ok(),
        RoundKind::Month(m) if m > 1 => Round::new(r.year, RoundKind::Month(m - 1)).ok(),
        _ => None,
    }
}

/// The name the organisation goes by in the report: the ledger's `#FNAMN`, else the root of
/// the organisation, else "Kommunen".
pub fn organisation_name(store: &dyn Backend) -> String {
    if let Ok(Some(name)) = store.organisation_name() {
        return name;
    }
    store
        .organisation()
        .ok()
        .and_then(|o| {
            o.nodes()
                .iter()
                .find(|n| n.parent.is_none())
                .map(|n| n.name.clone())
        })
        .unwrap_or_else(|| "Kommunen".to_string())
}

/// Build the report model and run the integrity checks on it. An edited text whose paragraph
/// is no longer drafted (a committee came within the threshold) is reported on stderr, so a
/// person's words are never dropped silently.
pub fn build_and_check(
    inputs: &Inputs,
    def: &Definition,
    draft: bool,
) -> Result<(delar_report::Report, Vec<delar_report::check::Finding>)> {
    let (report, drafts) =
        delar_compose::build_with_drafts(def, inputs, draft).map_err(AppError::from_display)?;
    for key in inputs.edits.keys() {
        if !drafts.iter().any(|d| &d.key == key) {
            eprintln!(
                "Observera: den redigerade texten {key} används inte; stycket finns inte längre i \
                 rapporten (se delar text visa)."
            );
        }
    }
    let findings = delar_report::check::check(&report);
    Ok((report, findings))
}

/// One format's bytes.
pub fn render(report: &delar_report::Report, f: OutFormat) -> Result<Vec<u8>> {
    Ok(match f {
        OutFormat::Json => serde_json::to_vec_pretty(report)?,
        OutFormat::Txt => delar_report::text::render(report).into_bytes(),
        OutFormat::Html => delar_render_html::render(report).into_bytes(),
        OutFormat::Docx => delar_render_docx::render(report)
            .map_err(|e| app_err!("kunde inte skriva Word-filen: {e}"))?,
        OutFormat::Xlsx => delar_render_xlsx::render(report)
            .map_err(|e| app_err!("kunde inte skriva Excel-filen: {e}"))?,
        OutFormat::Pdf => delar_render_pdf::render(report)
            .map_err(|e| app_err!("kunde inte skriva PDF-filen: {e}"))?,
    })
}

/// One built and checked document: the programme report, a committee's appendix, or the
/// officer's report that goes with them.
pub struct Built {
    /// The appendix's committee code; `None` for the main report and the officer's report.
    pub node: Option<String>,
    /// The officer's report (tjänsteskrivelse) rather than a report.
    pub officer: bool,
    /// The report model.
    pub report: delar_report::Report,
    /// What the integrity checks found.
    pub findings: Vec<delar_report::check::Finding>,
}

impl Built {
    /// The file name without extension: `delarsrapport-2025-P2` or `delarsrapport-2025-P2-SN`.
    pub fn stem(&self) -> String {
        let kind = if self.officer {
            "tjansteskrivelse"
        } else {
            "delarsrapport"
        };
        let base = format!("{kind}-{}", self.report.meta.round.id().replace('@', "-"));
        match &self.node {
            Some(n) => format!("{base}-{n}"),
            None => base,
        }
    }
}

/// Build and check the report a definition describes and, for each `[[bilaga]]`, the
/// committee's own report (with its definition, a path relative to `def_path`'s directory,
/// or the built-in committee definition). Appendices of appendices are not built.
pub fn build_all(
    store: &dyn Backend,
    round: Round,
    def: &Definition,
    def_path: Option<&Path>,
    draft: bool,
) -> Result<Vec<Built>> {
    let _cache = RunCacheGuard::on();
    let organisation = organisation_name(store);
    let inputs = gather(store, round, &organisation)?;
    let (report, mut findings) = build_and_check(&inputs, def, draft)?;
    // R16: the round against the ledger, per committee and in total.
    findings.extend(crate::reconcile::reconcile(store, round, &inputs.lines)?.findings(round));
    // R15: one measure, one source; R17: the registers' references resolve in the round.
    findings.extend(source_findings(&inputs));
    findings.extend(crate::references::findings(&inputs));
    let mut out = vec![Built {
        node: None,
        officer: false,
        report,
        findings,
    }];
    // The named appendices, then (with `bilagor = "namnder"`) every other committee.
    let mut appendices: Vec<delar_compose::definition::AppendixDef> = def.bilaga.clone();
    if def.bilagor.as_deref() == Some("namnder") {
        for n in inputs.tree.nodes() {
            if n.kind == delar_core::OrgKind::Namnd && !appendices.iter().any(|a| a.nod == n.code) {
                appendices.push(delar_compose::definition::AppendixDef {
                    nod: n.code.clone(),
                    definition: None,
                });
            }
        }
    }
    // A committee's own report goes to the programme committee, when there is one.
    let programme_committee = inputs
        .tree
        .nodes()
        .iter()
        .find(|n| n.kind == delar_core::OrgKind::Programnamnd)
        .map(|n| n.name.clone());
    for b in &appendices {
        let mut adef = match &b.definition {
            None => Definition::committee_definition(),
            Some(p) => {
                let path = match def_path.and_then(|d| d.parent()) {
                    Some(dir) => dir.join(p),
                    None => PathBuf::from(p),
                };
                definition(Some(&path))?
            }
        };
        if adef.beslut.mottagare.is_none() {
            adef.beslut.mottagare = programme_committee.clone();
        }
        // A committee's report wears the municipality's house style unless it has its own.
        if adef.stil.is_none() {
            adef.stil = def.stil.clone();
        }
        let inputs = gather_scoped(store, round, &organisation, Some(&b.nod))?;
        let (report, findings) = build_and_check(&inputs, &adef, draft)
            .with_context(|| format!("bilagan för {}", b.nod))?;
        out.push(Built {
            node: Some(b.nod.clone()),
            officer: false,
            report,
            findings,
        });
    }
    // The officer's report that goes with them, its figures taken from the report itself.
    let appendices: Vec<&delar_report::Report> = out[1..].iter().map(|b| &b.report).collect();
    let officer = delar_compose::officer::officer_report(def, &out[0].report, &appendices);
    let findings = delar_report::check::check(&officer);
    out.push(Built {
        node: None,
        officer: true,
        report: officer,
        findings,
    });
    Ok(out)
}

/// R15: typed indicator values that disagree with the register that holds the measure
/// (errors: the report would state two values for one measure).
pub fn source_findings(inputs: &Inputs) -> Vec<delar_report::check::Finding> {
    let Some(f) = &inputs.followup else {
        return Vec::new();
    };
    f.conflicts
        .iter()
        .map(|c| delar_report::check::Finding {
            rule: "R15",
            severity: delar_report::check::Severity::Error,
            location: c.location(),
            message: c.message(),
        })
        .collect()
}

/// Every report's findings in one list; an appendix's locations start with `Bilaga NOD: `.
pub fn all_findings(built: &[Built]) -> Vec<delar_report::check::Finding> {
    let mut out = Vec::new();
    for b in built {
        for f in &b.findings {
            let mut f = f.clone();
            if let Some(n) = &b.node {
                f.location = format!("Bilaga {n}: {}", f.location);
            } else if b.officer {
                f.location = format!("Tjänsteskrivelse: {}", f.location);
            }
            out.push(f);
        }
    }
    out
}

/// Write built reports (the programme report and its appendices) in every format into
/// `out`, only if none has errors or `draft`; returns the files written. With errors and no
/// `draft`, [`AppError::Check`] with the findings.
pub fn write_built(
    built: &[Built],
    formats: &[OutFormat],
    out: &Path,
    draft: bool,
) -> Result<Vec<PathBuf>> {
    let findings = all_findings(built);
    if delar_report::check::has_errors(&findings) && !draft {
        return Err(AppError::Check(findings));
    }
    let mut written = Vec::new();
    for b in built {
        written.extend(write_files(&b.report, &b.stem(), formats, out)?);
    }
    Ok(written)
}

/// Write one report in each format as `out/STEM.EXT`.
fn write_files(
    report: &delar_report::Report,
    stem: &str,
    formats: &[OutFormat],
    out: &Path,
) -> Result<Vec<PathBuf>> {
    std::fs::create_dir_all(out)
        .with_context(|| format!("kunde inte skapa katalogen {}", out.display()))?;
    let mut written = Vec::new();
    for f in formats {
        let path = out.join(format!("{stem}.{}", f.extension()));
        let bytes = render(report, *f)?;
        std::fs::write(&path, bytes)
            .with_context(|| format!("kunde inte skriva {}", path.display()))?;
        written.push(path);
    }
    Ok(written)
}

/// A report as one person sees it in the web application ([`for_person`]).
pub struct PersonReport {
    /// The node the report is of: the organisation's root for the programme report, else a
    /// committee.
    pub node: String,
    /// The node's name.
    pub name: String,
    /// The programme report (the whole organisation) rather than a committee's own report.
    pub programme: bool,
    /// The round is not locked: the report is a draft (UTKAST).
    pub draft: bool,
    /// The report model, built from the data as it stands.
    pub report: delar_report::Report,
    /// What the integrity checks found.
    pub findings: Vec<delar_report::check::Finding>,
    /// The other reports the person may read in this round (node, name), the programme report
    /// first.
    pub others: Vec<(String, String)>,
}

impl PersonReport {
    /// The file name without extension: `delårsrapport-2025-P2` for the programme report,
    /// `delårsrapport-2025-P2-SN` for a committee's.
    pub fn stem(&self) -> String {
        let base = format!(
            "delårsrapport-{}",
            self.report.meta.round.id().replace('@', "-")
        );
        if self.programme {
            base
        } else {
            format!("{base}-{}", self.node)
        }
    }
}

/// The reports a person may read in a tree (node, name): the programme report (the root)
/// first, then each committee's, where the person holds the read right on the node itself.
fn readable(access: &crate::auth::Access, tree: &OrgTree) -> Vec<(String, String)> {
    let root = tree.root().map(|r| r.code.clone()).unwrap_or_default();
    std::iter::once(root)
        .chain(
            tree.nodes()
                .iter()
                .filter(|n| n.kind.is_committee())
                .map(|n| n.code.clone()),
        )
        .filter(|c| access.may(tree, c, crate::auth::Action::Read))
        .map(|c| {
            let name = tree.node(&c).map(|n| n.name.clone()).unwrap_or_default();
            (c, name)
        })
        .collect()
}

/// The reports `user` may read in `round` ([`for_person`]'s rule), for links: the programme
/// report first, then the committees'; empty for a unit manager.
pub fn readable_reports(
    store: &dyn Backend,
    user: &str,
    round: Round,
) -> Result<Vec<(String, String)>> {
    let Some(access) = crate::auth::Access::load(store, user)? else {
        return Ok(Vec::new());
    };
    let (_, tree) = crate::auth::round_tree(store, &round)?;
    Ok(readable(&access, &tree))
}

/// The node whose report covers `code` in `tree`: the root for the root and the programme
/// area (the programme report), else the committee (nämnd or programnämnd) the node belongs
/// to. `None` for a node outside the tree or outside every committee.
pub fn report_node(tree: &OrgTree, code: &str) -> Option<String> {
    let n = tree.node(code)?;
    if n.parent.is_none() || n.kind == delar_core::OrgKind::Programomrade {
        return Some(n.code.clone());
    }
    tree.committee_of(code).map(|c| c.code.clone())
}

/// The report `user` reads in the web application for `round`: of `node` when given (the
/// programme report for the root, a committee's own report for a committee; any other node
/// gives its committee's report), else of the person's highest node. Reading a report is
/// reading every unit in it, so the person needs the read right on the report's node itself:
/// a unit manager, whose grant covers only their units, is refused ([`AppError::Forbidden`])
/// and sees their figures on their forecast sheet instead. The report is built by the same
/// definitions as `delar report` (the default definition for the programme report, the
/// built-in committee definition for a committee) from the data as it stands, marked as a
/// draft until the round is locked.
pub fn for_person(
    store: &dyn Backend,
    user: &str,
    round: Round,
    node: Option<&str>,
) -> Result<PersonReport> {
    let access = crate::auth::Access::load(store, user)?.ok_or_else(|| {
        AppError::Forbidden(format!(
            "{user} har inget konto; be en administratör om ett"
        ))
    })?;
    let (info, tree) = crate::auth::round_tree(store, &round)?;
    let asked = match node {
        Some(n) => n.to_string(),
        None => access.top_nodes(&tree).into_iter().next().ok_or_else(|| {
            AppError::Forbidden(format!(
                "{user} har ingen behörighet i {}; be en administratör om behörighet",
                round.id()
            ))
        })?,
    };
    if !tree.contains(&asked) {
        return Err(AppError::NotFound(format!(
            "noden {asked} finns inte i organisationen för {} (månad {})",
            round.id(),
            round.cutoff_month()
        )));
    }
    let code = report_node(&tree, &asked).ok_or_else(|| {
        AppError::NotFound(format!(
            "{asked} hör inte till någon nämnd, så det finns ingen rapport för den; välj en \
             nämnd eller programområdet"
        ))
    })?;
    if !access.may(&tree, &code, crate::auth::Action::Read) {
        return Err(AppError::Forbidden(format!(
            "{user} har ingen behörighet att läsa rapporten för {code}: den visar alla enheter \
             i {code}, och din behörighet gäller {}. Dina egna siffror finns på \
             prognosbladet; be en ekonom om rapporten",
            access
                .grants
                .iter()
                .map(|g| g.node.as_str())
                .collect::<Vec<_>>()
                .join(", ")
        )));
    }
    let draft = info.status != delar_store::RoundStatus::Locked;
    let organisation = organisation_name(store);
    let root = tree.root().map(|r| r.code.clone()).unwrap_or_default();
    let programme = code == root;
    let (report, findings) = if programme {
        let inputs = gather(store, round, &organisation)?;
        build_and_check(&inputs, &Definition::default_definition(), draft)?
    } else {
        let mut def = Definition::committee_definition();
        if def.beslut.mottagare.is_none() {
            def.beslut.mottagare = tree
                .nodes()
                .iter()
                .find(|n| n.kind == delar_core::OrgKind::Programnamnd)
                .map(|n| n.name.clone());
        }
        let inputs = gather_scoped(store, round, &organisation, Some(&code))?;
        build_and_check(&inputs, &def, draft)?
    };
    let others = readable(&access, &tree)
        .into_iter()
        .filter(|(c, _)| *c != code)
        .collect();
    Ok(PersonReport {
        name: tree.node(&code).map(|n| n.name.clone()).unwrap_or_default(),
        node: code,
        programme,
        draft,
        report,
        findings,
        others,
    })
}
