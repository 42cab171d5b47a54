use super::*;
use delar_followup::validate::validate;
use std::collections::BTreeSet;

#[test]
fn same_seed_same_bytes_other_seed_other_bytes() {
    let a = delar_followup::write_all(&generate(&FollowupOptions::default()));
    let b = delar_followup::write_all(&generate(&FollowupOptions::default()));
    assert_eq!(a, b);
    let c = delar_followup::write_all(&generate(&FollowupOptions {
        seed: 7,
        ..Default::default()
    }));
    assert_ne!(a, c);
    assert_eq!(a.len(), 14);
}

#[test]
fn generated_data_has_no_integrity_findings() {
    for seed in [1, 2025, 99_999] {
        let d = generate(&FollowupOptions {
            seed,
            ..Default::default()
        });
        let f = validate(&d);
        assert!(f.is_empty(), "seed {seed}: {f:#?}");
    }
}

#[test]
fn shape_matches_the_brief() {
    let d = generate(&FollowupOptions::default());
    let level = |l| d.goals.iter().filter(|g| g.level == l).count();
    assert_eq!(level(GoalLevel::Area), 4);
    assert_eq!(level(GoalLevel::Council), 8);
    for c in COMMITTEES {
        let n = d
            .goals
            .iter()
            .filter(|g| g.committee.as_deref() == Some(c))
            .count();
        assert!((2..=4).contains(&n), "{c}: {n}");
        assert!(d.staff.iter().any(|s| s.committee == c));
        assert!(d.commitments.iter().any(|s| s.committee == c));
    }
    assert_eq!(d.indicators.len(), 41);
    // Five years: four complete years of outcome and the current year.
    let years: BTreeSet<i32> = d.values.iter().map(|v| v.year).collect();
    assert_eq!(
        years.into_iter().collect::<Vec<_>>(),
        vec![2021, 2022, 2023, 2024, 2025]
    );
    assert!(d.indicators.iter().filter(|i| i.by_sex).count() >= 10);
    assert!((8..=12).contains(&d.investments.len()));
    assert!((6..=10).contains(&d.events.len()), "{}", d.events.len());
    let pop2025: i64 = d
        .population
        .iter()
        .filter(|p| p.year == 2025)
        .map(|p| p.total)
        .sum();
    assert!((145_000..160_000).contains(&pop2025), "{pop2025}");
    let pop2021: i64 = d
        .population
        .iter()
        .filter(|p| p.year == 2021)
        .map(|p| p.total)
        .sum();
    assert!(pop2025 > pop2021);
    let munis: BTreeSet<&str> = d
        .comparisons
        .iter()
        .map(|c| c.municipality.as_str())
        .collect();
    assert_eq!(munis.len(), 5);
    // Queues: every committee but PN, the cut-off month of every year; the kinds with a
    // volume series in the model take its value at the cut-off.
    let aug25 = YearMonth::new(2025, 8).unwrap();
    let now: Vec<&Queue> = d.queues.iter().filter(|q| q.month == aug25).collect();
    assert_eq!(now.len(), 6);
    assert_eq!(d.queues.len(), 6 * 5);
    let model = crate::kommun::Model::new(&crate::kommun::KommunOptions {
        seed: 2025,
        ..Default::default()
    });
    let vob = model.volumes.get("ko_vob").unwrap().value(4 * 12 + 7);
    let sabo = now
        .iter()
        .find(|q| q.decision == "Särskilt boende")
        .unwrap();
    assert_eq!(sabo.total, vob.round() as i64);
    for q in &d.queues {
        assert!(q.over_three_months.unwrap() <= q.total, "{q:?}");
        assert!(q.median_wait_days <= q.mean_wait_days, "{q:?}");
    }
    // Grants are followed up: used to date below the forecast, the forecast within the grant.
    for g in &d.grants {
        let (u, f) = (g.used_to_date.unwrap(), g.forecast_use.unwrap());
        assert!(u <= f && f <= g.amount, "{g:?}");
    }
    // Sick leave: women above men, pandemic years above the current level.
    for s in &d.staff {
        assert!(s.sick_leave.women > s.sick_leave.men, "{s:?}");
    }
    let von = |y| {
        d.staff
            .iter()
            .find(|s| s.committee == "VON" && s.month.year() == y)
            .and_then(|s| s.sick_leave.total)
            .unwrap()
    };
    assert!(von(2022) > von(2024));
    // Surveys published after the cut-off are "i.u." for the year with a direction word.
    let fsn01: Vec<&IndicatorValue> = d
        .values
        .iter()
        .filter(|v| v.indicator == "FSN01" && v.year == 2025)
        .collect();
    assert!(fsn01
        .iter()
        .any(|v| v.kind == ValueKind::Outcome && v.figure == Figure::NoData));
    assert!(fsn01
        .iter()
        .any(|v| v.kind == ValueKind::Forecast && matches!(v.figure, Figure::Word(_))));
}

#[test]
fn written_files_import_cleanly_into_a_fresh_store() {
    let dir = tempfile::tempdir().unwrap();
    let opts = FollowupOptions::default();
    let paths = write_followup(dir.path(), &opts).unwrap();
    assert_eq!(paths.len(), 14);
    let mut store = delar_store::SqliteStore::open_in_memory().unwrap();
    for p in &paths {
        let reg = p.file_stem().unwrap().to_str().unwrap();
        let r = store
            .import_followup_file(reg, p)
            .unwrap_or_else(|e| panic!("{}: {e}", p.display()));
        assert!(r.rows > 0, "{reg}");
    }
    assert!(store.followup_findings().unwrap().is_empty());
    let back = store
        .followup(&delar_store::FollowupFilter::default())
        .unwrap();
    assert_eq!(back, generate(&opts));
}
