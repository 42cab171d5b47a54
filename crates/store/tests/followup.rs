//! Follow-up registers in the store: migration, import, replacement, queries, bad input.

#[macro_use]
mod common;

use delar_followup::model::*;
use delar_store::{BatchStatus, FollowupError, FollowupFilter, ImportStatus, SqliteStore, Store};
use delar_tabular::Table;
use std::io::Write;

fn table(csv: &str, name: &str) -> Table {
    Table::from_csv(csv.as_bytes(), name).unwrap()
}

fn import(s: &mut SqliteStore, reg: &str, csv: &str, name: &str) -> delar_store::FollowupReport {
    let sha = format!(
        "{:x}",
        csv.len() * 31 + csv.bytes().map(|b| b as usize).sum::<usize>()
    );
    s.import_followup_table(reg, &table(csv, name), &sha)
        .unwrap_or_else(|e| panic!("{e}"))
}

const STAFF: &str = "nämnd;månad;årsarbetare;anställda kvinnor;anställda män;anställda totalt;\
sjukfrånvaro kvinnor;sjukfrånvaro män;sjukfrånvaro totalt;andel heltid\n\
SN;2025-08;410,5;330;90;420;7,9;4,1;7,1;81,5\n\
VON;2025-08;2 350;2 100;420;2 520;9,6;6,2;9,0;64\n\
SN;2024-12;402;320;88;408;8,1;4,3;7,3;80\n";

both! {
#[test]
fn fresh_store_has_migration_3_and_empty_registers() {
    let s = common::store();
    assert_eq!(
        s.schema_version().unwrap(),
        delar_store::schema::MIGRATIONS.last().unwrap().version
    );
    assert!(s.migrations_applied().contains(&3));
    let counts = s.followup_table_counts().unwrap();
    assert_eq!(counts.len(), 15);
    assert!(s.migrations_applied().contains(&7));
    assert!(counts.iter().all(|(_, n)| *n == 0));
}
}

both! {
#[test]
fn import_query_and_replace_per_year_and_committee() {
    let mut s = common::store();
    let r = import(&mut s, "personal", STAFF, "personal.csv");
    assert_eq!(r.status, ImportStatus::Imported);
    assert_eq!(r.rows, 3);
    assert_eq!(r.scopes, vec!["2024|SN", "2025|SN", "2025|VON"]);
    let all: Vec<StaffFigures> = s.followup_rows(&FollowupFilter::default()).unwrap();
    assert_eq!(all.len(), 3);
    assert_eq!(all[1].headcount, Kmt::new(2100.0, 420.0, 2520.0));
    assert_eq!(all[1].fte, 2350.0);
    let sn25: Vec<StaffFigures> = s
        .followup_rows(&FollowupFilter {
            year: Some(2025),
            committee: Some("SN".into()),
        })
        .unwrap();
    assert_eq!(sn25.len(), 1);
    assert_eq!(sn25[0].sick_leave, Kmt::new(7.9, 4.1, 7.1));

    // The same file again: nothing changes.
    let again = import(&mut s, "personal", STAFF, "personal.csv");
    assert_eq!(again.status, ImportStatus::Unchanged);
    assert_eq!(again.batch_id, r.batch_id);

    // A corrected file for SN 2025 replaces SN 2025 only.
    let fix = "nämnd;månad;årsarbetare;anställda totalt\nSN;2025-08;412;421\n";
    let r2 = import(&mut s, "personal", fix, "personal-sn.csv");
    assert_eq!(r2.status, ImportStatus::Replaced);
    assert_eq!(r2.rows_replaced, 1);
    assert_eq!(r2.replaced_batches, vec![r.batch_id]);
    let all: Vec<StaffFigures> = s.followup_rows(&FollowupFilter::default()).unwrap();
    assert_eq!(all.len(), 3);
    let sn: Vec<&StaffFigures> = all
        .iter()
        .filter(|x| x.committee == "SN" && x.month.year() == 2025)
        .collect();
    assert_eq!(sn.len(), 1);
    assert_eq!(sn[0].fte, 412.0);
    assert_eq!(sn[0].sick_leave, Kmt::default());
    // The first batch still holds VON and SN 2024: active.
    let b = s.batches().unwrap();
    assert_eq!(b.len(), 2);
    assert_eq!(b[0].status, BatchStatus::Active);
    assert_eq!(b[0].source, "personal");

    // Re-importing the whole first file replaces everything of batch 2 and the rest of 1.
    let mut changed = STAFF.to_string();
    changed.push_str("FSN;2025-08;900;700;250;950;8;5;7,2;70\n");
    let r3 = import(&mut s, "personal", &changed, "personal.csv");
    assert_eq!(r3.rows_replaced, 3);
    let b = s.batches().unwrap();
    assert_eq!(b[0].status, BatchStatus::Replaced);
    assert_eq!(b[1].status, BatchStatus::Replaced);
    assert_eq!(b[1].replaced_by, Some(r3.batch_id));
    assert_eq!(b[2].status, BatchStatus::Active);
    let n: Vec<StaffFigures> = s.followup_rows(&FollowupFilter::default()).unwrap();
    assert_eq!(n.len(), 4);
}
}

both! {
#[test]
fn bad_rows_change_nothing_and_name_row_and_column() {
    let mut s = common::store();
    import(&mut s, "personal", STAFF, "personal.csv");
    let before = s.followup_table_counts().unwrap();
    let bad = "nämnd;månad;årsarbetare;anställda totalt\nSN;2025-13;412;421\nVON;2025-08;många;3\n";
    let e = s
        .import_followup_table("personal", &table(bad, "p.csv"), "x")
        .unwrap_err();
    let msg = e.to_string();
    assert!(msg.contains("p.csv, rad 2, kolumn \"månad\""), "{msg}");
    assert!(
        msg.contains("p.csv, rad 3, kolumn \"årsarbetare\""),
        "{msg}"
    );
    assert!(msg.contains("ingenting importerades"), "{msg}");
    assert_eq!(s.followup_table_counts().unwrap(), before);
    assert_eq!(s.batches().unwrap().len(), 1);
}
}

both! {
#[test]
fn contradictory_rows_roll_back() {
    let mut s = common::store();
    let pop = "år;åldersgrupp;kvinnor;män;totalt\n2025;0–19;17 000;18 000;35 000\n2025;20–64;44 000;45 000;90 000\n";
    let e = s
        .import_followup_table("befolkning", &table(pop, "befolkning.csv"), "y")
        .unwrap_err();
    match &e {
        FollowupError::Invalid { findings, .. } => {
            assert_eq!(findings.len(), 1);
            assert_eq!(findings[0].code, "kmt-sum");
            assert!(
                findings[0].message.contains("89000"),
                "{}",
                findings[0].message
            );
        }
        other => panic!("{other}"),
    }
    assert!(s
        .followup_table_counts()
        .unwrap()
        .iter()
        .all(|(_, n)| *n == 0));
    assert!(s.batches().unwrap().is_empty());
}
}

both! {
#[test]
fn cross_register_gaps_are_warnings_and_everything_reads_back() {
    let mut s = common::store();
    let goals = "år;nivå;kod;namn;överordnad;nämnd\n\
                 2025;målområde;MO1;Ett tryggt liv;;\n\
                 2025;kf-mål;KF1;Trygg vård;MO1;\n\
                 2025;nämndmål;SN1;Fler barn i egen regi;KF1;SN\n";
    let r = import(&mut s, "mal", goals, "mal.csv");
    let codes: Vec<&str> = r.warnings.iter().map(|f| f.code).collect();
    assert_eq!(codes, vec!["goal-without-indicators", "goal-without-text"]);
    import(
        &mut s,
        "indikatorer",
        "kod;namn;mål;nämnd;enhet;decimaler;mått;polaritet;gräns;källa;källid;per kön\n\
         I1;Trygghet;SN1;SN;%;0;andel;golv;85;kolada;U33400;ja\n",
        "indikatorer.csv",
    );
    import(
        &mut s,
        "indikatorvarden",
        "indikator;år;typ;månad;kvinnor;män;totalt\n\
         I1;2025;hittills;2025-08;88;86;87\nI1;2025;prognos;;;;Ökar\nI1;2025;mål;;;;90\n",
        "v.csv",
    );
    import(
        &mut s,
        "maltexter",
        "år;nämnd;mål;typ;text\n2025;SN;MO1;sammanfattande analys;Bra.\n",
        "t.csv",
    );
    let d = s.followup(&FollowupFilter::default()).unwrap();
    assert_eq!(d.goals.len(), 3);
    assert_eq!(d.indicators[0].polarity, Polarity::Floor(85.0));
    assert_eq!(
        d.values[0].kind,
        ValueKind::ToDate(delar_core::YearMonth::new(2025, 8).unwrap())
    );
    assert_eq!(d.values[1].figure, Figure::Word(Trend::Increase));
    assert!(
        s.followup_findings().unwrap().is_empty(),
        "{:?}",
        s.followup_findings()
    );

    // Two values for one period are refused.
    let e = s
        .import_followup_table(
            "indikatorvarden",
            &table(
                "indikator;år;typ;totalt\nI1;2024;utfall;80\nI1;2024;utfall;81\n",
                "dubbel.csv",
            ),
            "z",
        )
        .unwrap_err();
    assert!(e.to_string().contains("duplicate-value"), "{e}");
}
}

both! {
#[test]
fn import_from_file_and_unknown_register() {
    let dir = tempfile::tempdir().unwrap();
    let p = dir.path().join("jamforelser.csv");
    let mut f = std::fs::File::create(&p).unwrap();
    f.write_all(
        "år;område;kommun;egen kommun;kr per invånare;nettokostnadsavvikelse\n\
         2024;Äldreomsorg;Exempelkommun;ja;14 500;3,2\n\
         2024;Äldreomsorg;Jämförkommun A;nej;13 900;\n"
            .as_bytes(),
    )
    .unwrap();
    let mut s = common::store();
    let r = s.import_followup_file("jamforelser", &p).unwrap();
    assert_eq!(r.rows, 2);
    let c: Vec<Comparison> = s.followup_rows(&FollowupFilter::default()).unwrap();
    assert_eq!(
        c[0].cost_per_inhabitant,
        delar_core::Amount::from_kr(14_500)
    );
    assert_eq!(c[0].net_cost_deviation, Some(3.2));
    let e = s.import_followup_file("budget", &p).unwrap_err();
    assert!(e.to_string().contains("okänt register"), "{e}");
}
}

both! {
#[test]
fn kpi_file_merges_into_indicator_values_all_or_nothing_and_repeatably() {
    let mut s = common::store();
    import(
        &mut s,
        "indikatorer",
        "kod;namn;mål;nämnd;enhet;mått;polaritet;per kön;källa;källid\n\
         SN01;Andel;SN1;SN;%;andel;högre är bättre;nej;intern;\n\
         VON01;Trygghet;VON1;VON;%;andel;högre är bättre;ja;kolada;U23471\n",
        "indikatorer.csv",
    );
    import(
        &mut s,
        "indikatorvarden",
        "indikator;år;typ;månad;totalt\nSN01;2025;mål;;65\nSN01;2025;hittills;2025-06;58\n",
        "indikatorvarden.csv",
    );
    let dir = tempfile::tempdir().unwrap();
    let kpi = dir.path().join("stratsys.txt");
    std::fs::write(
        &kpi,
        "2025-08-31\tSN\tM1\tUTF\t61\n\
         2024-12-31\tVON\tU23471\tutfall kvinnor\t87\n\
         2024-12-31\tVON\tU23471\tutfall män\t89\n\
         2024-12-31\tVON\tU23471\tutfall\t88\n\
         2025-08-31\tSN\tANNAT\tUTF\t1\n",
    )
    .unwrap();
    let map = dir.path().join("kpi-mappning.csv");
    std::fs::write(
        &map,
        "mått;kolumn;enhet;indikator;typ;kön\nM1;UTF;;SN01;hittills;\nU23471;;;VON01;;\n",
    )
    .unwrap();
    let r = s.import_kpi_file(&kpi, Some(&map)).unwrap();
    assert_eq!((r.rows, r.values), (5, 2));
    assert_eq!(r.skipped.get("ANNAT"), Some(&1));
    assert!(r.to_string().contains("hoppades över: ANNAT (1)"), "{r}");
    let values: Vec<IndicatorValue> = s.followup_rows(&FollowupFilter::default()).unwrap();
    let find = |code: &str, year: i32, kind: ValueKind| {
        values
            .iter()
            .find(|v| v.indicator == code && v.year == year && v.kind == kind)
            .map(|v| v.figure)
    };
    // The stored target and June value stay; August is added; VON01 2024 has K/M/T.
    assert_eq!(
        find("SN01", 2025, ValueKind::Target),
        Some(Figure::Number(Kmt::total(65.0)))
    );
    let m = |mm| ValueKind::ToDate(delar_core::YearMonth::new(2025, mm).unwrap());
    assert!(find("SN01", 2025, m(6)).is_some());
    assert_eq!(
        find("SN01", 2025, m(8)),
        Some(Figure::Number(Kmt::total(61.0)))
    );
    assert_eq!(
        find("VON01", 2024, ValueKind::Outcome),
        Some(Figure::Number(Kmt::new(87.0, 89.0, 88.0)))
    );
    // The same file again changes nothing.
    let again = s.import_kpi_file(&kpi, Some(&map)).unwrap();
    assert_eq!(again.report.status, ImportStatus::Unchanged);
    let n = values.len();
    // A file whose K/M/T contradict (total outside women and men) changes nothing.
    let bad = dir.path().join("bad.txt");
    std::fs::write(
        &bad,
        "Datum;Enhet;Mått;Kolumn;Värde\n\
         2024-12-31;VON;U23471;utfall kvinnor;87\n\
         2024-12-31;VON;U23471;utfall män;89\n\
         2024-12-31;VON;U23471;utfall;95\n",
    )
    .unwrap();
    let e = s.import_kpi_file(&bad, None).unwrap_err();
    assert!(matches!(e, FollowupError::Invalid { .. }), "{e}");
    assert!(e.to_string().contains("ingenting importerades"), "{e}");
    // An unreadable cell names file, row and column.
    std::fs::write(&bad, "2025-08-31;SN;SN01;utfall;sextio\n").unwrap();
    let e = s.import_kpi_file(&bad, None).unwrap_err().to_string();
    assert!(e.contains("bad.txt, rad 1, kolumn \"värde\""), "{e}");
    let after: Vec<IndicatorValue> = s.followup_rows(&FollowupFilter::default()).unwrap();
    assert_eq!(after.len(), n);
}
}

const QUEUES: &str = "månad;nämnd;lagrum;insats;kvinnor;män;totalt;varav över tre månader;\
medelväntetid dagar;medianväntetid dagar;kommentar\n\
2025-08;VON;SoL;Särskilt boende;38;21;59;17;74,5;61;\n\
2025-08;FSN;LSS;Bostad med särskild service;19;23;42;30;;;väntar på nybyggnation\n\
2024-08;VON;SoL;Särskilt boende;30;17;47;11;68;55;\n";

both! {
#[test]
fn queues_round_trip_replace_per_year_and_committee() {
    let mut s = common::store();
    let r = import(&mut s, "koer", QUEUES, "koer.csv");
    assert_eq!(r.rows, 3);
    assert_eq!(r.scopes, vec!["2024|VON", "2025|FSN", "2025|VON"]);
    let q: Vec<Queue> = s.followup_rows(&FollowupFilter::default()).unwrap();
    assert_eq!(q.len(), 3);
    assert_eq!(q[0].month, delar_core::YearMonth::new(2025, 8).unwrap());
    assert_eq!(q[0].law, Law::SoL);
    assert_eq!((q[0].women, q[0].men, q[0].total), (Some(38), Some(21), 59));
    assert_eq!(q[0].over_three_months, Some(17));
    assert_eq!(q[0].mean_wait_days, Some(74.5));
    assert_eq!(q[1].law, Law::Lss);
    assert_eq!(q[1].median_wait_days, None);
    assert_eq!(q[1].comment.as_deref(), Some("väntar på nybyggnation"));
    // The register is part of everything stored, and a filter on committee applies.
    let d = s
        .followup(&FollowupFilter {
            year: Some(2025),
            committee: Some("VON".into()),
        })
        .unwrap();
    assert_eq!(d.queues.len(), 1);
    assert_eq!(d.queues[0].total, 59);
    // The same file again changes nothing; a corrected VON 2025 file replaces VON 2025 only.
    assert_eq!(
        import(&mut s, "koer", QUEUES, "koer.csv").status,
        ImportStatus::Unchanged
    );
    let fix = "månad;nämnd;lagrum;insats;totalt\n2025-08;VON;SoL;Särskilt boende;57\n";
    let r2 = import(&mut s, "koer", fix, "koer-von.csv");
    assert_eq!(r2.rows_replaced, 1);
    let q: Vec<Queue> = s.followup_rows(&FollowupFilter::default()).unwrap();
    assert_eq!(q.len(), 3);
    let von25 = q
        .iter()
        .find(|x| x.committee == "VON" && x.month.year() == 2025)
        .unwrap();
    assert_eq!((von25.women, von25.total), (None, 57));
}
}

both! {
#[test]
fn queue_import_is_all_or_nothing() {
    let mut s = common::store();
    import(&mut s, "koer", QUEUES, "koer.csv");
    let before = s.followup_table_counts().unwrap();
    // Row errors: every bad row named with file, row and column; nothing changes.
    let bad = "månad;nämnd;lagrum;insats;kvinnor;män;totalt;varav över tre månader\n\
               2025-08;VON;SoL;Särskilt boende;40;21;59;\n\
               2025-08;VON;SoL;Hemtjänst;;;5;6\n";
    let e = s
        .import_followup_table("koer", &table(bad, "koer.csv"), "bad")
        .unwrap_err()
        .to_string();
    assert!(e.contains("koer.csv, rad 2, kolumn \"totalt\""), "{e}");
    assert!(
        e.contains("koer.csv, rad 3, kolumn \"varav över tre månader\""),
        "{e}"
    );
    assert!(e.contains("ingenting importerades"), "{e}");
    assert_eq!(s.followup_table_counts().unwrap(), before);
    // Rows that read but contradict each other (the same kind twice) roll back, and the
    // rows of the scope they would have replaced are still there.
    let dup = "månad;nämnd;lagrum;insats;totalt\n\
               2025-08;VON;SoL;Särskilt boende;59\n\
               2025-08;VON;SoL;särskilt boende;3\n";
    let e = s
        .import_followup_table("koer", &table(dup, "koer.csv"), "dup")
        .unwrap_err();
    match &e {
        FollowupError::Invalid { findings, .. } => {
            assert_eq!(findings[0].code, "duplicate-queue", "{e}")
        }
        other => panic!("{other}"),
    }
    assert_eq!(s.followup_table_counts().unwrap(), before);
    assert_eq!(s.batches().unwrap().len(), 1);
    let q: Vec<Queue> = s.followup_rows(&FollowupFilter::default()).unwrap();
    assert_eq!(q[0].women, Some(38));
}
}

both! {
#[test]
fn grants_store_use_to_date_and_forecast() {
    let mut s = common::store();
    let csv = "år;nämnd;kod;benämning;belopp;förbrukat hittills;prognos förbrukning;\
               återrapportering;återbetalning\n\
               2025;VON;SB4;Äldreomsorgslyftet;22 900 000;14 100 000;21 300 000;X;X\n\
               2025;PN;SB1;God vård;54 000 000;;;X;-\n";
    import(&mut s, "statsbidrag", csv, "statsbidrag.csv");
    let g: Vec<StateGrant> = s.followup_rows(&FollowupFilter::default()).unwrap();
    assert_eq!(g[0].used_to_date, delar_core::Amount::from_kr(14_100_000));
    assert_eq!(g[0].forecast_use, delar_core::Amount::from_kr(21_300_000));
    assert_eq!(g[0].remaining(), delar_core::Amount::from_kr(1_600_000));
    assert_eq!((g[1].used_to_date, g[1].forecast_use), (None, None));
    assert!(g[1].report_back && !g[1].repayable);
}
}
