//! The ledger per node × account × counterparty on a small generated Exempelkommun, through
//! the consolidation engine: internal purchases and sales eliminate to exactly zero
//! difference at PO, and the programme result equals PN's own + Σ committees.

#[macro_use]
mod common;

use delar_consolidate::{consolidate, InputRow, InternalRule, Series};
use delar_core::YearMonth;
use delar_demo::kommun::{self, KommunOptions, Scale};
use delar_store::{ImportOptions, LedgerBy, Store, TemplateSource};
use delar_tabular::Table;

both! {
#[test]
fn exempelkommun_internal_trade_eliminates_at_po() {
    let dir = tempfile::tempdir().unwrap();
    let opts = KommunOptions {
        scale: Scale::Small,
        ..KommunOptions::default()
    };
    kommun::generate(&opts, dir.path(), |_, _| {}).unwrap();
    let mut store = common::store();
    let org_path = dir.path().join("organisation.csv");
    let table = Table::read_path(&org_path).unwrap();
    let nodes = delar_templates::organisation::parse(&table).unwrap();
    let lines = delar_templates::lines(&table);
    store
        .import_organisation(
            &TemplateSource {
                file_name: "organisation.csv",
                sha256: "x",
                lines: &lines,
            },
            &nodes,
        )
        .unwrap();
    store
        .import_sie(
            &dir.path().join("sie").join(kommun::sie_name(2025)),
            &ImportOptions::default(),
            None,
        )
        .unwrap();

    let through = YearMonth::new(2025, 8).unwrap();
    let rows = store
        .ledger_by_counterparty(2025, Some(through), LedgerBy::Account, 21)
        .unwrap();
    assert!(
        rows.iter().all(|r| !r.node.is_empty()),
        "every line has an ansvar"
    );
    assert!(rows
        .iter()
        .all(|r| r.outcome[8..].iter().all(|a| a.is_zero())));
    // The node rows add up to the ledger, account by account.
    let ledger = store.ledger(2025, LedgerBy::Account, None).unwrap();
    for l in &ledger {
        let sum: delar_core::Amount = rows
            .iter()
            .filter(|r| r.key == l.key)
            .map(|r| r.outcome_total)
            .sum();
        assert_eq!(sum, l.outcome_total, "account {}", l.key);
    }
    let internal: Vec<_> = rows.iter().filter(|r| r.counterparty.is_some()).collect();
    assert!(!internal.is_empty());
    assert!(internal
        .iter()
        .all(|r| r.key.starts_with("469") || r.key.starts_with("349")));

    let mapping = store.account_mapping().unwrap();
    let input: Vec<InputRow> = rows
        .iter()
        .map(|r| InputRow {
            node: r.node.clone(),
            key: r.key.clone(),
            account: Some(r.key.clone()),
            kind: mapping.group(&r.group).map(|g| g.kind).unwrap(),
            counterparty: r.counterparty.clone(),
            amounts: Series(r.outcome.clone()),
        })
        .collect();
    let tree = store.organisation().unwrap().tree_at(through);
    let c = consolidate(&tree, &input, &InternalRule::exempelkommun()).unwrap();
    assert!(c.warnings.is_empty(), "{:?}", c.warnings);

    let po = c.node("PO").unwrap();
    // All internal trade is between PN and a committee, so it is eliminated at PO only.
    assert!(c
        .nodes
        .iter()
        .filter(|n| n.code != "PO")
        .all(|n| n.eliminations.is_empty()));
    assert_eq!(po.eliminations.len(), 3, "{:?}", po.eliminations);
    for e in &po.eliminations {
        assert_eq!(e.buyer.as_deref(), Some("PN"));
        assert!(e.purchase.total().ore() > 0);
        assert!(e.difference.is_zero(), "{e:?}");
        assert_eq!(e.purchase, e.sale.negated());
    }
    // Programme result = PN + Σ committees, and the ledger's total.
    let mut sum = Series::zero(12);
    for code in ["PN", "SN", "VON", "FSN"] {
        sum.add(&c.node(code).unwrap().consolidated.result);
    }
    assert_eq!(po.consolidated.result, sum);
    let total: delar_core::Amount = ledger.iter().map(|l| l.outcome_total).sum();
    assert_eq!(po.consolidated.result.total(), total);
    // Gross cost and revenue drop by exactly the eliminated purchases and sales.
    let parts = po.sum_of_parts();
    assert_eq!(
        parts.cost.minus(&po.consolidated.cost),
        po.eliminated_purchases()
    );
    assert_eq!(
        parts.revenue.minus(&po.consolidated.revenue),
        po.eliminated_sales()
    );
    assert!(po.consolidated.revenue.total().ore() < 0);
}
}

const ORG: &str = "\
kod;namn;typ;överordnad;från;till;verksamhet
PO;Programområde social välfärd;programområde;;;;
PN;Programnämnd social välfärd;programnämnd;PO;;;
PN10;Köp av vård och omsorg;enhet;PN;;;
VON;Vård- och omsorgsnämnden;nämnd;PO;;;
VON21;Hemtjänst Norr;enhet;VON;;;
VON33;Linden;intraprenad;VON;;;
";

fn source<'a>(file: &'a str, sha: &'a str, lines: &'a [usize]) -> TemplateSource<'a> {
    TemplateSource {
        file_name: file,
        sha256: sha,
        lines,
    }
}

both! {
#[test]
fn compensation_rates_and_intraprenader_round_trip() {
    use delar_consolidate::templates::{parse_intraprenader, parse_rates};
    use delar_store::{ImportStatus, StoreError};
    let mut s = common::store();
    let t = Table::from_csv(ORG.as_bytes(), "organisation.csv").unwrap();
    let nodes = delar_templates::organisation::parse(&t).unwrap();
    s.import_organisation(&source("organisation.csv", "o", &[]), &nodes)
        .unwrap();

    let rates_csv = "\
modell;namn;grund;nivå;beställare;utförare;pris;volymserie;konto;från;till
hemtjanst;Hemtjänst;timme;;PN10;VON21;590;timmar;4691;2025-01;
vob;Boende;belagt dygn;2;PN10;VON33;2 650;dygn;4692;;2025-06
";
    let t = Table::from_csv(rates_csv.as_bytes(), "ersattningsmodell.csv").unwrap();
    let rates = parse_rates(&t).unwrap();
    let r = s
        .import_compensation_rates(&source("ersattningsmodell.csv", "a", &[]), &rates)
        .unwrap();
    assert_eq!(r.status, ImportStatus::Imported);
    assert!(
        r.summary.starts_with("2 priser för 2 ersättningsmodeller."),
        "{}",
        r.summary
    );
    assert_eq!(s.compensation_rates().unwrap(), rates);
    let again = s
        .import_compensation_rates(&source("ersattningsmodell.csv", "a", &[]), &rates)
        .unwrap();
    assert_eq!(again.status, ImportStatus::Unchanged);
    // An unknown provider: nothing stored.
    let mut bad = rates.clone();
    bad[1].provider = "VON99".into();
    let e = s
        .import_compensation_rates(&source("ersattningsmodell.csv", "b", &[2, 3]), &bad)
        .unwrap_err();
    match e {
        StoreError::Rows { errors, .. } => {
            assert_eq!(errors.len(), 1);
            assert_eq!(errors[0].line, 3);
            assert!(errors[0].message.contains("\"VON99\" finns inte"));
        }
        other => panic!("{other}"),
    }
    assert_eq!(s.compensation_rates().unwrap(), rates);

    let intra_csv = "\
intraprenad;år;ingående;ianspråktagande;underskott_från;tak_procent;tak_belopp;avskrivning_år
VON33;2025;1 200 000;200 000;;5;;
VON33;2024;900 000;;;;;
";
    let t = Table::from_csv(intra_csv.as_bytes(), "intraprenader.csv").unwrap();
    let rows = parse_intraprenader(&t).unwrap();
    s.import_intraprenader(&source("intraprenader.csv", "i", &[]), &rows)
        .unwrap();
    assert_eq!(s.intraprenader(Some(2025)).unwrap(), vec![rows[0].clone()]);
    assert_eq!(s.intraprenader(None).unwrap().len(), 2);
    // A new file for 2025 replaces that year only.
    let mut newer = vec![rows[0].clone()];
    newer[0].opening = delar_core::Amount::from_kr(1_500_000).unwrap();
    let r = s
        .import_intraprenader(&source("intraprenader.csv", "j", &[]), &newer)
        .unwrap();
    assert!(
        r.summary.contains("1 tidigare rad ersatta"),
        "{}",
        r.summary
    );
    assert_eq!(s.intraprenader(Some(2025)).unwrap(), newer);
    assert_eq!(s.intraprenader(Some(2024)).unwrap(), vec![rows[1].clone()]);
    // A unit that is not an intraprenad is refused.
    let mut not = newer.clone();
    not[0].code = "VON21".into();
    assert!(s
        .import_intraprenader(&source("intraprenader.csv", "k", &[]), &not)
        .is_err());
}
}

both! {
#[test]
fn exempelkommun_2023_restated_to_2025_structure() {
    use delar_consolidate::restate::{compare, ComparisonMode};
    use delar_core::{Amount, Unit};
    let dir = tempfile::tempdir().unwrap();
    let opts = KommunOptions {
        scale: Scale::Small,
        ..KommunOptions::default()
    };
    kommun::generate(&opts, dir.path(), |_, _| {}).unwrap();
    let mut store = common::store();
    let table = Table::read_path(&dir.path().join("organisation.csv")).unwrap();
    let nodes = delar_templates::organisation::parse(&table).unwrap();
    store
        .import_organisation(&source("organisation.csv", "x", &[]), &nodes)
        .unwrap();
    store
        .import_sie(
            &dir.path().join("sie").join(kommun::sie_name(2023)),
            &ImportOptions::default(),
            None,
        )
        .unwrap();
    let rows: Vec<(String, Amount)> = store
        .ledger_by_counterparty(2023, None, LedgerBy::Group, 21)
        .unwrap()
        .into_iter()
        .map(|r| (r.node, r.outcome_total))
        .collect();
    let org = store.organisation().unwrap();
    let last = YearMonth::new(2023, 12).unwrap();
    let this = YearMonth::new(2025, 8).unwrap();
    let sum_of = |code: &str| -> Amount {
        rows.iter()
            .filter(|(c, _)| c == code)
            .map(|(_, a)| *a)
            .sum()
    };
    let fsn51 = sum_of("FSN51");
    assert!(fsn51.ore() > 0, "FSN51 has costs in 2023");
    let old = org.tree_at(last);
    let subtree = |code: &str| -> Amount {
        let mut codes: Vec<String> = old
            .descendants(code)
            .iter()
            .map(|n| n.code.clone())
            .collect();
        codes.push(code.to_string());
        codes.iter().map(|c| sum_of(c)).sum()
    };

    let r = compare(
        &org,
        last,
        this,
        &rows,
        ComparisonMode::Restate,
        Unit::Mnkr,
        1,
    );
    assert_eq!(r.moves.len(), 1, "{:?}", r.moves);
    assert_eq!(r.moves[0].code, "FSN51");
    assert_eq!(r.moves[0].amount, fsn51);
    assert_eq!(r.values["SN"], subtree("SN") + fsn51);
    assert_eq!(r.values["FSN"], subtree("FSN") - fsn51);
    assert_eq!(r.values["PO"], subtree("PO"));
    let note = r.footnote.unwrap();
    assert!(
        note.starts_with(
            "Jämförelsetalen för 2023 är omräknade till 2025 års organisation: Boendestöd \
             socialpsykiatri (FSN51) har flyttats från Funktionsstödsnämnden till Socialnämnden"
        ),
        "{note}"
    );

    let n = compare(
        &org,
        last,
        this,
        &rows,
        ComparisonMode::NotComparable,
        Unit::Mnkr,
        1,
    );
    assert_eq!(n.comparable_value("SN"), None);
    assert_eq!(n.comparable_value("FSN"), None);
    assert_eq!(n.comparable_value("VON"), Some(subtree("VON")));
    assert_eq!(n.comparable_value("PO"), Some(subtree("PO")));
}
}

both! {
/// The purchaser's view (hours × the compensation rate, from the imported volume series) gives
/// the same figure as PN's internal purchases in the ledger and as VON's internal revenue.
#[test]
fn exempelkommun_home_care_purchase_is_the_same_on_both_sides() {
    use delar_consolidate::purchase::{check_pairs, forecast_purchases, Basis, CompensationRate};
    use delar_core::{Amount, PeriodRange};
    use std::collections::BTreeMap;
    let dir = tempfile::tempdir().unwrap();
    let opts = KommunOptions {
        scale: Scale::Small,
        ..KommunOptions::default()
    };
    kommun::generate(&opts, dir.path(), |_, _| {}).unwrap();
    let mut store = common::store();
    let read = |name: &str| Table::read_path(&dir.path().join(name)).unwrap();
    let t = read("organisation.csv");
    store
        .import_organisation(
            &source("organisation.csv", "o", &[]),
            &delar_templates::organisation::parse(&t).unwrap(),
        )
        .unwrap();
    let t = read("volymserier.csv");
    store
        .import_volume_series(
            &source("volymserier.csv", "s", &[]),
            &delar_templates::volume_series::parse(&t).unwrap(),
        )
        .unwrap();
    let t = read("volymer.csv");
    store
        .import_volumes(
            &source("volymer.csv", "v", &[]),
            &delar_templates::volumes::parse(&t).unwrap(),
        )
        .unwrap();
    store
        .import_sie(
            &dir.path().join("sie").join(kommun::sie_name(2025)),
            &ImportOptions::default(),
            None,
        )
        .unwrap();
    let months = PeriodRange::new(
        YearMonth::new(2025, 1).unwrap(),
        YearMonth::new(2025, 8).unwrap(),
    )
    .unwrap();
    // One rate row per month from the rate series (the template would hold one per change).
    let rates: Vec<CompensationRate> = store
        .volumes("hemtjanst_timersattning", Some(months))
        .unwrap()
        .iter()
        .map(|v| CompensationRate {
            model: "hemtjanst".into(),
            name: "Hemtjänst, utförd tid".into(),
            basis: Basis::PerHour,
            level: None,
            purchaser: "PN10".into(),
            provider: "VON20".into(),
            price: Amount::from_ore((v.value * 100.0).round() as i64),
            volume_series: Some("hemtjanst_utforda_timmar_egen".into()),
            account: Some("4691".into()),
            from: Some(v.month),
            to: Some(v.month),
        })
        .collect();
    assert_eq!(rates.len(), 8);
    let hours: BTreeMap<YearMonth, f64> = store
        .volumes("hemtjanst_utforda_timmar_egen", Some(months))
        .unwrap()
        .into_iter()
        .map(|v| (v.month, v.value))
        .collect();
    let f = forecast_purchases(&rates, months, &|_, m| hours.get(&m).copied());
    assert!(f.missing.is_empty(), "{:?}", f.missing);
    let purchases: BTreeMap<(String, String), Amount> = f.by_pair(|c| {
        if c.starts_with("PN") {
            "PN".into()
        } else {
            "VON".into()
        }
    });

    let rows = store
        .ledger_by_counterparty(2025, Some(months.end), LedgerBy::Account, 21)
        .unwrap();
    let booked = |account: &str, cp: &str| -> Amount {
        rows.iter()
            .filter(|r| r.key == account && r.counterparty.as_deref() == Some(cp))
            .map(|r| r.outcome_total)
            .sum()
    };
    let ledger_purchase = booked("4691", "VON");
    let mut sales = BTreeMap::new();
    sales.insert(("PN".to_string(), "VON".to_string()), booked("3491", "PN"));
    let checks = check_pairs(&purchases, &sales);
    assert_eq!(checks.len(), 1);
    assert_eq!(
        checks[0].purchase, ledger_purchase,
        "volume × price = PN's booked purchase"
    );
    assert!(checks[0].agrees(), "{:?}", checks[0]);
}
}

both! {
/// A database made before migration 5 existed (it has 6 but not 5, as on a branch that took
/// 6 first) gets 5 when opened.
#[test]
fn a_missing_middle_migration_is_applied() {
    let db = common::Persistent::new();
    {
        let s = db.create();
        s.connection()
            .execute_batch(
                "DROP TABLE compensation_rate; DROP TABLE intraprenad_opening;
                 DELETE FROM schema_migrations WHERE version = 5;",
            )
            .unwrap();
    }
    let s = db.open();
    assert_eq!(s.migrations_applied(), [5]);
    assert!(s.compensation_rates().unwrap().is_empty());
    let again = db.open();
    assert!(again.migrations_applied().is_empty());
}
}
