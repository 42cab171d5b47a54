//! The formal layer of the report: the cover names the deciding body, meeting, paragraph and
//! diary number from the command line; the proposal is numbered and forwards the report.

mod common;
use common::{delar, ok, stderr};

#[test]
fn the_cover_and_proposal_carry_the_formal_fields() {
    let d = tempfile::tempdir().unwrap();
    let p = d.path();
    ok(&["demo", "--out", "ut"], p);
    let db = "ut/delar.db";
    ok(
        &[
            "report",
            "--round",
            "2025-P2",
            "--format",
            "txt,html",
            "--out",
            "formell",
            "--dnr",
            "PN 2025/77",
            "--paragraf",
            "132",
            "--sammantrade",
            "2025-09-18",
            "--db",
            db,
        ],
        p,
    );
    let txt = std::fs::read_to_string(p.join("formell/delarsrapport-2025-P2.txt")).unwrap();
    let cover: Vec<&str> = txt.lines().take(8).collect();
    assert!(
        cover.contains(&"Beslutande organ: Programnämnd social välfärd"),
        "{cover:?}"
    );
    assert!(
        cover.contains(&"Sammanträde: 2025-09-18, §\u{a0}132"),
        "{cover:?}"
    );
    assert!(cover.contains(&"Dnr: PN 2025/77"), "{cover:?}");
    assert!(
        txt.contains("│ 1. Programnämnd social välfärd fastställer delårsrapport 2 2025"),
        "{txt}"
    );
    assert!(txt.contains("│ 2. Delårsrapporten överlämnas till Kommunstyrelsen"));
    // The officer's report goes with it, in the same formats, with the report's own proposal.
    let officer = std::fs::read_to_string(p.join("formell/tjansteskrivelse-2025-P2.txt")).unwrap();
    assert!(officer.starts_with("Tjänsteskrivelse\n"), "{officer}");
    for l in ["Dnr: PN 2025/77", "Mottagare: Programnämnd social välfärd"] {
        assert!(officer.contains(l), "{l} in {officer}");
    }
    for point in txt
        .lines()
        .filter(|l| l.starts_with("│ ") && l.contains(". "))
        .take(3)
    {
        let point = point.trim_start_matches("│ ");
        assert!(officer.contains(point), "{point} in {officer}");
    }
    assert!(officer.contains("Beslutsunderlag") && officer.contains("Expedieras till"));
    assert!(p.join("formell/tjansteskrivelse-2025-P2.html").exists());
    let html = std::fs::read_to_string(p.join("formell/delarsrapport-2025-P2.html")).unwrap();
    assert!(html.contains("<div><dt>Dnr</dt><dd>PN 2025/77</dd></div>"));
    // A committee's own report goes to the programme committee.
    let sn = std::fs::read_to_string(p.join("formell/delarsrapport-2025-P2-SN.txt")).unwrap();
    assert!(sn.contains("Beslutande organ: Socialnämnden"));
    assert!(sn.contains("2. Delårsrapporten överlämnas till Programnämnd social välfärd"));
    // … and stands alone: the structure of a committee's interim report, with its own rows.
    for heading in [
        "Händelser av väsentlig betydelse",
        "Förväntad utveckling",
        "Sammanfattande iakttagelser",
        "Mål och indikatorer",
        "Åtaganden och uppdrag",
        "Effektiviseringar",
        "Volymer",
        "Personal",
        "Investeringar",
        "Fem år i sammandrag",
    ] {
        assert!(
            sn.lines()
                .any(|l| l.ends_with(heading) && l.starts_with(char::is_numeric)),
            "{heading} missing in the committee's report"
        );
    }
    assert!(
        !sn.contains("Vård- och omsorgsnämnden  "),
        "another committee's rows"
    );
    // A meeting that is not a date is refused before anything is written.
    let o = delar(
        &[
            "report",
            "--round",
            "2025-P2",
            "--out",
            "fel",
            "--sammantrade",
            "18/9",
            "--db",
            db,
        ],
        p,
    );
    assert_eq!(o.status.code(), Some(1));
    assert!(
        stderr(&o).contains("sammanträdesdagen \"18/9\" är inget datum"),
        "{}",
        stderr(&o)
    );
    assert!(!p.join("fel").exists());
}
