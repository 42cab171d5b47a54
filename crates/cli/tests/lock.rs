//! Locked means locked, on the demo's database: the demo ships P1 locked and P2 reviewed (every
//! flagged line has a review note) and lockable; review notes never reach the report while
//! report comments do; and after `forecast lock` every command that writes to the round fails
//! with the one message and the report built afterwards is byte-identical to the one before.

mod common;
use common::{delar, ok, stderr};
use std::path::Path;

const DB: &str = "demo/delar.db";

/// The report for 2025-P2 (programme report and appendices) as txt and json into `dir`;
/// returns (file name, bytes) sorted by name.
fn report(p: &Path, dir: &str) -> Vec<(String, Vec<u8>)> {
    ok(
        &[
            "report", "--round", "2025-P2", "--format", "txt,json", "--out", dir, "--db", DB,
        ],
        p,
    );
    let mut files: Vec<(String, Vec<u8>)> = std::fs::read_dir(p.join(dir))
        .unwrap()
        .map(|e| {
            let e = e.unwrap();
            (
                e.file_name().to_string_lossy().into_owned(),
                std::fs::read(e.path()).unwrap(),
            )
        })
        .collect();
    files.sort();
    files
}

fn text_of(files: &[(String, Vec<u8>)]) -> String {
    files
        .iter()
        .filter(|(n, _)| n.ends_with(".txt"))
        .map(|(_, b)| String::from_utf8_lossy(b).into_owned())
        .collect()
}

/// SN's line with the largest deviation from budget (`NOD:GRUPP`), from `forecast show`.
fn largest_sn_line(p: &Path) -> String {
    let json: serde_json::Value = serde_json::from_str(&ok(
        &[
            "forecast", "show", "--round", "2025-P2", "--node", "SN", "--format", "json", "--db",
            DB,
        ],
        p,
    ))
    .unwrap();
    let lines = json["lines"].as_array().unwrap();
    let deviation = |l: &serde_json::Value| {
        delar_core::Amount::parse_sie(l["deviation"].as_str().unwrap())
            .unwrap()
            .ore()
            .abs()
    };
    let l = lines.iter().max_by_key(|l| deviation(l)).unwrap();
    format!(
        "{}:{}",
        l["node"].as_str().unwrap(),
        l["group"].as_str().unwrap()
    )
}

#[test]
fn the_demo_locks_as_shipped_and_a_locked_round_never_changes() {
    let d = tempfile::tempdir().unwrap();
    let p = d.path();
    ok(&["demo", "--out", "demo"], p);

    // As shipped: P1 locked, P2 open with every flagged line reviewed.
    let list = ok(&["forecast", "list", "--db", DB], p);
    let row = |id: &str| {
        list.lines()
            .find(|l| l.starts_with(id))
            .unwrap()
            .to_string()
    };
    assert!(row("2025-P1").contains("låst"), "{list}");
    assert!(row("2025-P2").contains("öppen"), "{list}");
    let g = ok(
        &["forecast", "granska", "--round", "2025-P2", "--db", DB],
        p,
    );
    assert!(g.contains("inga flaggade rader saknar kommentar"), "{g}");
    let log = ok(&["forecast", "list", "--log", "2025-P2", "--db", DB], p);
    let reviewed = log.matches(" granskning ").count();
    assert!(reviewed > 0, "the demo reviews P2's flagged lines: {log}");
    // The demo's database as shipped locks.
    std::fs::copy(p.join(DB), p.join("shipped.db")).unwrap();
    let out = ok(
        &[
            "forecast",
            "lock",
            "--round",
            "2025-P2",
            "--db",
            "shipped.db",
        ],
        p,
    );
    assert!(out.contains("2025-P2 är låst"), "{out}");
    // The demo's own report prints no review note.
    let shipped: String = std::fs::read_dir(p.join("demo/rapport"))
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|f| f.extension().is_some_and(|x| x == "txt"))
        .map(|f| std::fs::read_to_string(f).unwrap())
        .collect();
    assert!(shipped.contains("Förvaltningschefens bedömning"));
    assert!(!shipped.contains("Granskad"), "a review note in the report");

    // On the committee's largest line a review note stays out of the report; the same text as
    // a report comment is drafted into the analysis.
    let line = largest_sn_line(p);
    let text = "Fler placeringar av barn och unga än budgeterat";
    ok(
        &[
            "forecast",
            "set",
            &line,
            "--round",
            "2025-P2",
            "--comment",
            text,
            "--kommentarstyp",
            "granskning",
            "--db",
            DB,
        ],
        p,
    );
    let node = ok(
        &[
            "forecast",
            "show",
            "--round",
            "2025-P2",
            "--node",
            line.split(':').next().unwrap(),
            "--db",
            DB,
        ],
        p,
    );
    assert!(
        node.contains(&format!("Granskning (kommer inte med i rapporten): {text}")),
        "{node}"
    );
    assert!(!text_of(&report(p, "granskning")).contains(text));
    ok(
        &[
            "forecast",
            "set",
            &line,
            "--round",
            "2025-P2",
            "--comment",
            text,
            "--db",
            DB,
        ],
        p,
    );
    ok(
        &[
            "text",
            "andra",
            "analys.summa",
            "--round",
            "2025-P2",
            "--text",
            "Prognosen visar ett underskott på {drift.summa.avvikelse|abs}.",
            "--av",
            "anna",
            "--db",
            DB,
        ],
        p,
    );
    ok(&["forecast", "lock", "--round", "2025-P2", "--db", DB], p);
    let before = report(p, "fore");
    let before_text = text_of(&before);
    assert!(
        before_text.contains(text),
        "the report comment is in the analysis"
    );
    assert!(before_text.contains("Prognosen visar ett underskott på"));

    // Every write to the locked round fails with the same message.
    std::fs::write(
        p.join("granskning.csv"),
        format!("rad;kommentar\n{line};Granskad.\n"),
    )
    .unwrap();
    let writes: Vec<Vec<&str>> = vec![
        vec!["forecast", "run", "--round", "2025-P2"],
        vec![
            "forecast",
            "set",
            &line,
            "--round",
            "2025-P2",
            "--method",
            "linjar",
            "--comment",
            "c",
        ],
        vec![
            "forecast",
            "set",
            &line,
            "--round",
            "2025-P2",
            "--amount",
            "1 000",
            "--comment",
            "c",
        ],
        vec![
            "forecast",
            "set",
            &line,
            "--round",
            "2025-P2",
            "--comment",
            "c",
        ],
        vec![
            "forecast",
            "set",
            &line,
            "--round",
            "2025-P2",
            "--comment",
            "c",
            "--kommentarstyp",
            "granskning",
        ],
        vec![
            "forecast",
            "adjust",
            &line,
            "--round",
            "2025-P2",
            "--kind",
            "engang",
            "--amount",
            "1 000",
            "--comment",
            "c",
        ],
        vec![
            "forecast", "adjust", &line, "--round", "2025-P2", "--remove", "1",
        ],
        vec![
            "forecast",
            "granska",
            "--round",
            "2025-P2",
            "--kommentar",
            "c",
            "--alla",
        ],
        vec![
            "forecast",
            "granska",
            "--round",
            "2025-P2",
            "--kommentar",
            "c",
            "--rader",
            &line,
        ],
        vec![
            "forecast",
            "granska",
            "--round",
            "2025-P2",
            "--fil",
            "granskning.csv",
        ],
        vec!["forecast", "lock", "--round", "2025-P2"],
        vec![
            "text",
            "andra",
            "analys.summa",
            "--round",
            "2025-P2",
            "--text",
            "Ny.",
            "--av",
            "bo",
        ],
        vec![
            "text",
            "aterstall",
            "analys.summa",
            "--round",
            "2025-P2",
            "--av",
            "bo",
        ],
    ];
    let mut message: Option<String> = None;
    for w in &writes {
        let mut args = w.clone();
        args.extend(["--db", DB]);
        let o = delar(&args, p);
        assert_eq!(o.status.code(), Some(1), "{args:?} should fail");
        let e = stderr(&o);
        let m = e
            .lines()
            .find(|l| l.starts_with("delar: "))
            .unwrap_or_else(|| panic!("{args:?}: {e}"))
            .to_string();
        assert!(
            m.starts_with("delar: prognosomgången 2025-P2 är låst (låst ")
                && m.contains(" av testare); en låst omgång och dess rapport ändras inte.")
                && m.ends_with("\"delar forecast run --round 2025-B\")."),
            "{args:?}: {m}"
        );
        match &message {
            None => message = Some(m),
            Some(first) => assert_eq!(&m, first, "{args:?}"),
        }
    }
    let after = report(p, "efter");
    assert_eq!(before.len(), after.len());
    for ((name, b), (name2, a)) in before.iter().zip(&after) {
        assert_eq!(name, name2);
        assert!(b == a, "{name} changed after the refused writes");
    }
    // Reading still works.
    ok(
        &["forecast", "granska", "--round", "2025-P2", "--db", DB],
        p,
    );
    ok(&["check", "--round", "2025-P2", "--db", DB], p);
}
