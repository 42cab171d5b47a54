//! The first round of anything, end to end: a new database with one organisation and one
//! year's SIE file, nothing before it. `delar report` and `delar check` succeed for a P1 with no
//! round before it, a P2 without a P1, a month and the year end, with and without a budget;
//! and the review of the flagged lines from a file (`granskning.csv`) makes the round lockable.

mod common;
use common::{delar, fails, ok, stderr, stdout};
use std::path::Path;

const ORGANISATION: &str = "kod;namn;typ;överordnad;från;till;verksamhet
KN;Kommunen;programområde;;;;
BUN;Barn- och utbildningsnämnden;nämnd;KN;;;
100;Förskola Solen;enhet;BUN;;;407
200;Grundskola Månen;enhet;BUN;;;425
";

/// A 1985 ledger in SIE 4 (PC8, CRLF) for units 100 and 200: salaries and fees January–April,
/// and with `budget` a monthly #PBUDGET for the whole year. Unit 200's salaries run well
/// above budget so far.
fn sie_1985(budget: bool) -> Vec<u8> {
    let mut l: Vec<String> = [
        "#FLAGGA 0",
        "#PROGRAM \"Test\" 1",
        "#FORMAT PC8",
        "#SIETYP 4",
        "#FNAMN \"Testkommun\"",
        "#RAR 0 19850101 19851231",
        "#KONTO 1930 \"Bank\"",
        "#KONTO 3110 \"Avgifter\"",
        "#KONTO 5011 \"Löner\"",
        "#DIM 1 \"Ansvar\"",
        "#OBJEKT 1 \"100\" \"Förskola Solen\"",
        "#OBJEKT 1 \"200\" \"Grundskola Månen\"",
    ]
    .iter()
    .map(|s| s.to_string())
    .collect();
    if budget {
        for m in 1..=12 {
            for (unit, salaries) in [("100", 100_000), ("200", 150_000)] {
                l.push(format!(
                    "#PBUDGET 0 1985{m:02} 5011 {{1 \"{unit}\"}} {salaries}"
                ));
                l.push(format!(
                    "#PBUDGET 0 1985{m:02} 3110 {{1 \"{unit}\"}} -{}",
                    salaries / 10
                ));
            }
        }
    }
    let mut n = 0;
    for m in 1..=4 {
        for (unit, salaries) in [("100", 101_000), ("200", 190_000)] {
            n += 1;
            l.push(format!("#VER L {n} 1985{m:02}25 \"Löner\""));
            l.push("{".into());
            l.push(format!("#TRANS 5011 {{1 \"{unit}\"}} {salaries}"));
            l.push(format!("#TRANS 1930 {{}} -{salaries}"));
            l.push("}".into());
            n += 1;
            l.push(format!("#VER K {n} 1985{m:02}26 \"Avgifter\""));
            l.push("{".into());
            l.push(format!("#TRANS 3110 {{1 \"{unit}\"}} -{}", salaries / 10));
            l.push(format!("#TRANS 1930 {{}} {}", salaries / 10));
            l.push("}".into());
        }
    }
    // PC8 is code page 437: ö = 0x94.
    let text = l.join("\r\n") + "\r\n";
    text.chars()
        .map(|c| match c {
            'ö' => 0x94,
            'å' => 0x86,
            'ä' => 0x84,
            c => c as u8,
        })
        .collect()
}

/// A fresh database in `p` with the organisation and the 1985 ledger.
fn new_database(p: &Path, budget: bool) {
    std::fs::write(p.join("organisation.csv"), ORGANISATION).unwrap();
    std::fs::write(p.join("1985.se"), sie_1985(budget)).unwrap();
    ok(&["init"], p);
    ok(&["import", "organisation", "organisation.csv"], p);
    ok(&["import", "sie", "1985.se"], p);
}

#[test]
fn the_first_report_of_a_new_database_builds_and_checks() {
    for budget in [true, false] {
        let d = tempfile::tempdir().unwrap();
        let p = d.path();
        new_database(p, budget);
        // The case first: P1 with no round before it, no last year, no volumes, no
        // registers.
        for round in ["1985-P1", "1985-P2", "1985-05", "1985-B"] {
            ok(&["forecast", "run", "--round", round], p);
            let out = ok(
                &[
                    "report", "--round", round, "--format", "txt,json", "--out", "ut",
                ],
                p,
            );
            assert!(out.contains(&format!("delarsrapport-{round}.txt")), "{out}");
            let checked = ok(&["check", "--round", round], p);
            assert!(checked.starts_with("Inga fel"), "{checked}");
            let txt =
                std::fs::read_to_string(p.join(format!("ut/delarsrapport-{round}.txt"))).unwrap();
            // The development text keeps the deviation; last year is unknown, not zero.
            assert!(txt.contains("Avvikelsen mot budget är"), "{txt}");
            assert!(txt.contains("i.u. = ingen uppgift: utfallet för 1984 finns inte"));
            let bun = p.join(format!("ut/delarsrapport-{round}-BUN.txt"));
            assert!(bun.exists(), "the committee's appendix is written too");
        }
        // P1 is the first round of the year: the change since a previous round is left out.
        let p1 = std::fs::read_to_string(p.join("ut/delarsrapport-1985-P1.txt")).unwrap();
        assert!(!p1.contains("förändrats med"), "{p1}");
        let p2 = std::fs::read_to_string(p.join("ut/delarsrapport-1985-P2.txt")).unwrap();
        assert!(p2.contains("förändrats med"), "P2 has P1 before it: {p2}");
    }
}

#[test]
fn flagged_lines_are_reviewed_from_a_file_all_or_nothing_then_the_round_locks() {
    let d = tempfile::tempdir().unwrap();
    let p = d.path();
    new_database(p, true);
    ok(&["forecast", "run", "--round", "1985-P1"], p);
    // Without history the lines follow the budget while the salaries run above it: the lines
    // are flagged; the lock lists them and says what to do.
    let e = fails(&["forecast", "lock", "--round", "1985-P1"], p);
    assert!(e.contains("flaggade rader saknar kommentar"), "{e}");
    assert!(e.contains("delar forecast granska --round 1985-P1"), "{e}");
    let list = ok(&["forecast", "granska", "--round", "1985-P1"], p);
    assert!(list.contains("200:personal Grundskola Månen"), "{list}");
    assert!(list.contains("Flagga: "), "{list}");
    // The template lists them; a filled-in file in Windows-1252 with one bad row writes
    // nothing and names the file, row and column.
    ok(
        &[
            "forecast", "granska", "--round", "1985-P1", "--mall", "mall.csv",
        ],
        p,
    );
    let template = std::fs::read_to_string(p.join("mall.csv")).unwrap();
    let lines: Vec<&str> = template
        .lines()
        .skip(1)
        .map(|l| l.trim_end_matches(';'))
        .collect();
    assert!(lines.contains(&"200:personal"), "{template}");
    let mut csv = "rad;kommentar\r\n".to_string();
    for l in &lines {
        csv.push_str(&format!(
            "{l};Granskad: lönerna ligger över budget, åtgärder tas fram.\r\n"
        ));
    }
    let bad = format!("{csv}200:finns_inte;Granskad.\r\n");
    let cp1252 = |s: &str| -> Vec<u8> {
        s.chars()
            .map(|c| match c {
                'å' => 0xE5,
                'ä' => 0xE4,
                'ö' => 0xF6,
                c => c as u8,
            })
            .collect()
    };
    std::fs::write(p.join("granskning.csv"), cp1252(&bad)).unwrap();
    let e = fails(
        &[
            "forecast",
            "granska",
            "--round",
            "1985-P1",
            "--fil",
            "granskning.csv",
        ],
        p,
    );
    assert!(e.contains("ingen granskning sparades"), "{e}");
    assert!(
        e.contains(&format!(
            "granskning.csv, rad {}, kolumn \"rad\": prognosraden 200:finns_inte finns inte",
            lines.len() + 2
        )),
        "{e}"
    );
    let log = ok(&["forecast", "list", "--log", "1985-P1"], p);
    assert!(!log.contains("granskning"), "nothing was written: {log}");
    // The good file: one audit entry per line, then the round locks.
    std::fs::write(p.join("granskning.csv"), cp1252(&csv)).unwrap();
    let out = ok(
        &[
            "forecast",
            "granska",
            "--round",
            "1985-P1",
            "--fil",
            "granskning.csv",
        ],
        p,
    );
    assert!(out.contains("kan låsas"), "{out}");
    let log = ok(&["forecast", "list", "--log", "1985-P1"], p);
    assert_eq!(log.matches(" granskning ").count(), lines.len(), "{log}");
    assert!(
        log.contains("Granskad: lönerna ligger över budget"),
        "{log}"
    );
    ok(&["forecast", "lock", "--round", "1985-P1"], p);
    // The review notes stay out of the report.
    ok(
        &[
            "report", "--round", "1985-P1", "--format", "txt", "--out", "ut",
        ],
        p,
    );
    let txt = std::fs::read_to_string(p.join("ut/delarsrapport-1985-P1.txt")).unwrap();
    assert!(!txt.contains("Granskad"), "{txt}");
    // Options that do not go together are refused by the command line.
    let o = delar(&["forecast", "granska", "--round", "1985-P1", "--alla"], p);
    assert!(!o.status.success(), "{}{}", stdout(&o), stderr(&o));
}
