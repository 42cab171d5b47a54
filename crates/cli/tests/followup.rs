//! End-to-end tests of `delar import <register>` on Exempelkommun's generated registers.

use delar_store::prelude::*;
use delar_store::{FollowupFilter, SqliteStore};

mod common;
use common::{delar, text};

#[test]
fn import_all_registers_then_bad_file_changes_nothing() {
    let d = tempfile::tempdir().unwrap();
    let regs = d.path().join("uppfoljning");
    let opts = delar_demo::followup::FollowupOptions::default();
    delar_demo::followup::write_followup(&regs, &opts).unwrap();

    let o = delar(&["import", "uppfoljning", "uppfoljning"], d.path());
    assert!(o.status.success(), "{}", text(&o.stderr));
    let out = text(&o.stdout);
    assert!(out.contains("mal.csv (mal)"), "{out}");
    assert!(out.contains("indikatorvarden.csv"), "{out}");
    assert!(!out.contains("anmärkningar"), "{out}");

    let counts = || {
        SqliteStore::open(&d.path().join("delar.db"))
            .unwrap()
            .followup_table_counts()
            .unwrap()
    };
    let before = counts();

    // A single register again: unchanged.
    let o = delar(
        &["import", "personal", "uppfoljning/personal.csv"],
        d.path(),
    );
    assert!(o.status.success());
    assert!(
        text(&o.stdout).contains("redan importerad"),
        "{}",
        text(&o.stdout)
    );

    // A file with a bad row: exit 1, Swedish message with file, row and column, no change.
    std::fs::write(
        d.path().join("personal-fel.csv"),
        "nämnd;månad;årsarbetare;anställda totalt\nSN;2025-08;410;420\nVON;augusti;2 350;2 520\n",
    )
    .unwrap();
    let o = delar(&["import", "personal", "personal-fel.csv"], d.path());
    assert_eq!(o.status.code(), Some(1));
    let err = text(&o.stderr);
    assert!(
        err.contains("personal-fel.csv, rad 3, kolumn \"månad\""),
        "{err}"
    );
    assert!(err.contains("ingenting importerades"), "{err}");
    assert_eq!(counts(), before);

    // Women + men ≠ total: refused with the finding.
    std::fs::write(
        d.path().join("befolkning.csv"),
        "år;åldersgrupp;kvinnor;män;totalt\n2025;0–5;5 000;5 200;10 300\n",
    )
    .unwrap();
    let o = delar(&["import", "befolkning", "befolkning.csv"], d.path());
    assert_eq!(o.status.code(), Some(1));
    assert!(text(&o.stderr).contains("kmt-sum"), "{}", text(&o.stderr));
    assert_eq!(counts(), before);

    // Missing file.
    let o = delar(&["import", "mal", "finns-inte.csv"], d.path());
    assert_eq!(o.status.code(), Some(1));
    assert!(text(&o.stderr).contains("finns inte"));

    // What is stored is what was generated.
    let s = SqliteStore::open(&d.path().join("delar.db")).unwrap();
    let data = s.followup(&FollowupFilter::default()).unwrap();
    assert_eq!(data, delar_demo::followup::generate(&opts));
}

#[test]
fn import_kpi_file_with_and_without_mapping() {
    let d = tempfile::tempdir().unwrap();
    let regs = d.path().join("uppfoljning");
    delar_demo::followup::write_followup(&regs, &delar_demo::followup::FollowupOptions::default())
        .unwrap();
    let o = delar(&["import", "uppfoljning", "uppfoljning"], d.path());
    assert!(o.status.success(), "{}", text(&o.stderr));
    // Headerless, tab-separated, mapped by indicator code.
    std::fs::write(
        d.path().join("kpi.txt"),
        "2025-09-30\tSN\tSN01\tUtfall\t64\n2025-09-30\tSN\tOKAND\tUtfall\t1\n",
    )
    .unwrap();
    let o = delar(&["import", "kpi", "kpi.txt"], d.path());
    assert!(o.status.success(), "{}", text(&o.stderr));
    let out = text(&o.stdout);
    assert!(out.contains("2 rader gav 1 indikatorvärden"), "{out}");
    assert!(out.contains("OKAND (1)"), "{out}");
    let o = delar(&["import", "kpi", "kpi.txt"], d.path());
    assert!(
        text(&o.stdout).contains("inget ändrades"),
        "{}",
        text(&o.stdout)
    );
    // With a mapping file; a bad value changes nothing and exits 1.
    std::fs::write(
        d.path().join("kpi-mappning.csv"),
        "mått;kolumn;indikator;typ\nX1;UTF;SN01;hittills\n",
    )
    .unwrap();
    std::fs::write(d.path().join("fel.txt"), "2025-09-30;SN;X1;UTF;många\n").unwrap();
    let o = delar(
        &["import", "kpi", "fel.txt", "--mappning", "kpi-mappning.csv"],
        d.path(),
    );
    assert_eq!(o.status.code(), Some(1));
    let err = text(&o.stderr);
    assert!(err.contains("fel.txt, rad 1, kolumn \"värde\""), "{err}");
    let values: Vec<delar_followup::model::IndicatorValue> =
        SqliteStore::open(&d.path().join("delar.db"))
            .unwrap()
            .followup_rows(&FollowupFilter::default())
            .unwrap();
    let sep = delar_core::YearMonth::new(2025, 9).unwrap();
    assert_eq!(
        values
            .iter()
            .filter(|v| v.indicator == "SN01"
                && v.kind == delar_followup::model::ValueKind::ToDate(sep))
            .count(),
        1
    );
}

#[test]
fn goal_assessment_and_override_with_rationale() {
    let d = tempfile::tempdir().unwrap();
    let regs = d.path().join("uppfoljning");
    delar_demo::followup::write_followup(&regs, &delar_demo::followup::FollowupOptions::default())
        .unwrap();
    let o = delar(&["import", "uppfoljning", "uppfoljning"], d.path());
    assert!(o.status.success(), "{}", text(&o.stderr));
    let o = delar(&["mal", "bedom"], d.path());
    assert!(o.status.success(), "{}", text(&o.stderr));
    let out = text(&o.stdout);
    assert!(out.contains("Målbedömning 2025"), "{out}");
    assert!(out.contains("SN2") && out.contains("Förslag:"), "{out}");
    // No rationale: refused, nothing stored.
    let o = delar(
        &[
            "mal",
            "andra",
            "SN3",
            "--status",
            "uppnås",
            "--motivering",
            " ",
            "--av",
            "Anna",
        ],
        d.path(),
    );
    assert_eq!(o.status.code(), Some(1));
    assert!(
        text(&o.stderr).contains("utan motivering"),
        "{}",
        text(&o.stderr)
    );
    let o = delar(
        &[
            "mal",
            "andra",
            "SN3",
            "--status",
            "helt",
            "--skala",
            "orebro2019",
            "--motivering",
            "Bemanningen är stabil sedan juni.",
            "--av",
            "Anna",
        ],
        d.path(),
    );
    assert!(o.status.success(), "{}", text(&o.stderr));
    assert!(
        text(&o.stdout).contains("är nu Helt"),
        "{}",
        text(&o.stdout)
    );
    let o = delar(&["mal", "bedom", "--skala", "orebro2019"], d.path());
    let out = text(&o.stdout);
    assert!(out.contains("ändrad till Helt av Anna"), "{out}");
    let store = SqliteStore::open(&d.path().join("delar.db")).unwrap();
    let st = store.goal_statuses(2025).unwrap();
    assert_eq!(
        st["SN3"].decision.as_ref().unwrap().rationale,
        "Bemanningen är stabil sedan juni."
    );
    drop(store);
    let o = delar(&["mal", "aterstall", "SN3"], d.path());
    assert!(text(&o.stdout).contains("förslaget gäller igen"));
}

#[test]
fn import_koer_good_and_bad_files() {
    let d = tempfile::tempdir().unwrap();
    std::fs::write(
        d.path().join("koer.csv"),
        "månad;nämnd;lagrum;insats;kvinnor;män;totalt;varav över tre månader;\
         medelväntetid dagar;medianväntetid dagar\n\
         2025-08;VON;SoL;Särskilt boende;38;21;59;17;74,5;61\n\
         2024-08;VON;SoL;Särskilt boende;30;17;47;11;68;55\n",
    )
    .unwrap();
    let o = delar(&["import", "koer", "koer.csv"], d.path());
    assert!(o.status.success(), "{}", text(&o.stderr));
    assert!(
        text(&o.stdout).contains("koer.csv (koer)") && text(&o.stdout).contains("2 rader"),
        "{}",
        text(&o.stdout)
    );
    std::fs::write(
        d.path().join("koer-fel.csv"),
        "månad;nämnd;lagrum;insats;kvinnor;män;totalt;varav över tre månader\n\
         2025-08;VON;SoL;Särskilt boende;38;20;59;\n\
         2025-08;FSN;LSS;Daglig verksamhet;;;4;6\n",
    )
    .unwrap();
    let o = delar(&["import", "koer", "koer-fel.csv"], d.path());
    assert_eq!(o.status.code(), Some(1));
    let err = text(&o.stderr);
    assert!(
        err.contains("koer-fel.csv, rad 2, kolumn \"totalt\""),
        "{err}"
    );
    assert!(
        err.contains("koer-fel.csv, rad 3, kolumn \"varav över tre månader\""),
        "{err}"
    );
    let s = SqliteStore::open(&d.path().join("delar.db")).unwrap();
    let q = s.followup(&FollowupFilter::default()).unwrap().queues;
    assert_eq!(q.len(), 2);
    assert_eq!(q[0].total, 59);
}

/// Two people decide one goal from the same `mal bedom` listing (its version): the second is
/// refused with exit 1, told who decided, and nothing of theirs is stored.
#[test]
fn a_goal_decision_on_a_stale_version_is_refused() {
    let d = tempfile::tempdir().unwrap();
    let regs = d.path().join("uppfoljning");
    delar_demo::followup::write_followup(&regs, &delar_demo::followup::FollowupOptions::default())
        .unwrap();
    let o = delar(&["import", "uppfoljning", "uppfoljning"], d.path());
    assert!(o.status.success(), "{}", text(&o.stderr));
    let o = delar(&["mal", "bedom"], d.path());
    let out = text(&o.stdout);
    let line = out
        .lines()
        .skip_while(|l| !l.trim_start().starts_with("SN3 "))
        .nth(1)
        .unwrap_or_else(|| panic!("{out}"))
        .to_string();
    let version = line
        .rsplit("(version ")
        .next()
        .and_then(|v| v.strip_suffix(')'))
        .unwrap_or_else(|| panic!("{line}"))
        .to_string();
    let decide = |status: &str, why: &str, by: &str| {
        delar(
            &[
                "mal",
                "andra",
                "SN3",
                "--status",
                status,
                "--motivering",
                why,
                "--av",
                by,
                "--version",
                &version,
            ],
            d.path(),
        )
    };
    let o = decide("uppnås delvis", "Rekryteringen drog ut på tiden.", "Anna");
    assert!(o.status.success(), "{}", text(&o.stderr));
    let o = decide("uppnås inte", "Målet nås inte i år.", "Bo");
    assert_eq!(o.status.code(), Some(1), "{}", text(&o.stdout));
    let err = text(&o.stderr);
    assert!(
        err.contains("har ändrats sedan du läste den")
            && err.contains("Anna ändrade den")
            && err.contains("«Uppnås delvis»"),
        "{err}"
    );
    let store = SqliteStore::open(&d.path().join("delar.db")).unwrap();
    let st = store.goal_statuses(2025).unwrap();
    assert_eq!(st["SN3"].decision.as_ref().unwrap().by, "Anna");
    drop(store);
    // Withdrawing on the same stale version is refused too.
    let o = delar(
        &["mal", "aterstall", "SN3", "--version", &version],
        d.path(),
    );
    assert_eq!(o.status.code(), Some(1));
}
