//! The programme report and the committees' appendices on Exempelkommun (`delar demo`), and
//! `delar report` / `delar check` with `[[bilaga]]` in a definition of one's own.

mod common;
use common::{delar, stderr, stdout};

#[test]
fn demo_writes_the_programme_report_and_the_committee_appendices() {
    let d = tempfile::tempdir().unwrap();
    let o = delar(&["demo", "--out", "ut"], d.path());
    assert!(o.status.success(), "{}", stderr(&o));
    let dir = d.path().join("ut/rapport");
    for stem in [
        "delarsrapport-2025-P2",
        "delarsrapport-2025-P2-SN",
        "delarsrapport-2025-P2-VON",
        "delarsrapport-2025-P2-FSN",
    ] {
        for ext in ["txt", "json", "html", "docx", "xlsx", "pdf"] {
            let p = dir.join(format!("{stem}.{ext}"));
            assert!(p.exists(), "{} missing", p.display());
        }
    }
    // The programme report: the consolidated programme area with the eliminations explained
    // in footnotes, and the intraprenader the demo imports.
    let main = std::fs::read_to_string(dir.join("delarsrapport-2025-P2.txt")).unwrap();
    for s in [
        "Programområde social välfärd per nämnd, helår 2025",
        "Eliminering: interna köp",
        "har eliminerats. Nettoresultatet påverkas inte.",
        "fördelade på motpart efter",
        "Intraprenadernas resultat och eget kapital 2025",
        "varav intraprenader",
        "Programnämndens egen verksamhet",
    ] {
        assert!(main.contains(s), "{s:?} missing in the programme report");
    }
    // The model agrees with the operating statement: the programme area's forecast is the
    // same in both tables.
    let json: serde_json::Value = serde_json::from_str(
        &std::fs::read_to_string(dir.join("delarsrapport-2025-P2.json")).unwrap(),
    )
    .unwrap();
    let mut tables = Vec::new();
    fn walk<'a>(s: &'a serde_json::Value, out: &mut Vec<&'a serde_json::Value>) {
        for b in s["blocks"].as_array().into_iter().flatten() {
            if b["block"] == "table" {
                out.push(b);
            }
        }
        for c in s["sections"].as_array().into_iter().flatten() {
            walk(c, out);
        }
    }
    for s in json["sections"].as_array().unwrap() {
        walk(s, &mut tables);
    }
    let cell = |table: &str, row: &str, col: &str| -> serde_json::Value {
        let t = tables
            .iter()
            .find(|t| t["id"] == table)
            .unwrap_or_else(|| panic!("no table {table}"));
        let ci = t["columns"]
            .as_array()
            .unwrap()
            .iter()
            .position(|c| c["key"] == col)
            .unwrap();
        let r = t["rows"]
            .as_array()
            .unwrap()
            .iter()
            .find(|r| r["key"] == row)
            .unwrap_or_else(|| panic!("{table}: no row {row}"));
        r["cells"][ci]["value"].clone()
    };
    assert_eq!(
        cell("programomrade", "PO", "prognos"),
        cell("drift", "summa", "prognos")
    );
    assert_eq!(
        cell("programomrade", "SN", "budget"),
        cell("drift", "SN", "budget")
    );
    // A committee's own report is about the committee only.
    let sn = std::fs::read_to_string(dir.join("delarsrapport-2025-P2-SN.txt")).unwrap();
    assert!(
        sn.contains("Socialnämnden fastställer delårsrapport 2 2025"),
        "{sn}"
    );
    assert!(!sn.contains("Vård- och omsorgsnämnden"), "{sn}");
    // A committee's goal areas are assessed from its own goals: an area with one goal of
    // the committee has that goal's status (the reading found FSN's area "partly" met beside
    // its only goal "met", because other committees' goals counted).
    let mut single_goal_areas = 0;
    for c in ["SN", "VON", "FSN"] {
        let text = std::fs::read_to_string(dir.join(format!("delarsrapport-2025-P2-{c}.txt")))
            .unwrap()
            .split_whitespace()
            .collect::<Vec<_>>()
            .join(" ");
        let status = |s: &str| {
            ["Uppnås delvis", "Uppnås inte", "Uppnås", "Ej bedömd"]
                .into_iter()
                .find(|w| s.starts_with(w))
                .unwrap_or_else(|| panic!("{c}: no status in {s:.40}"))
        };
        for area in text.split("Samlad bedömning för målområdet: ").skip(1) {
            let goals: Vec<&str> = area
                .split("Bedömning för helåret: ")
                .skip(1)
                .map(status)
                .collect();
            if goals.len() == 1 {
                single_goal_areas += 1;
                assert_eq!(status(area), goals[0], "{c}: {area:.300}");
            }
        }
    }
    assert!(single_goal_areas >= 3, "{single_goal_areas}");

    // `delar check` checks the programme report and every appendix: no findings.
    let o = delar(
        &[
            "check",
            "--round",
            "2025-P2",
            "--db",
            "ut/delar.db",
            "--json",
        ],
        d.path(),
    );
    assert!(o.status.success(), "{}", stdout(&o));
    let findings: serde_json::Value = serde_json::from_str(&stdout(&o)).unwrap();
    assert_eq!(findings.as_array().unwrap().len(), 0, "{findings}");
    let o = delar(
        &["check", "--round", "2025-P2", "--db", "ut/delar.db"],
        d.path(),
    );
    assert!(
        stdout(&o).contains("bilagorna för SN, VON, FSN klarar kontrollerna"),
        "{}",
        stdout(&o)
    );

    // A definition of one's own: the programme as one item, last year not comparable, one
    // appendix with its own definition (relative to the definition's file).
    std::fs::create_dir_all(d.path().join("def")).unwrap();
    std::fs::write(
        d.path().join("def/program.toml"),
        "enhet = \"tkr\"\ndecimaler = 0\njamforelse = \"ej-jamforbar\"\n\
         [[avsnitt]]\nrubrik = \"Programområdet\"\ninnehall = [{ typ = \"programomrade\" }]\n\
         [[bilaga]]\nnod = \"VON\"\ndefinition = \"von.toml\"\n",
    )
    .unwrap();
    std::fs::write(
        d.path().join("def/von.toml"),
        "[[avsnitt]]\nrubrik = \"Ekonomi\"\ninnehall = [{ typ = \"kontogrupper\" }]\n",
    )
    .unwrap();
    let o = delar(
        &[
            "report",
            "--round",
            "2025-P2",
            "--db",
            "ut/delar.db",
            "--definition",
            "def/program.toml",
            "--format",
            "txt",
            "--out",
            "egen",
        ],
        d.path(),
    );
    assert!(o.status.success(), "{}", stderr(&o));
    let mut files: Vec<String> = std::fs::read_dir(d.path().join("egen"))
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    files.sort();
    assert_eq!(
        files,
        [
            "delarsrapport-2025-P2-VON.txt",
            "delarsrapport-2025-P2.txt",
            "tjansteskrivelse-2025-P2.txt"
        ]
    );
    let main = std::fs::read_to_string(d.path().join("egen/delarsrapport-2025-P2.txt")).unwrap();
    for s in [
        "Förslag till beslut",
        "Nämndernas ekonomiska resultat",
        "Särskilda effekter",
        "Utfall 2024",
        "tkr",
    ] {
        assert!(main.contains(s), "{s:?} missing in {main}");
    }
    let von = std::fs::read_to_string(d.path().join("egen/delarsrapport-2025-P2-VON.txt")).unwrap();
    assert!(von.contains("Vård- och omsorgsnämnden: intäkter och kostnader per kontogrupp"));
    assert!(!von.contains("Förslag till beslut"), "{von}");

    // An appendix for a node that does not exist stops the run before anything is written.
    std::fs::write(
        d.path().join("def/fel.toml"),
        "[[avsnitt]]\nrubrik = \"A\"\ninnehall = [{ typ = \"driftsammandrag\" }]\n\
         [[bilaga]]\nnod = \"XN\"\n",
    )
    .unwrap();
    let o = delar(
        &[
            "report",
            "--round",
            "2025-P2",
            "--db",
            "ut/delar.db",
            "--definition",
            "def/fel.toml",
            "--out",
            "fel",
        ],
        d.path(),
    );
    assert!(!o.status.success());
    assert!(
        stderr(&o).contains("noden \"XN\" finns inte"),
        "{}",
        stderr(&o)
    );
    assert!(!d.path().join("fel").exists());
}
