//! One measure, one source (R15): an indicator that another register measures takes its
//! values from it, and a typed value that disagrees stops the report with both places named.

mod common;
use common::{delar, ok, stderr, stdout};

/// A command that must fail (exit 1): its stdout and stderr together.
fn fails(args: &[&str], dir: &std::path::Path) -> String {
    let o = delar(args, dir);
    assert_eq!(o.status.code(), Some(1), "delar {args:?} should fail");
    format!("{}{}", stdout(&o), stderr(&o))
}

#[test]
fn a_typed_value_that_contradicts_its_register_is_caught_and_the_register_wins() {
    let d = tempfile::tempdir().unwrap();
    let p = d.path();
    ok(&["demo", "--out", "ut"], p);
    let db = "ut/delar.db";
    // The demo's registers agree with each other.
    let out = ok(&["check", "--round", "2025-P2", "--db", db], p);
    assert!(out.contains("Inga fel"), "{out}");
    let goals = std::fs::read_to_string(p.join("ut/rapport/delarsrapport-2025-P2.txt")).unwrap();
    let row = goals
        .lines()
        .find(|l| l.starts_with("Sjukfrånvaro, vård- och omsorgsnämnden"))
        .expect("the goal table shows VON's sick leave");
    // 2024's outcome in the goal table is the staff register's December figure.
    let staff = std::fs::read_to_string(p.join("ut/indata/uppfoljning/personal.csv")).unwrap();
    let dec = staff
        .lines()
        .find(|l| l.starts_with("VON;2024-12;"))
        .expect("VON's staff for 2024");
    let sick_2024 = dec.split(';').nth(8).unwrap().to_string();
    assert!(row.contains(&sick_2024), "{row} / {dec}");

    // A person types another 2024 value into the indicator register.
    let file = p.join("ut/indata/uppfoljning/indikatorvarden.csv");
    let mut values = std::fs::read_to_string(&file).unwrap();
    values.push_str("VON07;2024;utfall;;;;12,3;\n");
    std::fs::write(p.join("varden.csv"), values).unwrap();
    ok(&["import", "indikatorvarden", "varden.csv", "--db", db], p);
    let err = fails(&["check", "--round", "2025-P2", "--db", db], p);
    assert!(err.contains("R15"), "{err}");
    assert!(err.contains("VON07 2024 utfall"), "{err}");
    assert!(err.contains("12,3"), "{err}");
    assert!(err.contains(&format!("ger {sick_2024}")), "{err}");
    assert!(err.contains("personal.csv, VON 2024-12"), "{err}");
    let err = fails(
        &[
            "report", "--round", "2025-P2", "--format", "txt", "--out", "r", "--db", db,
        ],
        p,
    );
    assert!(err.contains("R15"), "{err}");
    // A draft is written, with the register's value, not the typed one.
    ok(
        &[
            "report", "--round", "2025-P2", "--format", "txt", "--out", "r", "--draft", "--db", db,
        ],
        p,
    );
    let draft = std::fs::read_to_string(p.join("r/delarsrapport-2025-P2.txt")).unwrap();
    let row = draft
        .lines()
        .find(|l| l.starts_with("Sjukfrånvaro, vård- och omsorgsnämnden"))
        .unwrap();
    assert!(row.contains(&sick_2024) && !row.contains("12,3"), "{row}");

    // R17: an efficiency measure must point at a forecast line of the round.
    let file = p.join("ut/indata/uppfoljning/effektiviseringar.csv");
    let measures = std::fs::read_to_string(&file).unwrap();
    let bad = measures.replacen(";kop_verksamhet;SN40;", ";kop_verksamhet;SN99;", 1);
    assert_ne!(bad, measures);
    std::fs::write(p.join("eff.csv"), bad).unwrap();
    ok(&["import", "effektiviseringar", "eff.csv", "--db", db], p);
    let err = fails(&["check", "--round", "2025-P2", "--db", db], p);
    assert!(err.contains("R17"), "{err}");
    assert!(err.contains("hänvisar till ansvar SN99"), "{err}");
}

#[test]
fn an_event_citing_an_adjustment_must_find_it_in_the_round() {
    let d = tempfile::tempdir().unwrap();
    let p = d.path();
    ok(&["demo", "--out", "ut"], p);
    let db = "ut/delar.db";
    // The demo's events cite FSN-J1 (a group home opening after the cut-off), and the round
    // carries that adjustment on FSN21's staff costs.
    let events = std::fs::read_to_string(p.join("ut/indata/uppfoljning/handelser.csv")).unwrap();
    assert!(events.contains(";FSN-J1"), "{events}");
    let show = ok(
        &[
            "forecast", "show", "--round", "2025-P2", "--node", "FSN21", "--db", db,
        ],
        p,
    );
    let line = show
        .lines()
        .find(|l| l.contains("Justering") && l.contains("(FSN-J1)"))
        .unwrap_or_else(|| panic!("FSN21 shows the adjustment with its code:\n{show}"));
    let id: String = line
        .trim()
        .trim_start_matches("Justering ")
        .chars()
        .take_while(|c| c.is_ascii_digit())
        .collect();
    let out = ok(&["check", "--round", "2025-P2", "--db", db], p);
    assert!(out.contains("Inga fel"), "{out}");
    let report = std::fs::read_to_string(p.join("ut/rapport/delarsrapport-2025-P2.txt")).unwrap();
    assert!(report.contains("FSN-J1"), "the events table cites the code");

    // Removed, the event points at nothing: R17 names the event and says what to do.
    ok(
        &[
            "forecast",
            "adjust",
            "FSN21:personal",
            "--remove",
            &id,
            "--round",
            "2025-P2",
            "--db",
            db,
        ],
        p,
    );
    let err = fails(&["check", "--round", "2025-P2", "--db", db], p);
    assert!(err.contains("R17"), "{err}");
    assert!(err.contains("handelser.csv: FSN"), "{err}");
    assert!(err.contains("justeringen FSN-J1"), "{err}");
    assert!(err.contains("--kod FSN-J1"), "{err}");

    // Put back with its code on a line of the event's committee: the check passes again, and
    // a second adjustment with the same code is refused.
    let add = |code: &str| {
        delar(
            &[
                "forecast",
                "adjust",
                "FSN22:personal",
                "--kind",
                "sarskild",
                "--part",
                "strukturell",
                "--amount",
                "2 100 000",
                "--comment",
                "Ny gruppbostad från oktober.",
                "--kod",
                code,
                "--round",
                "2025-P2",
                "--db",
                db,
            ],
            p,
        )
    };
    let o = add("FSN-J1");
    assert!(o.status.success(), "{}", stderr(&o));
    assert!(stdout(&o).contains("kod FSN-J1"), "{}", stdout(&o));
    let out = ok(&["check", "--round", "2025-P2", "--db", db], p);
    assert!(out.contains("Inga fel"), "{out}");
    let o = add("FSN-J1");
    assert_eq!(o.status.code(), Some(1));
    assert!(stderr(&o).contains("används redan"), "{}", stderr(&o));
}
