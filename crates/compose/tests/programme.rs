//! The programme content of a report definition on a constructed programme area: PO with the
//! programme committee PN buying from SN and VON, an intraprenad under VON, and a unit (SN32)
//! that moved from VON to SN at the turn of the year.

use delar_compose::{build, Definition, Inputs, ProgrammeData};
use delar_consolidate::intraprenad::{equity_ledger, CarryForwardRules, IntraprenadOpening};
use delar_consolidate::{consolidate, InputRow, InternalRule, Series};
use delar_core::{
    AccountMapping, Amount, GroupKind, OrgKind, OrgNode, Organisation, Round, YearMonth,
};
use delar_forecast::{Adjustment, AdjustmentKind, ForecastLine, Method};
use delar_report::{Block, Report, Section, Table};
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

fn tkr(t: i64) -> Amount {
    Amount::from_kr(t * 1_000).unwrap()
}

fn org() -> Organisation {
    use OrgKind::*;
    let mut moved_old = node("SN32", "Boendestöd", Enhet, Some("VON"));
    moved_old.to = Some(YearMonth::new(2024, 12).unwrap());
    let mut moved_new = node("SN32", "Boendestöd", Enhet, Some("SN"));
    moved_new.from = Some(YearMonth::new(2025, 1).unwrap());
    Organisation::new(vec![
        node("PO", "Programområde välfärd", Programomrade, None),
        node("PN", "Programnämnden", Programnamnd, Some("PO")),
        node("PN10", "Köp av vård", Enhet, Some("PN")),
        node("SN", "Socialnämnden", Namnd, Some("PO")),
        node("SN31", "Öppenvård", Enhet, Some("SN")),
        moved_old,
        moved_new,
        node("VON", "Vård- och omsorgsnämnden", Namnd, Some("PO")),
        node("VON21", "Hemtjänst", Enhet, Some("VON")),
        node("VON33", "Linden", Intraprenad, Some("VON")),
    ])
    .unwrap()
}

fn row(node: &str, key: &str, kind: GroupKind, cp: Option<&str>, t: i64) -> InputRow {
    InputRow {
        node: node.into(),
        key: key.into(),
        account: None,
        kind,
        counterparty: cp.map(Into::into),
        amounts: Series::one(tkr(t)),
    }
}

/// Budget and forecast rows (tkr): PN10 buys 40 000 from VON and 5 000 from SN; the providers
/// book the sales; the forecast has PN buying 1 000 more from VON than VON sells (a difference).
fn rows(forecast: bool) -> Vec<InputRow> {
    use GroupKind::{Cost, Revenue};
    let f = |b: i64, p: i64| if forecast { p } else { b };
    vec![
        row(
            "PN10",
            "kop_verksamhet",
            Cost,
            Some("VON"),
            f(40_000, 41_000),
        ),
        row("PN10", "kop_verksamhet", Cost, Some("SN"), 5_000),
        row("PN10", "personal", Cost, None, f(3_000, 2_800)),
        row("SN31", "intakt_intern", Revenue, Some("PN"), -5_000),
        row("SN31", "personal", Cost, None, f(30_000, 31_200)),
        row("SN32", "personal", Cost, None, f(8_000, 8_000)),
        row(
            "VON21",
            "intakt_intern",
            Revenue,
            Some("PN"),
            f(-40_000, -40_000),
        ),
        row("VON21", "personal", Cost, None, f(20_000, 19_500)),
        row("VON33", "personal", Cost, None, f(19_000, 19_700)),
    ]
}

fn inputs() -> Inputs {
    let org = org();
    let round = Round::parse("2025-P2").unwrap();
    let tree = org.tree_at(round.cutoff_month());
    let rule = InternalRule::exempelkommun();
    let budget = consolidate(&tree, &rows(false), &rule).unwrap();
    let forecast = consolidate(&tree, &rows(true), &rule).unwrap();
    let lines: Vec<ForecastLine> = rows(true)
        .iter()
        .zip(rows(false))
        .map(|(f, b)| ForecastLine {
            node: f.node.clone(),
            group: f.key.clone(),
            method: Method::Manual,
            base: f.amounts.total(),
            explanation: String::new(),
            adjustments: vec![],
            to_date: Amount::ZERO,
            budget: b.amounts.total(),
            comment: None,
        })
        .collect();
    // SN31's personnel forecast holds a structural special effect of 1 200 tkr.
    let mut lines = lines;
    let sn31 = lines
        .iter_mut()
        .find(|l| l.node == "SN31" && l.group == "personal")
        .unwrap();
    sn31.base -= tkr(1_200);
    sn31.adjustments.push(Adjustment {
        kind: AdjustmentKind::SpecialStructural,
        amount: tkr(1_200),
        low: None,
        high: None,
        comment: "fler placeringar".into(),
        code: None,
    });
    let (special, _) = delar_consolidate::special::special_by_level(&tree, &lines);
    let fig = |code: &str| {
        Some(delar_consolidate::intraprenad::YearFigures {
            budget: budget.node(code)?.consolidated.result.total(),
            forecast: forecast.node(code)?.consolidated.result.total(),
            turnover: forecast.node(code)?.consolidated.cost.total(),
        })
    };
    let (equity, _) = equity_ledger(
        &tree,
        &[IntraprenadOpening {
            code: "VON33".into(),
            year: 2025,
            opening: tkr(1_000),
            planned_use: tkr(500),
            deficit_since: None,
            rules: CarryForwardRules::default(),
        }],
        &fig,
    );
    let line_names = [
        ("personal", "Personalkostnader"),
        ("kop_verksamhet", "Köp av verksamhet"),
        ("intakt_intern", "Interna intäkter"),
    ]
    .iter()
    .map(|(a, b)| (a.to_string(), b.to_string()))
    .collect();
    // Last year as booked: SN32 (then under VON) cost 7 500 tkr.
    let last_year = vec![
        ("PN10".to_string(), tkr(47_000)),
        ("SN31".to_string(), tkr(24_000)),
        ("SN32".to_string(), tkr(7_500)),
        ("VON21".to_string(), tkr(-19_000)),
        ("VON33".to_string(), tkr(18_500)),
    ];
    let programme = ProgrammeData {
        programme_committee: "PN".into(),
        budget,
        forecast,
        line_names,
        equity,
        special,
        organisation: org,
        last_year,
        method_note: Some("Prognosens interna köp är fördelade på motpart efter utfallet.".into()),
    };
    Inputs {
        organisation: "Testkommun".into(),
        round,
        tree,
        mapping: AccountMapping::kommun_bas(),
        this_year: BTreeMap::new(),
        last_year: BTreeMap::new(),
        lines,
        previous: None,
        ranges: Default::default(),
        accuracy: vec![],
        activity_names: BTreeMap::new(),
        volumes: Vec::new(),
        followup: None,
        years: Vec::new(),
        programme: Some(programme),
        edits: BTreeMap::new(),
        budget_changes: Vec::new(),
        provider_sales: Vec::new(),
    }
}

fn definition(comparison: &str) -> Definition {
    Definition::parse(
        &format!(
            r#"
enhet = "tkr"
decimaler = 0
jamforelse = "{comparison}"

[[avsnitt]]
rubrik = "Förslag till beslut"
numrerad = false
innehall = [{{ typ = "programomrade-forslag" }}]

[[avsnitt]]
rubrik = "Programområdet"
innehall = [{{ typ = "programomrade-konsoliderat" }}, {{ typ = "programomrade-intraprenader" }}]

[[avsnitt.avsnitt]]
rubrik = "Programnämnden"
innehall = [{{ typ = "programomrade-programnamnd" }}]

[[avsnitt.avsnitt]]
rubrik = "Nämnderna"
innehall = [{{ typ = "programomrade-namnder" }}]

[[avsnitt]]
rubrik = "Särskilda effekter"
innehall = [{{ typ = "programomrade-sarskilda" }}]

[[bilaga]]
nod = "SN"
"#
        ),
        "test.toml",
    )
    .unwrap()
}

fn tables(r: &Report) -> Vec<&Table> {
    fn walk<'a>(s: &'a Section, out: &mut Vec<&'a Table>) {
        for b in &s.blocks {
            if let Block::Table(t) = b {
                out.push(t);
            }
        }
        for c in &s.sections {
            walk(c, out);
        }
    }
    let mut out = Vec::new();
    for s in &r.sections {
        walk(s, &mut out);
    }
    out
}

fn table<'a>(r: &'a Report, id: &str) -> &'a Table {
    tables(r)
        .into_iter()
        .find(|t| t.id == id)
        .unwrap_or_else(|| panic!("no table {id}"))
}

fn amount(t: &Table, row: &str, col: &str) -> Amount {
    let c = t.column(col).unwrap();
    t.row(row)
        .unwrap_or_else(|| panic!("{}: no row {row}", t.id))
        .cells[c]
        .value
        .amount()
        .unwrap()
}

#[test]
fn programme_content_comes_from_the_definition_and_foots() {
    let def = definition("omraknad");
    assert_eq!(def.bilaga.len(), 1);
    assert_eq!(def.bilaga[0].nod, "SN");
    assert!(def.bilaga[0].definition.is_none());
    let r = build(&def, &inputs(), false).unwrap();
    let ids: Vec<&str> = tables(&r).iter().map(|t| t.id.as_str()).collect();
    assert_eq!(
        ids,
        [
            "programomrade",
            "programomrade-brutto",
            "intraprenader",
            "egen-PN",
            "namnd-SN",
            "namnd-VON",
            "sarskilda-effekter",
            "resultat-inkl-exkl"
        ]
    );
    // The committees are subsections of the definition's "Nämnderna".
    let namnder = &r.sections[1].sections[1];
    assert_eq!(namnder.title, "Nämnderna");
    let titles: Vec<&str> = namnder.sections.iter().map(|s| s.title.as_str()).collect();
    assert_eq!(titles, ["Socialnämnden", "Vård- och omsorgsnämnden"]);
    assert_eq!(namnder.sections[0].number, "1.2.1");

    // PO = PN + SN + VON, forecast: (41 000 + 5 000 + 2 800) + (−5 000 + 31 200 + 8 000)
    // + (−40 000 + 19 500 + 19 700).
    let area = table(&r, "programomrade");
    let pn = tkr(48_800);
    let sn = tkr(34_200);
    let von = tkr(-800);
    assert_eq!(amount(area, "PN", "prognos"), pn);
    assert_eq!(amount(area, "SN", "prognos"), sn);
    assert_eq!(amount(area, "VON", "prognos"), von);
    assert_eq!(amount(area, "PO", "prognos"), pn + sn + von);
    assert_eq!(amount(area, "PO", "budget"), tkr(48_000 + 33_000 - 1_000));
    // The eliminations: the 1 000 tkr PN buys beyond what VON sells stays as a difference, and
    // the footnotes explain the consolidation and how the forecast's counterparties were found.
    let gross = table(&r, "programomrade-brutto");
    assert_eq!(amount(gross, "PO/eliminering_kop", "kostnad"), tkr(-46_000));
    assert_eq!(
        amount(gross, "PO/eliminering_forsaljning", "intakt"),
        tkr(45_000)
    );
    assert_eq!(amount(gross, "PO/differens_interna", "netto"), tkr(1_000));
    assert_eq!(amount(gross, "PO", "netto"), pn + sn + von);
    let notes = gross.notes.join(" ");
    assert!(
        notes.contains("har eliminerats") && notes.contains("fördelade på motpart"),
        "{notes}"
    );
    // Intraprenad: budget 19 000, forecast 19 700: the 700 deficit is covered by using 500 of
    // the equity, 200 is a new deficit; closing 1 000 − 500 − 200 = 300.
    let eq = table(&r, "intraprenader");
    assert_eq!(amount(eq, "VON33", "utgaende"), tkr(300));
    assert_eq!(amount(area, "varav-intraprenader", "avvikelse"), tkr(-700));
    // Special effects: SN's deficit of 1 200 is all special effect, so SN gets no task in the
    // proposal; PN (−800) and VON (−200) have deficits excluding special effects and do.
    let effects = table(&r, "resultat-inkl-exkl");
    assert_eq!(amount(effects, "SN", "effekt"), tkr(-1_200));
    assert_eq!(amount(effects, "SN", "inkl"), tkr(-1_200));
    assert_eq!(amount(effects, "SN", "exkl"), Amount::ZERO);
    let Block::List { items, .. } = &r.sections[0].blocks[0] else {
        panic!("the proposal is a list")
    };
    let items: Vec<String> = items.iter().map(|p| p.plain()).collect();
    assert_eq!(
        items,
        [
            "Programnämnden fastställer delårsrapport 2 2025.",
            "Programnämnden får i uppdrag att vidta åtgärder för att nå en budget i balans.",
            "Vård- och omsorgsnämnden får i uppdrag att vidta åtgärder för att nå en budget i balans."
        ]
    );

    // Every table foots and every rule holds.
    let findings = delar_report::check::check(&r);
    assert!(
        findings.is_empty(),
        "{}",
        delar_report::check::render_findings(&findings)
    );
}

#[test]
fn last_year_restated_or_marked_not_comparable() {
    let inputs = inputs();
    // Restated: SN32's 7 500 tkr last year counts under SN, its committee this year.
    let r = build(&definition("omraknad"), &inputs, false).unwrap();
    let area = table(&r, "programomrade");
    assert_eq!(area.column("utfall_fg"), Some(1));
    assert_eq!(amount(area, "SN", "utfall_fg"), tkr(24_000 + 7_500));
    assert_eq!(amount(area, "VON", "utfall_fg"), tkr(-19_000 + 18_500));
    assert_eq!(amount(area, "PO", "utfall_fg"), tkr(78_000));
    let note = area.notes.join(" ");
    assert!(
        note.contains("omräknade till 2025 års organisation")
            && note.contains("Boendestöd (SN32) har flyttats från Vård- och omsorgsnämnden till Socialnämnden (7\u{a0}500 tkr år 2024)"),
        "{note}"
    );
    assert!(!area.rows.iter().any(|r| r.cells[1].text.ends_with('*')));
    assert!(delar_report::check::check(&r).is_empty());

    // Not comparable: last year as booked (SN32 under VON), SN and VON marked with *.
    let r = build(&definition("ej-jamforbar"), &inputs, false).unwrap();
    let area = table(&r, "programomrade");
    assert_eq!(amount(area, "SN", "utfall_fg"), tkr(24_000));
    assert_eq!(
        amount(area, "VON", "utfall_fg"),
        tkr(-19_000 + 18_500 + 7_500)
    );
    assert_eq!(amount(area, "PO", "utfall_fg"), tkr(78_000));
    let sn = area.row("SN").unwrap();
    assert_eq!(sn.cells[1].text, "24\u{a0}000*");
    assert!(!area.row("PN").unwrap().cells[1].text.ends_with('*'));
    let note = area.notes.join(" ");
    assert!(
        note.contains("* Jämförelsetalen för 2024 följer 2024 års organisation")
            && note.contains("inte jämförbara"),
        "{note}"
    );
    // The committee's section says so too, and the report still passes every check.
    let text = delar_report::text::render(&r);
    assert!(
        text.contains("Jämförelse med föregående år är inte möjlig"),
        "{text}"
    );
    let findings = delar_report::check::check(&r);
    assert!(
        findings.is_empty(),
        "{}",
        delar_report::check::render_findings(&findings)
    );
}

#[test]
fn without_a_consolidation_the_content_says_why() {
    let mut i = inputs();
    i.programme = None;
    let r = build(&definition("omraknad"), &i, false).unwrap();
    assert!(tables(&r).is_empty());
    let text = delar_report::text::render(&r);
    assert!(
        text.contains("Programområdets konsolidering saknas"),
        "{text}"
    );
}

#[test]
fn the_committee_definition_parses() {
    let d = Definition::committee_definition();
    assert!(d.bilaga.is_empty());
    assert_eq!(d.avsnitt[0].rubrik, "Förslag till beslut");
    let e = Definition::parse(
        "[[avsnitt]]\nrubrik = \"A\"\n[[bilaga]]\nnd = \"SN\"\n",
        "r.toml",
    )
    .unwrap_err();
    assert!(e.0.contains("nd"), "{e}");
}
