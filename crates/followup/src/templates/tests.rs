//! Round trips (property tests) and bad rows for every template.

use super::*;
use crate::model::*;
use proptest::option;
use proptest::prelude::*;

fn table(csv: &str, file: &str) -> Table {
    Table::from_csv(csv.as_bytes(), file).expect("readable CSV")
}

fn roundtrip<T: Template + PartialEq + std::fmt::Debug>(rows: &[T]) {
    let csv = write_csv(rows);
    let t = table(&csv, "x.csv");
    let back = parse::<T>(&t).unwrap_or_else(|e| panic!("{csv}\n{e:?}"));
    assert_eq!(back, rows, "{csv}");
}

fn text() -> impl Strategy<Value = String> {
    "[A-Za-zÅÄÖåäö0-9][A-Za-zÅÄÖåäö0-9 ,;\"()%/–-]{0,24}[A-Za-zÅÄÖåäö0-9)]"
}
fn code() -> impl Strategy<Value = String> {
    "[A-ZÅÄÖ][A-Z0-9-]{0,6}[0-9]"
}
fn otext() -> impl Strategy<Value = Option<String>> {
    option::of(text())
}
fn year() -> impl Strategy<Value = i32> {
    1990i32..2100
}
fn month() -> impl Strategy<Value = YearMonth> {
    (year(), 1u8..=12).prop_map(|(y, m)| YearMonth::new(y, m).unwrap())
}
fn number() -> impl Strategy<Value = f64> {
    (-1_000_000_000i64..1_000_000_000, 0u32..4).prop_map(|(n, d)| n as f64 / 10f64.powi(d as i32))
}
fn onumber() -> impl Strategy<Value = Option<f64>> {
    option::of(number())
}
fn amount() -> impl Strategy<Value = Amount> {
    (-100_000_000_000_000i64..100_000_000_000_000).prop_map(Amount::from_ore)
}
fn word<W: Word + std::fmt::Debug>() -> impl Strategy<Value = W> {
    proptest::sample::select(W::ALL)
}
fn kmt() -> impl Strategy<Value = Kmt> {
    (onumber(), onumber(), number()).prop_map(|(w, m, t)| Kmt {
        women: w,
        men: m,
        total: Some(t),
    })
}

prop_compose! {
    fn goal()(year in year(), level in word::<GoalLevel>(), code in code(), name in text(),
              parent in code(), committee in code(), cluster in otext(), description in otext())
              -> Goal {
        Goal {
            year, code, level, name,
            parent: (level != GoalLevel::Area).then_some(parent),
            committee: (level == GoalLevel::Committee).then_some(committee),
            cluster, description,
        }
    }
}

prop_compose! {
    fn indicator()(code in code(), name in text(), goal in code(), committee in option::of(code()),
                   unit in text(), decimals in 0u8..4, measure in word::<MeasureKind>(),
                   pk in word::<PolarityKind>(), a in number(), b in number(), by_sex in any::<bool>(),
                   source in word::<SourceKind>(), source_id in otext(),
                   publication_month in option::of(1u8..=12), definition in otext()) -> Indicator {
        let polarity = match pk {
            PolarityKind::Higher => Polarity::Higher,
            PolarityKind::Lower => Polarity::Lower,
            PolarityKind::Neutral => Polarity::Neutral,
            PolarityKind::Ceiling => Polarity::Ceiling(a),
            PolarityKind::Floor => Polarity::Floor(a),
            PolarityKind::Range => Polarity::Range(a.min(b), a.max(b)),
        };
        Indicator { code, name, goal, committee, unit, decimals, measure, definition, source,
                    source_id, publication_month, polarity, by_sex }
    }
}

prop_compose! {
    fn value()(indicator in code(), year in year(), kw in word::<ValueKindWord>(), m in 1u8..=12,
               fig in 0u8..3, k in kmt(), w in word::<Trend>(), comment in otext()) -> IndicatorValue {
        let kind = match kw {
            ValueKindWord::Outcome => ValueKind::Outcome,
            ValueKindWord::ToDate => ValueKind::ToDate(YearMonth::new(year, m).unwrap()),
            ValueKindWord::Forecast => ValueKind::Forecast,
            ValueKindWord::Target => ValueKind::Target,
        };
        let figure = match fig {
            0 => Figure::NoData,
            1 => Figure::Number(k),
            _ if matches!(kind, ValueKind::Forecast | ValueKind::Target) => Figure::Word(w),
            _ => Figure::Number(k),
        };
        IndicatorValue { indicator, year, kind, figure, comment }
    }
}

prop_compose! {
    fn commitment()(year in year(), committee in code(), code in code(),
                    kind in word::<CommitmentKind>(), name in text(), goal in option::of(code()),
                    flags in proptest::sample::subsequence(CommitmentFlag::ALL.to_vec(), 1..=3),
                    cur in word::<AssignmentStatus>(), fc in word::<AssignmentStatus>(),
                    comment in otext()) -> Commitment {
        let status = if kind == CommitmentKind::Commitment {
            CommitmentStatus::Flags(flags)
        } else {
            CommitmentStatus::Progress { current: cur, forecast: fc }
        };
        Commitment { year, committee, code, kind, name, goal, status, comment }
    }
}

prop_compose! {
    fn staff()(month in month(), committee in code(), fte in number(), h in kmt(), s in kmt(),
               k in kmt(), a in onumber(), b in onumber(), c in onumber(), d in onumber())
               -> StaffFigures {
        StaffFigures { month, committee, fte, headcount: h, sick_leave: s, short_sick_leave: k,
                       full_time_share: a, hourly_paid_share: b, turnover: c,
                       employees_per_manager: d }
    }
}

prop_compose! {
    fn band()(from in 0u8..100, len in option::of(0u8..20)) -> AgeBand {
        AgeBand { from, to: len.map(|l| from.saturating_add(l)) }
    }
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(64))]

    #[test]
    fn goals_roundtrip(rows in proptest::collection::vec(goal(), 0..6)) { roundtrip(&rows); }

    #[test]
    fn classifications_roundtrip(rows in proptest::collection::vec(
        (year(), code(), code(), word::<GoalClassKind>(), text()).prop_map(|(year, committee, goal, kind, r)| {
            GoalClassification { year, committee, goal, kind, reason: Some(r) }
        }), 0..6)) { roundtrip(&rows); }

    #[test]
    fn texts_roundtrip(rows in proptest::collection::vec(
        (year(), code(), code(), word::<GoalTextKind>(), text()).prop_map(|(year, committee, goal, kind, text)| {
            GoalText { year, committee, goal, kind, text }
        }), 0..6)) { roundtrip(&rows); }

    #[test]
    fn indicators_roundtrip(rows in proptest::collection::vec(indicator(), 0..6)) { roundtrip(&rows); }

    #[test]
    fn values_roundtrip(rows in proptest::collection::vec(value(), 0..8)) { roundtrip(&rows); }

    #[test]
    fn commitments_roundtrip(rows in proptest::collection::vec(commitment(), 0..6)) { roundtrip(&rows); }

    #[test]
    fn efficiency_roundtrip(rows in proptest::collection::vec(
        (month(), code(), code(), text(), option::of(code()), option::of(code()), amount(),
         option::of(amount()), option::of(amount()), amount(), otext())
        .prop_map(|(month, committee, code, name, account_group, ansvar, planned, to_date, forecast, carried_over, comment)| {
            EfficiencyMeasure { month, committee, code, name, account_group, ansvar, planned,
                                to_date, forecast, carried_over, comment }
        }), 0..6)) { roundtrip(&rows); }

    #[test]
    fn investments_roundtrip(rows in proptest::collection::vec(
        (month(), code(), code(), text(), otext(), amount(), amount(), amount(),
         word::<InvestmentStatus>(), otext())
        .prop_map(|(month, committee, project, name, category, budget, outcome, forecast, status, comment)| {
            Investment { month, committee, project, name, category, budget, outcome, forecast,
                         status, comment }
        }), 0..6)) { roundtrip(&rows); }

    #[test]
    fn staff_roundtrip(rows in proptest::collection::vec(staff(), 0..6)) { roundtrip(&rows); }

    #[test]
    fn events_roundtrip(rows in proptest::collection::vec(
        (year(), 1u8..=12, 1u8..=28, code(), code(), word::<EventKind>(), otext(), text(), otext(),
         option::of(amount()), option::of(code()))
        .prop_map(|(y, m, d, committee, code, kind, area, title, description, impact, adjustment)| {
            Event { date: Date::new(y, m, d).unwrap(), committee, code, kind, area, title,
                    description, impact, adjustment }
        }), 0..6)) { roundtrip(&rows); }

    #[test]
    fn grants_roundtrip(rows in proptest::collection::vec(
        (year(), code(), code(), text(), amount(), any::<bool>(), any::<bool>(), otext(), otext(),
         option::of(amount()), option::of(amount()))
        .prop_map(|(year, committee, code, name, amount, report_back, repayable, coming_years, comment,
                    used_to_date, forecast_use)| {
            StateGrant { year, committee, code, name, amount, report_back, repayable,
                         coming_years, comment, used_to_date, forecast_use }
        }), 0..6)) { roundtrip(&rows); }

    #[test]
    fn queues_roundtrip(rows in proptest::collection::vec(
        (month(), code(), word::<Law>(), text(), option::of((0i64..5_000, 0i64..5_000)),
         0i64..10_000, 0i64..2, 0i64..3, option::of(0u32..100_000), option::of(0u32..100_000),
         otext())
        .prop_map(|(month, committee, law, decision, split, t, with_total, over, mean, median,
                    comment)| {
            let (women, men, total) = match split {
                Some((w, m)) => (Some(w), Some(m), w + m),
                None => (None, None, t),
            };
            Queue {
                month, committee, law, decision, women, men, total,
                over_three_months: (with_total == 1).then_some(total / (over + 1)),
                mean_wait_days: mean.map(|d| d as f64 / 10.0),
                median_wait_days: median.map(|d| d as f64),
                comment,
            }
        }), 0..6)) { roundtrip(&rows); }

    #[test]
    fn population_roundtrip(rows in proptest::collection::vec(
        (year(), word::<Basis>(), band(), 0i64..10_000_000, 0i64..10_000_000, 0i64..20_000_000)
        .prop_map(|(year, basis, band, women, men, total)| {
            Population { year, basis, band, women, men, total }
        }), 0..6)) { roundtrip(&rows); }

    #[test]
    fn comparisons_roundtrip(rows in proptest::collection::vec(
        (year(), text(), option::of(code()), text(), any::<bool>(), option::of(amount()), onumber())
        .prop_map(|(year, area, kolada_id, municipality, own, cost_per_inhabitant, net_cost_deviation)| {
            Comparison { year, area, kolada_id, municipality, own, cost_per_inhabitant,
                         net_cost_deviation }
        }), 0..6)) { roundtrip(&rows); }

    /// Arbitrary cells never panic a parser: they give rows or errors with file and row.
    #[test]
    fn arbitrary_cells_never_panic(cells in proptest::collection::vec("[^\n\r]{0,12}", 16)) {
        let mut data = FollowupData::default();
        for reg in REGISTERS {
            let header: Vec<&str> = header_of(reg);
            let row: Vec<String> = cells.iter().take(header.len()).map(|c| c.replace(['"', ';'], "")).collect();
            let csv = format!("{}\n{}\n", header.join(";"), row.join(";"));
            let t = table(&csv, "f.csv");
            if let Err(errs) = parse_into(reg, &t, &mut data) {
                for e in errs {
                    prop_assert_eq!(e.file.as_str(), "f.csv");
                    prop_assert!(e.line == 2 || e.line == 0);
                }
            }
        }
    }
}

fn header_of(reg: &str) -> Vec<&'static str> {
    macro_rules! header {
        ($(($t:ty, $f:ident)),* $(,)?) => {
            $(
                if reg == <$t as Template>::NAME {
                    return <$t as Template>::COLUMNS.iter().map(|(n, _)| *n).collect();
                }
            )*
        };
    }
    crate::for_each_register!(header);
    panic!("unknown register {reg}")
}

fn errors<T: Template + std::fmt::Debug>(csv: &str) -> Vec<String> {
    let t = table(csv, "mall.csv");
    parse::<T>(&t)
        .expect_err("should fail")
        .iter()
        .map(|e| e.to_string())
        .collect()
}

#[test]
fn values_read_swedish_notation_words_and_no_data() {
    let csv = "Indikator;År;Typ;Månad;Kvinnor;Män;Totalt;Kommentar\n\
               IND1;2024;utfall;;89;90;89;\n\
               IND1;2025;hittills;2025-08;87,5;90;88,2;delår\n\
               IND1;2025;prognos;;;;Ökar;\n\
               IND1;2025;mål;;;;Öka;\n\
               IND2;2025;mål;;;;+/−0;\n\
               IND3;2023;utfall;;;;i.u.;ingen enkät\n\
               IND4;2024;utfall;;;;1 234,5;\n";
    let v = parse::<IndicatorValue>(&table(csv, "v.csv")).unwrap();
    assert_eq!(v.len(), 7);
    assert_eq!(v[0].figure, Figure::Number(Kmt::new(89.0, 90.0, 89.0)));
    assert_eq!(
        v[1].kind,
        ValueKind::ToDate(YearMonth::new(2025, 8).unwrap())
    );
    assert_eq!(v[2].figure, Figure::Word(Trend::Increase));
    assert_eq!(v[3].figure, Figure::Word(Trend::Increase));
    assert_eq!(v[4].figure, Figure::Word(Trend::Zero));
    assert_eq!(v[5].figure, Figure::NoData);
    assert_eq!(v[6].figure, Figure::Number(Kmt::total(1234.5)));
}

#[test]
fn values_collect_every_bad_row_with_row_and_column() {
    let csv = "indikator;år;typ;månad;kvinnor;män;totalt\n\
               IND1;2024;utfall;;;;Ökar\n\
               IND1;20x4;utfal;;;;5\n\
               IND1;2025;hittills;;;;5\n\
               IND1;2025;prognos;;;;kanske\n\
               IND1;2025;prognos;;;;\n";
    let e = errors::<IndicatorValue>(csv);
    assert!(
        e[0].starts_with("mall.csv, rad 2, kolumn \"totalt\""),
        "{e:?}"
    );
    assert!(e[0].contains("riktningsord"));
    assert!(
        e.iter().any(|m| m.contains("rad 3, kolumn \"år\"")),
        "{e:?}"
    );
    assert!(
        e.iter()
            .any(|m| m.contains("rad 3, kolumn \"typ\"") && m.contains("Välj ett av")),
        "{e:?}"
    );
    assert!(
        e.iter().any(|m| m.contains("rad 4, kolumn \"månad\"")),
        "{e:?}"
    );
    assert!(
        e.iter()
            .any(|m| m.contains("rad 5") && m.contains("kanske")),
        "{e:?}"
    );
    assert!(
        e.iter().any(|m| m.contains("rad 6") && m.contains("i.u.")),
        "{e:?}"
    );
}

#[test]
fn missing_required_columns_are_all_named() {
    let e = errors::<Investment>("månad;nämnd;namn\n2025-08;SN;X\n");
    for c in ["projekt", "budget", "utfall", "prognos", "status"] {
        assert!(
            e.iter().any(|m| m.contains(&format!("\"{c}\" saknas"))),
            "{c}: {e:?}"
        );
    }
}

#[test]
fn commitment_status_scales() {
    let csv = "år;nämnd;kod;typ;namn;mål;status;prognos;kommentar\n\
               2025;SN;A1;åtagande;Miljöprogrammet;;Pågår;;\n\
               2025;SN;A2;åtagande;Digitalisering;;Pågår, behöver stöd;;\n\
               2025;SN;U1;strategiskt uppdrag;Heltidsresan;;Pågår;Genomfört;\n";
    let v = parse::<Commitment>(&table(csv, "u.csv")).unwrap();
    assert_eq!(
        v[1].status,
        CommitmentStatus::Flags(vec![CommitmentFlag::Ongoing, CommitmentFlag::NeedsSupport])
    );
    assert_eq!(
        v[2].status,
        CommitmentStatus::Progress {
            current: AssignmentStatus::Ongoing,
            forecast: AssignmentStatus::Done
        }
    );
    let e = errors::<Commitment>(
        "år;nämnd;kod;typ;namn;status;prognos\n\
         2025;SN;A1;åtagande;X;Pågår, Klar;\n\
         2025;SN;U1;strategiskt uppdrag;Y;Planeras;\n\
         2025;SN;U2;projekt;Z;Pågår;Pågår\n",
    );
    assert!(
        e.iter()
            .any(|m| m.contains("rad 2") && m.contains("\"Klar\"")),
        "{e:?}"
    );
    assert!(
        e.iter()
            .any(|m| m.contains("rad 3, kolumn \"status\"")
                && m.contains("Genomfört, Pågår, Kvarstår")),
        "{e:?}"
    );
    assert!(
        e.iter().any(|m| m.contains("rad 3, kolumn \"prognos\"")),
        "{e:?}"
    );
    assert!(
        e.iter().any(|m| m.contains("rad 4, kolumn \"typ\"")),
        "{e:?}"
    );
}

#[test]
fn indicator_polarity_needs_its_limits() {
    let head = "kod;namn;mål;enhet;mått;polaritet;gräns;övre gräns;källa\n";
    let ok = parse::<Indicator>(&table(
        &format!("{head}I1;Felmedicinering;N1;%;andel;tak;1;;intern\nI2;Beläggning;N1;%;andel;intervall;95;98;intern\n"),
        "i.csv",
    ))
    .unwrap();
    assert_eq!(ok[0].polarity, Polarity::Ceiling(1.0));
    assert_eq!(ok[1].polarity, Polarity::Range(95.0, 98.0));
    let e = errors::<Indicator>(&format!(
        "{head}I1;X;N1;%;andel;tak;;;intern\nI2;Y;N1;%;andel;intervall;98;95;intern\nI3;Z;N1;%;procent;högre;;;kolada\n"
    ));
    assert!(
        e.iter().any(|m| m.contains("rad 2, kolumn \"gräns\"")),
        "{e:?}"
    );
    assert!(
        e.iter().any(|m| m.contains("rad 3, kolumn \"övre gräns\"")),
        "{e:?}"
    );
    assert!(
        e.iter().any(|m| m.contains("rad 4, kolumn \"mått\"")),
        "{e:?}"
    );
}

#[test]
fn not_relevant_needs_a_reason_and_bands_must_read() {
    let e = errors::<GoalClassification>(
        "år;nämnd;mål;klassning;motivering\n2025;SN;KF5;ej relevant;\n",
    );
    assert!(e[0].contains("rad 2, kolumn \"motivering\""), "{e:?}");
    let e = errors::<Population>(
        "år;åldersgrupp;kvinnor;män;totalt\n2025;gamla;1;2;3\n2025;80-84;1,5;2;3\n",
    );
    assert!(e[0].contains("rad 2, kolumn \"åldersgrupp\""), "{e:?}");
    assert!(
        e[1].contains("rad 3, kolumn \"kvinnor\"") && e[1].contains("heltal"),
        "{e:?}"
    );
}

#[test]
fn grants_accept_checkbox_flags_and_amounts() {
    let csv = "år;nämnd;kod;benämning;belopp;återrapportering;återbetalning;kommande år\n\
               2025;PN;SB1;Äldreomsorgslyftet;22 900 000;X;-;2026\n\
               2025;PN;SB2;God och nära vård;6 500 000,50;;;\n";
    let g = parse::<StateGrant>(&table(csv, "s.csv")).unwrap();
    assert!(g[0].report_back && !g[0].repayable);
    assert_eq!(g[1].amount, Amount::from_ore(650_000_050));
    let e = errors::<StateGrant>(
        "år;nämnd;kod;benämning;belopp;återrapportering\n2025;PN;S;X;12 mnkr;kanske\n",
    );
    assert!(e.iter().any(|m| m.contains("kolumn \"belopp\"")), "{e:?}");
    assert!(
        e.iter().any(|m| m.contains("kolumn \"återrapportering\"")),
        "{e:?}"
    );
}

#[test]
fn grants_read_use_to_date_and_forecast() {
    let csv = "år;nämnd;kod;benämning;belopp;förbrukat hittills;prognos förbrukning\n\
               2025;VON;SB4;Äldreomsorgslyftet;22 900 000;14 100 000;21 300 000\n\
               2025;PN;SB1;God vård;54 000 000;;\n";
    let g = parse::<StateGrant>(&table(csv, "s.csv")).unwrap();
    assert_eq!(g[0].used_to_date, Amount::from_kr(14_100_000));
    assert_eq!(g[0].remaining(), Amount::from_kr(1_600_000));
    assert_eq!(g[1].forecast_use, None);
    assert_eq!(g[1].remaining(), None);
}

#[test]
fn queues_read_counts_by_sex_and_waiting_times() {
    let csv = "månad;nämnd;lagrum;insats;kvinnor;män;totalt;varav över tre månader;\
               medelväntetid dagar;medianväntetid dagar;kommentar\n\
               2025-08;VON;SoL;Särskilt boende;38;21;59;17;74,5;61;\n\
               2025-08;FSN;lss;Bostad med särskild service;;;42;30;i.u.;;väntar på nybyggnation\n";
    let q = parse::<Queue>(&table(csv, "koer.csv")).unwrap();
    assert_eq!(q.len(), 2);
    assert_eq!((q[0].women, q[0].men, q[0].total), (Some(38), Some(21), 59));
    assert_eq!(q[0].over_three_months, Some(17));
    assert_eq!(q[0].mean_wait_days, Some(74.5));
    assert_eq!(q[1].law, Law::Lss);
    assert_eq!((q[1].women, q[1].men), (None, None));
    assert_eq!(q[1].mean_wait_days, None);
    assert_eq!(q[1].comment.as_deref(), Some("väntar på nybyggnation"));
}

#[test]
fn queues_reject_bad_rows_with_file_row_and_column() {
    let e = errors::<Queue>(
        "månad;nämnd;lagrum;insats;kvinnor;män;totalt;varav över tre månader;medelväntetid dagar\n\
         2025-08;VON;SoL;Särskilt boende;38;20;59;;\n\
         2025-08;VON;SoL;Hemtjänst;3;;3;;\n\
         2025-08;FSN;LSS;Daglig verksamhet;;;12;13;\n\
         2025-08;FSN;HSL;Korttidsvistelse;;;2,5;;-4\n\
         2025-8x;SN;SoL;Kontaktperson;;;;;\n",
    );
    let has = |needle: &[&str]| e.iter().any(|m| needle.iter().all(|n| m.contains(n)));
    assert!(
        has(&["mall.csv, rad 2, kolumn \"totalt\"", "38 + 20 = 58", "59"]),
        "{e:?}"
    );
    assert!(has(&["rad 3, kolumn \"män\"", "Fyll i båda"]), "{e:?}");
    assert!(
        has(&[
            "rad 4, kolumn \"varav över tre månader\"",
            "större än totalt"
        ]),
        "{e:?}"
    );
    assert!(has(&["rad 5, kolumn \"lagrum\"", "SoL, LSS"]), "{e:?}");
    assert!(has(&["rad 5, kolumn \"totalt\"", "antal"]), "{e:?}");
    assert!(
        has(&["rad 5, kolumn \"medelväntetid dagar\"", "negativ"]),
        "{e:?}"
    );
    assert!(has(&["rad 6, kolumn \"månad\""]), "{e:?}");
    assert!(has(&["rad 6, kolumn \"totalt\"", "saknas"]), "{e:?}");
    assert!(e.iter().all(|m| m.starts_with("mall.csv, rad ")), "{e:?}");
}

#[test]
fn xlsx_columns_match_without_swedish_letters() {
    // Column names typed without å/ä/ö and in another case still match.
    let csv = "AR;NAMND;MAL;KLASSNING;MOTIVERING\n2025;VON;KF2;grunduppdrag;\n";
    let v = parse::<GoalClassification>(&table(csv, "k.csv")).unwrap();
    assert_eq!(v[0].kind, GoalClassKind::BasicMission);
}

/// Every example in docs/IMPORT.md ("Uppföljningsregister") reads without errors.
#[test]
fn documented_examples_parse() {
    let doc = include_str!("../../../../docs/IMPORT.md");
    let section = &doc[doc.find("## Uppföljningsregister").expect("section")..];
    let mut parsed = 0;
    for block in section.split("```").skip(1).step_by(2) {
        let block = block.trim_start_matches('\n');
        let header = block.lines().next().unwrap_or("");
        let Some(reg) = REGISTERS.iter().find(|r| header_of(r).join(";") == header) else {
            continue;
        };
        let mut data = FollowupData::default();
        let t = table(block, &format!("{reg}.csv"));
        let n = parse_into(reg, &t, &mut data).unwrap_or_else(|e| panic!("{reg}: {e:?}"));
        assert!(n > 0, "{reg}");
        assert!(crate::validate::validate_staff(&data.staff).is_empty());
        assert!(crate::validate::validate_population(&data.population).is_empty());
        parsed += 1;
    }
    assert_eq!(parsed, REGISTERS.len());
}

#[test]
fn an_indicators_source_may_name_the_register_and_its_measure_in_one_cell() {
    let csv = "kod;namn;mål;nämnd;enhet;decimaler;mått;polaritet;källa;källid\n\
               VON07;Sjukfrånvaro (%);VON2;VON;%;1;andel;lägre;personal:sjukfranvaro;\n\
               VON08;Heltid (%);VON2;VON;%;0;andel;högre;personal;heltid\n\
               PN07;Ej verkställda;PN3;VON;antal;0;antal;lägre;köer:ej_verkstallda_sol;\n\
               X1;Fel;PN3;VON;antal;0;antal;lägre;lönesystem:x;\n";
    let t = table(csv, "indikatorer.csv");
    let errors = parse::<Indicator>(&t).unwrap_err();
    assert_eq!(errors.len(), 1, "{errors:?}");
    assert_eq!(errors[0].line, 5);
    assert!(
        errors[0].message.contains("lönesystem"),
        "{}",
        errors[0].message
    );
    let ok = table(
        &csv.lines().take(4).collect::<Vec<_>>().join("\n"),
        "indikatorer.csv",
    );
    let rows = parse::<Indicator>(&ok).unwrap();
    let src: Vec<(SourceKind, Option<&str>)> = rows
        .iter()
        .map(|i| (i.source, i.source_id.as_deref()))
        .collect();
    assert_eq!(
        src,
        vec![
            (SourceKind::Staff, Some("sjukfranvaro")),
            (SourceKind::Staff, Some("heltid")),
            (SourceKind::Queues, Some("ej_verkstallda_sol")),
        ]
    );
}
