use super::*;
use delar_demo::followup::{write_followup, FollowupOptions};
use delar_demo::kommun::{KommunOptions, Model};
use delar_followup::assess::{assess, financial_value, with_financial, FinancialFigures, Rule};
use delar_followup::templates::{self, Template};
use std::collections::HashMap;

/// Exempelkommun's registers written as templates and read back through them.
fn registers() -> FollowupData {
    fn read<T: Template>(dir: &std::path::Path) -> Vec<T> {
        let table = delar_tabular::Table::read_path(&dir.join(templates::file_name::<T>()))
            .expect("readable");
        templates::parse::<T>(&table).expect("parses")
    }
    let dir = tempfile::tempdir().unwrap();
    write_followup(dir.path(), &FollowupOptions::default()).unwrap();
    let p = dir.path();
    let mut data = FollowupData::default();
    macro_rules! read_all {
        ($(($t:ty, $f:ident)),* $(,)?) => {
            $(data.$f = read::<$t>(p);)*
        };
    }
    delar_followup::for_each_register!(read_all);
    data
}

fn committees() -> Vec<(String, String)> {
    [
        ("PN", "Programnämnd social välfärd"),
        ("SN", "Socialnämnden"),
        ("VON", "Vård- och omsorgsnämnden"),
        ("FSN", "Funktionsstödsnämnden"),
    ]
    .iter()
    .map(|(a, b)| (a.to_string(), b.to_string()))
    .collect()
}

fn economy() -> Vec<YearEconomy> {
    (2021..=2025)
        .map(|y| YearEconomy {
            year: y,
            net_cost: Amount::from_kr(4_000_000_000 + (y as i64 - 2021) * 150_000_000).unwrap(),
            budget: Amount::from_kr(3_980_000_000 + (y as i64 - 2021) * 152_000_000).unwrap(),
            forecast: y == 2025,
        })
        .collect()
}

fn exempel_volumes() -> (Vec<VolumeSeries>, Vec<VolumeValue>) {
    let m = Model::new(&KommunOptions::default());
    let cutoff = YearMonth::new(2025, 8).unwrap();
    let first = YearMonth::new(2021, 1).unwrap();
    let mut series = Vec::new();
    let mut values = Vec::new();
    for s in &m.volumes.series {
        series.push(VolumeSeries {
            code: s.code.clone(),
            name: s.name.clone(),
            unit: s.unit.to_string(),
            kind: VolumeKind::parse(s.typ).unwrap(),
            responsible: s.ansvar.clone(),
            category: Some(s.kategori.clone()),
            price_series: s.prisserie.clone(),
        });
        for t in 0..=first.months_until(cutoff) as usize {
            values.push(VolumeValue {
                series: s.code.clone(),
                month: first.add_months(t as i32),
                value: s.value(t),
                comment: None,
            });
        }
    }
    (series, values)
}

/// The series the seeds chart: started investigations and placements in institutions.
fn charted(vs: &[VolumeSeries]) -> Vec<String> {
    vs.iter()
        .filter(|s| s.name.starts_with("Inledda utredningar") || s.name.contains("(HVB)"))
        .map(|s| s.code.clone())
        .collect()
}

struct Built {
    sections: Vec<Section>,
}

fn build() -> (FollowupData, Assessment, Built) {
    let mut data = registers();
    let pn03 = data
        .indicators
        .iter()
        .find(|i| i.code == "PN03")
        .unwrap()
        .clone();
    let computed = [financial_value(
        &pn03,
        2025,
        FinancialFigures::BudgetDeviation {
            budget: Amount::from_kr(4_588_000_000).unwrap(),
            forecast: Amount::from_kr(4_600_500_000).unwrap(),
        },
    )];
    data.values = with_financial(&data, 2025, &computed);
    let a = assess(&data, 2025, &data.values, &Rule::default());
    let scale = Scale::default();
    let cs = committees();
    let ctx = FollowupContext {
        data: &data,
        assessment: &a,
        scale: &scale,
        year: 2025,
        cutoff: YearMonth::new(2025, 8).unwrap(),
        committees: &cs,
        activities: &[],
    };
    let (vs, vv) = exempel_volumes();
    let sections = vec![
        observations_summary(&ctx),
        goal_chapter(&ctx),
        commitments_checklist(&ctx),
        strategic_assignments(&ctx),
        efficiency_measures(&ctx),
        investments(&ctx),
        staff(&ctx),
        volumes(&vs, &vv, 2025, ctx.cutoff, &charted(&vs)),
        events(&ctx),
        cost_comparison(&ctx),
        five_year_summary(&ctx, &economy()),
    ];
    (data.clone(), a, Built { sections })
}

fn report(sections: Vec<Section>) -> Report {
    let mut r = Report {
        meta: Meta {
            title: "Delårsrapport 2 2025".into(),
            subtitle: "Programområde social välfärd".into(),
            organisation: "Exempelkommun".into(),
            round: delar_core::Round::parse("2025-P2").unwrap(),
            period_label: "januari–augusti 2025".into(),
            date: "2025-09-30".into(),
            draft: true,
            formal: Vec::new(),
            style: None,
        },
        sections,
    };
    r.number();
    r
}

#[test]
fn summary_table_equals_the_goal_chapter() {
    let (_, _, b) = build();
    let r = report(b.sections);
    let summary = r.table("sammanfattande-iakttagelser").unwrap();
    let chapter = r
        .walk()
        .into_iter()
        .find(|(_, s)| s.id == "mal-och-indikatorer")
        .unwrap()
        .1;
    assert_eq!(summary.rows.len(), chapter.sections.len());
    assert!(
        summary.rows.len() >= 3,
        "Exempelkommun has goals in several areas"
    );
    for (row, area) in summary.rows.iter().zip(&chapter.sections) {
        assert_eq!(row.cells[0].text, area.title);
        // The lists under the headings "Positiva iakttagelser" and "Förbättringsområden".
        let mut lists: HashMap<String, Vec<String>> = HashMap::new();
        let mut heading = String::new();
        let mut status = None;
        for b in &area.blocks {
            match b {
                Block::Paragraph(p) => {
                    if let Some(Inline::Strong(h)) = p.inlines.first() {
                        heading = h.clone();
                    }
                    if status.is_none() {
                        status = p.inlines.iter().find_map(|i| match i {
                            Inline::Status(s) => Some(s.clone()),
                            _ => None,
                        });
                    }
                }
                Block::List { items, .. } => {
                    lists.insert(heading.clone(), items.iter().map(|p| p.plain()).collect());
                }
                _ => {}
            }
        }
        // An area may lack either list (no indicator moved that way).
        // (the summary table then shows a dash).
        let joined = |h: &str| {
            lists
                .get(h)
                .map(|l| l.join(" "))
                .unwrap_or_else(|| "–".into())
        };
        assert_eq!(row.cells[2].text, joined("Positiva iakttagelser"));
        assert_eq!(row.cells[3].text, joined("Förbättringsområden"));
        assert_eq!(row.cells[1].value, Value::Status(status.unwrap()));
        assert_eq!(
            row.cells[1].source.as_ref().unwrap().fact,
            format!("mal/{}/status", row.key)
        );
    }
}

#[test]
fn every_chapter_builds_from_exempelkommun_without_empty_required_cells() {
    let (data, a, b) = build();
    let r = report(b.sections);
    let ids: Vec<&str> = r.sections.iter().map(|s| s.id.as_str()).collect();
    assert_eq!(ids.len(), 11);
    for (_, s) in r.walk() {
        assert!(
            !s.blocks.is_empty() || !s.sections.is_empty(),
            "section {} is empty",
            s.id
        );
        if s.role.as_deref() == Some("goal") {
            // R12: a goal has text and an indicator table.
            assert!(s.blocks.iter().any(|b| matches!(b, Block::Paragraph(_))));
            assert!(
                s.blocks.iter().any(|b| matches!(b, Block::Table(_))),
                "goal {} has no indicators",
                s.id
            );
        }
    }
    let mut ids = std::collections::HashSet::new();
    for t in r.tables() {
        assert!(ids.insert(t.id.clone()), "duplicate table id {}", t.id);
        assert!(!t.rows.is_empty(), "table {} has no rows", t.id);
        let optional = |key: &str| {
            matches!(
                key,
                "kvinnor" | "man" | "kommentar" | "pagar" | "planeras" | "stod" | "namnd"
            )
        };
        for row in &t.rows {
            assert_eq!(row.cells.len(), t.columns.len(), "{} {}", t.id, row.key);
            if matches!(row.kind, RowKind::Heading) {
                continue;
            }
            for (c, cell) in t.columns.iter().zip(&row.cells) {
                if optional(&c.key) || (row.kind == RowKind::Total && !c.format.is_numeric()) {
                    continue;
                }
                assert!(
                    !cell.text.trim().is_empty(),
                    "empty cell {} / {} / {}",
                    t.id,
                    row.key,
                    c.key
                );
            }
        }
    }
    let volume_charts = r
        .charts()
        .iter()
        .filter(|c| c.id.starts_with("volym-"))
        .count();
    assert!((3..=6).contains(&volume_charts), "{volume_charts}");
    for c in r.charts() {
        assert!(!c.alt.is_empty());
        for s in &c.series {
            assert_eq!(s.values.len(), c.categories.len(), "{}", c.id);
        }
    }
    // Every committee goal is in the chapter with its stored status.
    let committee_goals = data
        .goals
        .iter()
        .filter(|g| g.level == GoalLevel::Committee)
        .count();
    let goal_sections = r
        .walk()
        .iter()
        .filter(|(_, s)| s.role.as_deref() == Some("goal"))
        .count();
    assert_eq!(goal_sections, committee_goals);
    // The assessment is not trivial on Exempelkommun: more than one status occurs.
    let kinds: std::collections::BTreeSet<GoalStatus> =
        a.goals.values().map(|g| g.status).collect();
    assert!(kinds.len() >= 2, "{kinds:?}");
    // The staff table's identities hold on every item row.
    let st = r.table("personal-sjukfranvaro").unwrap();
    for row in st.rows.iter().filter(|r| r.kind == RowKind::Item) {
        let v = |k: &str| row.cells[st.column(k).unwrap()].value.as_f64().unwrap();
        assert_eq!(v("anst-k") + v("anst-m"), v("anst-t"));
        let (lo, hi) = (v("sjuk-k").min(v("sjuk-m")), v("sjuk-k").max(v("sjuk-m")));
        assert!(v("sjuk-t") >= lo - 1e-9 && v("sjuk-t") <= hi + 1e-9);
    }
    // The computed financial indicator is what the table shows, not a typed value.
    let t = r.table("indikatorer-pn2").unwrap();
    let pn03 = t.row("PN03").unwrap();
    let prognos = &pn03.cells[t.column("prognos").unwrap()];
    assert_eq!(prognos.text, "\u{2212}12,5");
}

#[test]
fn one_fact_one_value_everywhere() {
    let (_, _, b) = build();
    let r = report(b.sections);
    let mut seen: HashMap<String, (String, String)> = HashMap::new();
    let mut repeated = 0;
    for t in r.tables() {
        for row in &t.rows {
            for c in &row.cells {
                if let Some(s) = &c.source {
                    let v = format!("{:?}", c.value);
                    if let Some((v0, where0)) = seen.get(&s.fact) {
                        repeated += 1;
                        assert_eq!(v0, &v, "fact {} differs from {where0}", s.fact);
                    } else {
                        seen.insert(s.fact.clone(), (v, t.id.clone()));
                    }
                }
            }
        }
    }
    // Goal-area statuses and the own municipality's costs appear in two chapters each.
    assert!(repeated > 5, "{repeated}");
    assert!(seen.contains_key("mal/MO1/status"));
    assert!(seen.keys().any(|k| k.starts_with("indikator/SN04/2025")));
}

#[test]
fn moving_average_needs_twelve_months() {
    let v: Vec<Option<f64>> = (1..=14).map(|i| Some(i as f64)).collect();
    let ma = moving_average_12(&v);
    assert_eq!(ma[10], None);
    assert_eq!(ma[11], Some(6.5));
    assert_eq!(ma[13], Some(8.5));
    let mut gap = v.clone();
    gap[5] = None;
    assert_eq!(moving_average_12(&gap)[12], None);
}

#[test]
fn overridden_status_is_shown_with_its_rationale() {
    let data = registers();
    let mut a = assess(&data, 2025, &data.values, &Rule::default());
    delar_followup::assess::apply_overrides(
        &mut a,
        &[delar_followup::assess::Override {
            year: 2025,
            goal: "SN2".into(),
            status: GoalStatus::Met,
            rationale: "Arbetsmarknadsinsatserna ger effekt under hösten.".into(),
            by: "Förvaltningschefen".into(),
            date: "2025-09-15".into(),
        }],
    )
    .unwrap();
    let scale = Scale::orebro_2019();
    let cs = committees();
    let ctx = FollowupContext {
        data: &data,
        assessment: &a,
        scale: &scale,
        year: 2025,
        cutoff: YearMonth::new(2025, 8).unwrap(),
        committees: &cs[1..2],
        activities: &[],
    };
    let r = report(vec![goal_chapter(&ctx)]);
    let s = r
        .walk()
        .into_iter()
        .find(|(_, s)| s.id == "mal-sn2")
        .unwrap()
        .1;
    let text: String = s
        .blocks
        .iter()
        .filter_map(|b| match b {
            Block::Paragraph(p) => Some(p.plain()),
            _ => None,
        })
        .collect::<Vec<_>>()
        .join(" ");
    assert!(text.contains("Bedömning för helåret: Helt."), "{text}");
    assert!(
        text.contains("Motivering: Arbetsmarknadsinsatserna"),
        "{text}"
    );
    // Only SN's goals when only SN is covered.
    assert!(r
        .walk()
        .iter()
        .filter(|(_, s)| s.role.as_deref() == Some("goal"))
        .all(|(_, s)| s.id.starts_with("mal-sn")));
}

/// The state grant, queue and population chapters on Exempelkommun's registers (read back
/// through the templates), with the five-year summary that shares the population facts.
fn register_chapters(data: &FollowupData) -> Report {
    let a = assess(data, 2025, &data.values, &Rule::default());
    let scale = Scale::default();
    let cs = committees();
    let ctx = FollowupContext {
        data,
        assessment: &a,
        scale: &scale,
        year: 2025,
        cutoff: YearMonth::new(2025, 8).unwrap(),
        committees: &cs,
        activities: &[],
    };
    report(vec![
        state_grants(&ctx),
        queues(&ctx),
        population(&ctx),
        five_year_summary(&ctx, &economy()),
    ])
}

fn cell<'a>(t: &'a Table, row: &str, col: &str) -> &'a Cell {
    &t.row(row).unwrap_or_else(|| panic!("row {row}")).cells[t.column(col).unwrap()]
}

#[test]
fn register_chapters_foot_and_pass_every_check() {
    let data = registers();
    let r = register_chapters(&data);
    let findings = delar_report::check::check(&r);
    assert!(findings.is_empty(), "{findings:#?}");

    // State grants: the total is the sum of the year's grants, what is left = amount − forecast.
    let t = r.table("riktade-statsbidrag").unwrap();
    let grants: Vec<&StateGrant> = data.grants.iter().filter(|g| g.year == 2025).collect();
    let items = t.rows.iter().filter(|r| r.kind == RowKind::Item).count();
    assert_eq!(items, grants.len());
    // one heading row per committee with grants, in report order
    let headings: Vec<&str> = t
        .rows
        .iter()
        .filter(|r| r.kind == RowKind::Heading)
        .map(|r| r.cells[0].text.as_str())
        .collect();
    assert_eq!(
        headings,
        [
            "Programnämnd social välfärd",
            "Socialnämnden",
            "Vård- och omsorgsnämnden",
            "Funktionsstödsnämnden"
        ]
    );
    let sum: Amount = grants.iter().map(|g| g.amount).sum();
    assert_eq!(cell(t, "summa", "belopp").value, Value::Amount(sum));
    let kvar: Amount = grants.iter().map(|g| g.remaining().unwrap()).sum();
    assert_eq!(cell(t, "summa", "kvar").value, Value::Amount(kvar));
    assert_eq!(t.row("summa").unwrap().kind, RowKind::Total);
    assert_eq!(cell(t, "VON-SB4", "aterbetalning").text, "X");
    assert_eq!(cell(t, "PN-SB1", "aterbetalning").text, "–");
    assert!(t.columns[t.column("hittills").unwrap()]
        .label
        .contains("jan–aug 2025"));
    // What is left, by each grant's terms: the parts the text names add up to the total left,
    // and each part is the sum over the grants its terms put there.
    let intro = r
        .walk()
        .into_iter()
        .find(|(_, s)| s.id == "riktade-statsbidrag")
        .and_then(|(_, s)| match s.blocks.first() {
            Some(Block::Paragraph(p)) => Some(p.clone()),
            _ => None,
        })
        .unwrap();
    let carried: Amount = grants
        .iter()
        .filter(|g| {
            g.coming_years
                .as_deref()
                .is_some_and(|c| c.chars().filter(|ch| ch.is_ascii_digit()).count() >= 4)
        })
        .map(|g| g.remaining().unwrap().max(Amount::ZERO))
        .sum();
    let parts: Vec<Amount> = intro
        .numbers()
        .iter()
        .filter(|n| n.source.as_ref().is_some_and(|s| s.fact.contains("/kvar/")))
        .map(|n| n.value.amount().unwrap())
        .collect();
    assert!(parts.len() >= 2, "{}", intro.plain());
    {
        let total: Amount = parts.iter().copied().sum();
        assert_eq!(total, kvar, "{}", intro.plain());
        if !carried.is_zero() {
            assert!(parts.contains(&carried), "{}", intro.plain());
            assert!(intro.plain().contains("kan föras över till kommande år"));
        }
    }
    assert!(
        !intro.plain().contains("att återbetala eller föra över"),
        "{}",
        intro.plain()
    );

    // Queues: the cut-off month, totals = Σ rows, last year's column from the same month.
    let q = r.table("ej-verkstallda-beslut").unwrap();
    assert_eq!(q.caption, "Ej verkställda beslut aug 2025");
    let now: Vec<&Queue> = data
        .queues
        .iter()
        .filter(|q| q.month == YearMonth::new(2025, 8).unwrap())
        .collect();
    let total: i64 = now.iter().map(|q| q.total).sum();
    assert_eq!(cell(q, "summa", "t").value, Value::Number(total as f64));
    let last: i64 = data
        .queues
        .iter()
        .filter(|q| q.month == YearMonth::new(2024, 8).unwrap())
        .map(|q| q.total)
        .sum();
    assert_eq!(
        cell(q, "summa", "forandring").value,
        Value::Number((total - last) as f64)
    );
    // Daglig verksamhet has no breakdown by sex: its cells and the total's say i.u.
    assert_eq!(
        cell(q, "FSN-LSS-daglig-verksamhet", "k").value,
        Value::NoData
    );
    assert_eq!(cell(q, "summa", "k").value, Value::NoData);
    // The sentence repeats the total row.
    let sec = r
        .walk()
        .into_iter()
        .find(|(_, s)| s.id == "ej-verkstallda-beslut")
        .unwrap()
        .1;
    let Block::Paragraph(p) = &sec.blocks[0] else {
        panic!("sentence first")
    };
    let plain = p.plain();
    assert!(
        plain.starts_with(&format!("I slutet av augusti 2025 fanns {total} beslut")),
        "{plain}"
    );
    assert!(plain.contains("väntat mer än tre månader"), "{plain}");
    assert!(p.numbers().iter().all(|n| n.cell.is_some()));

    // Population: 2024 outcome against 2023 with the 2025 forecast; the band totals are the
    // facts the five-year summary shows.
    let b = r.table("befolkning").unwrap();
    let pop = |y: i32| -> i64 {
        data.population
            .iter()
            .filter(|p| p.year == y)
            .map(|p| p.total)
            .sum()
    };
    assert_eq!(
        cell(b, "totalt", "t").value,
        Value::Number(pop(2024) as f64)
    );
    assert_eq!(
        cell(b, "totalt", "fjol").value,
        Value::Number(pop(2023) as f64)
    );
    assert_eq!(
        cell(b, "totalt", "prognos").value,
        Value::Number(pop(2025) as f64)
    );
    assert!((140_000..170_000).contains(&pop(2024)), "{}", pop(2024));
    assert_eq!(
        cell(b, "ar-80", "t").source.as_ref().unwrap().fact,
        "befolkning/80–84/2024"
    );
    let five = r.table("femarsoversikt").unwrap();
    assert_eq!(
        cell(five, "befolkning-80", "2024").value,
        cell(b, "ar-80", "t").value
    );
    let sec = r
        .walk()
        .into_iter()
        .find(|(_, s)| s.id == "befolkning")
        .unwrap()
        .1;
    let Block::Paragraph(p) = &sec.blocks[0] else {
        panic!("sentence first")
    };
    assert!(
        p.plain().contains("Snabbast växer åldersgruppen 80–84 år"),
        "{}",
        p.plain()
    );
}

#[test]
fn broken_register_figures_are_caught_by_the_checks() {
    let data = registers();
    let mut r = register_chapters(&data);
    // A queue row whose women + men no longer make its total, and a population band that
    // no longer adds up to the total row: R9 and R2 report them.
    for s in r.sections.iter_mut() {
        for b in s.blocks.iter_mut() {
            if let Block::Table(t) = b {
                let key = match t.id.as_str() {
                    "ej-verkstallda-beslut" => "VON-SoL-sarskilt-boende",
                    "befolkning" => "ar-0",
                    _ => continue,
                };
                let ci = t.column("t").unwrap();
                let row = t.rows.iter_mut().find(|r| r.key == key).unwrap();
                let v = row.cells[ci].value.as_f64().unwrap() + 1.0;
                row.cells[ci] = Cell::new(Value::Number(v), &Format::Number { decimals: 0 });
            }
        }
    }
    let f = delar_report::check::check(&r);
    let has = |rule: &str, loc: &str| f.iter().any(|x| x.rule == rule && x.location.contains(loc));
    assert!(has("R9", "Ej verkställda beslut"), "{f:#?}");
    assert!(has("R2", "Ej verkställda beslut"), "{f:#?}");
    assert!(has("R2", "Befolkning"), "{f:#?}");
    assert!(has("R1", "Befolkning"), "{f:#?}");
}

#[test]
fn register_chapters_without_data_say_so() {
    let data = FollowupData::default();
    let r = register_chapters(&data);
    for id in ["riktade-statsbidrag", "ej-verkstallda-beslut", "befolkning"] {
        let s = r.walk().into_iter().find(|(_, s)| s.id == id).unwrap().1;
        assert!(
            matches!(&s.blocks[..], [Block::Paragraph(_)]),
            "{id}: {:?}",
            s.blocks
        );
    }
    // Grants without follow-up of their use: no use columns, only the amount is summed.
    let mut data = registers();
    for g in &mut data.grants {
        g.used_to_date = None;
        g.forecast_use = None;
    }
    let r = register_chapters(&data);
    let t = r.table("riktade-statsbidrag").unwrap();
    assert!(t.column("prognos").is_none() && t.column("kvar").is_none());
    assert!(delar_report::check::check(&r).is_empty());
}

#[test]
fn register_chapters_with_gaps_still_pass_the_checks() {
    // No queue figures for last year, an empty queue, no population outcome the year before,
    // and one grant whose use is not followed up: the cells say i.u., the totals of those
    // columns too, and the sentences leave out what they cannot say.
    let mut data = registers();
    data.queues.retain(|q| q.month.year() == 2025);
    data.queues[0].total = 0;
    data.queues[0].women = Some(0);
    data.queues[0].men = Some(0);
    data.queues[0].over_three_months = Some(0);
    data.queues[0].mean_wait_days = None;
    data.queues[0].median_wait_days = None;
    data.population.retain(|p| p.year != 2023);
    data.grants[1].used_to_date = None;
    data.grants[1].forecast_use = None;
    let r = register_chapters(&data);
    let findings = delar_report::check::check(&r);
    assert!(findings.is_empty(), "{findings:#?}");
    let q = r.table("ej-verkstallda-beslut").unwrap();
    assert_eq!(cell(q, "summa", "fjol").value, Value::NoData);
    assert_eq!(cell(q, "summa", "forandring").value, Value::NoData);
    let b = r.table("befolkning").unwrap();
    assert_eq!(cell(b, "totalt", "forandring-pct").value, Value::Empty);
    assert_eq!(cell(b, "totalt", "fjol").value, Value::NoData);
    let g = r.table("riktade-statsbidrag").unwrap();
    assert_eq!(cell(g, "summa", "kvar").value, Value::NoData);
    let plain = |id: &str| {
        let s = r.walk().into_iter().find(|(_, s)| s.id == id).unwrap().1;
        match &s.blocks[0] {
            Block::Paragraph(p) => p.plain(),
            other => panic!("{other:?}"),
        }
    };
    assert!(!plain("ej-verkstallda-beslut").contains("ett år tidigare"));
    assert!(!plain("befolkning").contains("Snabbast"));
    assert!(!plain("riktade-statsbidrag").contains("Enligt prognosen"));
}

#[test]
fn volume_counts_are_shown_without_decimals_and_averages_with_one() {
    let ym = |y, m| YearMonth::new(y, m).unwrap();
    let series = |code: &str, kind| VolumeSeries {
        code: code.into(),
        name: code.into(),
        unit: "st".into(),
        kind,
        responsible: "SN".into(),
        category: None,
        price_series: None,
    };
    let mut values = Vec::new();
    for y in 2021..=2025 {
        for m in 1..=12u8 {
            let month = ym(y, m);
            // Hours: whole numbers. Placed persons: an average that is not whole.
            values.push(VolumeValue {
                series: "timmar".into(),
                month,
                value: 1_000.0 + f64::from(m),
                comment: None,
            });
            values.push(VolumeValue {
                series: "placerade".into(),
                month,
                value: 40.0 + f64::from(m % 3),
                comment: None,
            });
        }
    }
    let s = volumes(
        &[
            series("timmar", VolumeKind::Flow),
            series("placerade", VolumeKind::Stock),
        ],
        &values,
        2025,
        ym(2025, 8),
        &[],
    );
    let t = s
        .blocks
        .iter()
        .find_map(|b| match b {
            Block::Table(t) => Some(t),
            _ => None,
        })
        .unwrap();
    let text = |row: &str, col: &str| {
        t.row(row).unwrap().cells[t.column(col).unwrap()]
            .text
            .clone()
    };
    assert_eq!(text("timmar", "2024"), "12\u{a0}078");
    assert_eq!(text("placerade", "2024"), "41,0");
    assert_eq!(text("placerade", "period"), "41,1");
}

#[test]
fn a_committees_five_year_summary_keeps_the_rows_that_concern_its_units() {
    let data = registers();
    let a = assess(&data, 2025, &data.values, &Rule::default());
    let scale = Scale::default();
    let cs = committees();
    let summary = |activities: &[String]| -> Vec<String> {
        let ctx = FollowupContext {
            data: &data,
            assessment: &a,
            scale: &scale,
            year: 2025,
            cutoff: YearMonth::new(2025, 8).unwrap(),
            committees: &cs,
            activities,
        };
        let r = report(vec![five_year_summary(&ctx, &economy())]);
        r.table("femarsoversikt")
            .unwrap()
            .rows
            .iter()
            .map(|r| r.key.clone())
            .collect()
    };
    let areas: Vec<String> = data
        .comparisons
        .iter()
        .map(|c| format!("kostnad-{}", crate::slug(&c.area)))
        .collect();
    let elderly = areas.iter().find(|a| a.contains("aldre")).unwrap().clone();
    let ifo = areas
        .iter()
        .find(|a| a.contains("individ"))
        .unwrap()
        .clone();
    // Unknown activities (the programme report): every area, the older age bands.
    let all = summary(&[]);
    assert!(all.contains(&elderly) && all.contains(&ifo), "{all:?}");
    assert!(all.iter().any(|k| k == "befolkning-80"), "{all:?}");
    // Social services only (barn och unga, ekonomiskt bistånd): no care of the elderly, no
    // older age bands; the whole population instead.
    let sn = summary(&["569".to_string(), "575".to_string()]);
    assert!(sn.contains(&ifo), "{sn:?}");
    assert!(!sn.contains(&elderly), "{sn:?}");
    assert!(!sn.iter().any(|k| k == "befolkning-80"), "{sn:?}");
    assert!(sn.iter().any(|k| k == "befolkning-totalt"), "{sn:?}");
    // Home care: the elderly rows, not social services.
    let von = summary(&["511".to_string()]);
    assert!(von.contains(&elderly) && !von.contains(&ifo), "{von:?}");
    assert!(von.iter().any(|k| k == "befolkning-80"), "{von:?}");
}

#[test]
fn the_turnover_of_part_of_a_year_is_annualised_to_compare_with_last_year() {
    let (data, _, b) = build();
    let r = report(b.sections);
    let t = r.table("personal-nyckeltal").unwrap();
    let ci = t.column("omsattning").unwrap();
    let cutoff = YearMonth::new(2025, 8).unwrap();
    let december = YearMonth::new(2024, 12).unwrap();
    let mut compared = 0;
    for s in data
        .staff
        .iter()
        .filter(|s| s.month == cutoff || s.month == december)
    {
        let Some(row) = t.row(&format!("{}-{}", s.committee, s.month)) else {
            continue;
        };
        let factor = if s.month == cutoff { 12.0 / 8.0 } else { 1.0 };
        let shown = match row.cells[ci].value {
            Value::Ratio(x) => x * 100.0,
            ref v => panic!("{v:?}"),
        };
        assert!(
            (shown - s.turnover.unwrap() * factor).abs() < 1e-9,
            "{} {}: {shown}",
            s.committee,
            s.month
        );
        compared += 1;
    }
    assert!(compared >= 4, "{compared}");
    assert!(t
        .notes
        .iter()
        .any(|n| n.contains("omräknad till helår (× 12/8)")));
}
