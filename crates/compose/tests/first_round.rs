//! The first round of anything: a P1 without a round before it, a first year without last
//! year, no volumes, no follow-up registers, no programme consolidation, no budget. The report
//! builds and passes the checks; text bound to figures that do not exist yet is left out
//! sentence by sentence, tables show `i.u.` where they need a cell, and a reference that
//! points nowhere is still an error.

use delar_compose::{build, build_with_drafts, Definition, Inputs, Monthly};
use delar_core::{AccountMapping, Amount, OrgKind, OrgNode, Organisation, Round};
use delar_forecast::{ForecastLine, Method};
use delar_report::{check, Block, Report, Value};
use std::collections::BTreeMap;

fn node(code: &str, name: &str, kind: OrgKind, parent: Option<&str>) -> OrgNode {
    OrgNode {
        code: code.into(),
        name: name.into(),
        kind,
        parent: parent.map(Into::into),
        from: None,
        to: None,
        activity: None,
    }
}

fn tkr(x: i64) -> Amount {
    Amount::from_ore(x * 100_000)
}

fn line(node: &str, group: &str, budget: i64, forecast: i64, to_date: i64) -> ForecastLine {
    ForecastLine {
        node: node.into(),
        group: group.into(),
        method: Method::BudgetBased,
        base: tkr(forecast),
        explanation: String::new(),
        adjustments: vec![],
        to_date: tkr(to_date),
        budget: tkr(budget),
        comment: None,
    }
}

/// Kommunen → Barn- och utbildningsnämnden → two units; round 1985-P1, the database's first
/// year: no last year, no earlier round, nothing but the ledger and the forecast.
fn first_round(budget: bool) -> Inputs {
    let org = Organisation::new(vec![
        node("KN", "Kommunen", OrgKind::Programomrade, None),
        node(
            "BUN",
            "Barn- och utbildningsnämnden",
            OrgKind::Namnd,
            Some("KN"),
        ),
        node("100", "Förskola Solen", OrgKind::Enhet, Some("BUN")),
        node("200", "Grundskola Månen", OrgKind::Enhet, Some("BUN")),
    ])
    .unwrap();
    let round = Round::parse("1985-P1").unwrap();
    let tree = org.tree_at(round.cutoff_month());
    let b = |x: i64| if budget { x } else { 0 };
    let lines = vec![
        line("100", "personal", b(1_200), 1_230, 410),
        line("200", "personal", b(1_800), 1_750, 580),
        line("200", "avgifter", b(-180), -170, -55),
    ];
    let mut this_year = BTreeMap::new();
    for l in &lines {
        let mut m = Monthly::default();
        for i in 0..4 {
            m.outcome[i] = l.to_date.mul_ratio(1, 4).unwrap();
        }
        for i in 0..12 {
            m.budget[i] = l.budget.mul_ratio(1, 12).unwrap();
        }
        this_year.insert((l.node.clone(), l.group.clone()), m);
    }
    Inputs {
        organisation: "Testkommun".into(),
        round,
        tree,
        mapping: AccountMapping::kommun_bas(),
        this_year,
        last_year: BTreeMap::new(),
        lines,
        previous: None,
        ranges: Default::default(),
        accuracy: vec![],
        activity_names: BTreeMap::new(),
        volumes: Vec::new(),
        followup: None,
        years: Vec::new(),
        programme: None,
        edits: BTreeMap::new(),
        budget_changes: Vec::new(),
        provider_sales: Vec::new(),
    }
}

fn assert_checks(r: &Report) {
    let findings = check::check(r);
    assert!(
        !check::has_errors(&findings),
        "{}",
        check::render_findings(&findings)
    );
}

/// Every paragraph's and list item's plain text, in order.
fn texts(blocks: &[Block]) -> Vec<String> {
    let mut out = Vec::new();
    for b in blocks {
        match b {
            Block::Paragraph(p) => out.push(p.plain()),
            Block::List { items, .. } => {
                out.extend(items.iter().map(|p| format!("- {}", p.plain())))
            }
            _ => {}
        }
    }
    out
}

fn section_texts(r: &Report, id: &str) -> Vec<String> {
    let s = r
        .sections
        .iter()
        .find(|s| s.id == id)
        .unwrap_or_else(|| panic!("no section {id}"));
    texts(&s.blocks)
}

#[test]
fn the_default_reports_build_and_check_for_the_first_round_of_a_first_year() {
    for budget in [true, false] {
        let inputs = first_round(budget);
        let r = build(&Definition::default_definition(), &inputs, false).unwrap();
        assert_checks(&r);
        // The development text keeps what it has and leaves out the change since a previous
        // round that does not exist.
        let dev = section_texts(&r, "utveckling");
        assert!(
            dev[0].starts_with("Programområdets prognos för helåret är")
                && dev[0].contains("mnkr. Avvikelsen mot budget är ")
                && dev[0].ends_with("\u{a0}mnkr."),
            "{dev:?}"
        );
        assert!(!dev.iter().any(|t| t.contains("förändrats")), "{dev:?}");
        // No comparison columns; last year is unknown, not zero.
        let drift = r.table("drift").unwrap();
        assert!(drift.column("forandring").is_none());
        assert!(drift.column("avvikelse_fg").is_none());
        let ly = drift.column("utfall_fg").unwrap();
        assert!(drift
            .rows
            .iter()
            .all(|row| row.cells[ly].value == Value::NoData));
        assert!(drift
            .notes
            .iter()
            .any(|n| n.contains("utfallet för 1984 finns inte")));
        let groups = r.table("kontogrupper-KN").unwrap();
        let change = groups.column("forandring_pct").unwrap();
        assert!(groups
            .rows
            .iter()
            .all(|row| row.cells[change].value == Value::Empty));
        // The committee's own report too.
        let mut own = inputs.clone();
        own.tree = Organisation::new(vec![
            node("BUN", "Barn- och utbildningsnämnden", OrgKind::Namnd, None),
            node("100", "Förskola Solen", OrgKind::Enhet, Some("BUN")),
            node("200", "Grundskola Månen", OrgKind::Enhet, Some("BUN")),
        ])
        .unwrap()
        .tree_at(inputs.round.cutoff_month());
        let r = build(&Definition::committee_definition(), &own, false).unwrap();
        assert_checks(&r);
    }
}

#[test]
fn with_a_previous_round_the_change_is_told() {
    let mut inputs = first_round(true);
    inputs.round = Round::parse("1985-P2").unwrap();
    let mut p1 = inputs.lines.clone();
    p1[0].base = tkr(1_150);
    inputs.previous = Some((Round::parse("1985-P1").unwrap(), p1));
    let r = build(&Definition::default_definition(), &inputs, false).unwrap();
    assert_checks(&r);
    let dev = section_texts(&r, "utveckling");
    assert!(
        dev[0].ends_with(
            "Sedan föregående prognos har avvikelsen förändrats med \u{2212}0,1\u{a0}mnkr."
        ),
        "{dev:?}"
    );
}

fn definition(text: &str, with_bridge: bool) -> Definition {
    let bridge = if with_bridge {
        ", { typ = \"brygga\" }"
    } else {
        ""
    };
    Definition::parse(
        &format!(
            "[[avsnitt]]\nrubrik = \"Ekonomi\"\ninnehall = [{{ typ = \"driftsammandrag\" }}{bridge}, {{ typ = \"text\", text = \"\"\"\n{text}\n\"\"\" }}]\n"
        ),
        "test.toml",
    )
    .unwrap()
}

fn built_texts(def: &Definition, inputs: &Inputs) -> Vec<String> {
    let r = build(def, inputs, false).unwrap();
    assert_checks(&r);
    texts(&r.sections[0].blocks)
}

#[test]
fn sentences_bound_to_missing_figures_are_left_out_and_wrong_references_refused() {
    let inputs = first_round(true);
    let text = "Prognosen är {drift.summa.prognos}. Sedan förra prognosen har avvikelsen ändrats \
                med {drift.summa.forandring}! **Utfallet i fjol** var {drift.summa.utfall_fg}. Det \
                är {drift.BUN.avvikelse|abs} i avvikelse, t.ex. i personalkostnader.\n\n\
                Bryggan visar {brygga.summa.forandring_prognos}.\n\n\
                - Budget {drift.summa.budget}\n\
                - Förra prognosen {drift.summa.avvikelse_fg}";
    let got = built_texts(&definition(text, true), &inputs);
    assert_eq!(
        got,
        vec![
            "Det finns ingen tidigare prognos i år att jämföra med.".to_string(),
            "Prognosen är 2,8\u{a0}mnkr. Det är 0,0\u{a0}mnkr i avvikelse, t.ex. i personalkostnader."
                .to_string(),
            "- Budget 2,8\u{a0}mnkr".to_string(),
        ]
    );

    // With the data, everything is there.
    let mut full = first_round(true);
    full.round = Round::parse("1985-P2").unwrap();
    full.previous = Some((Round::parse("1985-P1").unwrap(), full.lines.clone()));
    full.last_year = full.this_year.clone();
    let got = built_texts(&definition(text, true), &full);
    assert_eq!(got.len(), 4, "{got:?}");
    assert!(got[0].contains("ändrats med 0,0\u{a0}mnkr!"), "{got:?}");
    assert!(got[0].contains("Utfallet i fjol"), "{got:?}");
    assert!(got[1].starts_with("Bryggan visar"), "{got:?}");

    // A reference that points nowhere is an error, data or not: an unknown column, a row that
    // is not in the organisation, a table the definition does not make.
    for bad in [
        "Fel {drift.summa.forandringen}.",
        "Fel {drift.XX.avvikelse}.",
        "Fel {brygga.summa.forandring_prognos}.",
    ] {
        let e = build(&definition(bad, false), &inputs, false).unwrap_err();
        assert!(e.0.contains("pekar inte på någon cell"), "{bad}: {e}");
    }
}

#[test]
fn an_edited_paragraph_bound_to_a_missing_figure_keeps_its_other_sentences() {
    let mut inputs = first_round(true);
    inputs.edits.insert(
        "analys.summa".into(),
        "Sedan förra prognosen har avvikelsen ändrats med {drift.summa.forandring}. Prognosen \
         för helåret är {drift.summa.prognos}."
            .into(),
    );
    let (r, drafts) = build_with_drafts(&Definition::default_definition(), &inputs, false).unwrap();
    assert_checks(&r);
    assert!(drafts
        .iter()
        .any(|d| d.key == "analys.summa" && d.edit.is_some()));
    let analysis = section_texts(&r, "analys");
    assert_eq!(analysis[0], "Prognosen för helåret är 2,8\u{a0}mnkr.");

    // An edit with nothing left is left out.
    inputs.edits.insert(
        "analys.summa".into(),
        "Ändrat med {drift.summa.forandring}.".into(),
    );
    let r = build(&Definition::default_definition(), &inputs, false).unwrap();
    assert_checks(&r);
    let analysis = section_texts(&r, "analys");
    assert!(!analysis.iter().any(|t| t.is_empty()), "{analysis:?}");
    assert!(
        !analysis.iter().any(|t| t.contains("Ändrat")),
        "{analysis:?}"
    );
}
