//! End-to-end tests of the template imports and the `organisation` and `volymer` commands, on
//! a slice of Exempelkommun in `tests/fixtures/`.

use std::path::PathBuf;
use std::process::Output;

mod common;
use common::{delar, stderr, stdout};

fn fixture(name: &str) -> String {
    let p = PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("tests/fixtures")
        .join(name);
    std::fs::read_to_string(p).unwrap()
}

/// A temporary directory holding copies of the fixtures.
fn workdir() -> tempfile::TempDir {
    let d = tempfile::tempdir().unwrap();
    for f in [
        "organisation.csv",
        "volymserier.csv",
        "volymer.csv",
        "budget.csv",
        "tillaggsbudget.csv",
    ] {
        std::fs::write(d.path().join(f), fixture(f)).unwrap();
    }
    d
}

fn ok(o: &Output) -> String {
    assert!(
        o.status.success(),
        "exit {:?}\n{}\n{}",
        o.status,
        stdout(o),
        stderr(o)
    );
    stdout(o)
}

#[test]
fn organisation_import_and_tree() {
    let d = workdir();
    let out = ok(&delar(
        &["import", "organisation", "organisation.csv"],
        d.path(),
    ));
    assert!(
        out.contains("Importerade organisation.csv (organisation) som batch 1: 20 rader för 19 koder, varav 4 nämnder. Strukturen ändras 2025-01."),
        "{out}"
    );

    let tree = ok(&delar(&["organisation", "--month", "2025-08"], d.path()));
    assert!(tree.starts_with("Organisationen 2025-08 (19 enheter):\nPO  Programområde social välfärd (programområde)\n  PN  Programnämnd social välfärd (programnämnd)\n  SN  Socialnämnden (nämnd)\n    SN-MYN  Myndighet barn och unga (område)\n      SN-MYN-1  Utredning barn och unga (enhet, verksamhet 569)\n"), "{tree}");
    assert!(
        tree.contains("  FSN  Funktionsstödsnämnden (nämnd)\n    VON-KB  Korttidsboende Björken (enhet, verksamhet 513, från 2025-01)\n"),
        "{tree}"
    );
    assert!(
        tree.contains("Ändringar sedan 2024-08")
            && tree.contains("VON-KB Korttidsboende Björken har flyttats från VON till FSN."),
        "{tree}"
    );
    let before = ok(&delar(&["organisation", "--month", "2024-08"], d.path()));
    assert!(
        before.contains("  VON  Vård- och omsorgsnämnden (nämnd)\n")
            && before.contains(
                "    VON-KB  Korttidsboende Björken (enhet, verksamhet 510, till 2024-12)\n"
            ),
        "{before}"
    );
    let o = delar(&["organisation", "--month", "2025-13"], d.path());
    assert_eq!(o.status.code(), Some(1));
    assert!(stderr(&o).contains("ÅÅÅÅ-MM"), "{}", stderr(&o));

    // Same file again: unchanged; a broken file: exit 1 with file, row and column, and the
    // organisation in force is still the old one.
    let out = ok(&delar(
        &["import", "organisation", "organisation.csv"],
        d.path(),
    ));
    assert!(
        out.contains("redan importerad (batch 1); inget ändrades"),
        "{out}"
    );
    let broken = fixture("organisation.csv")
        .replace(
            "FSN-DV;Daglig verksamhet;enhet;FSN",
            "FSN-DV;Daglig verksamhet;enhet;FSNX",
        )
        .replace(
            "VON-HT-S;Hemtjänst Syd;enhet",
            "VON-HT-S;Hemtjänst Syd;avdelning",
        );
    std::fs::write(d.path().join("org2.csv"), broken).unwrap();
    let batches = stdout(&delar(&["batches"], d.path()));
    let o = delar(&["import", "organisation", "org2.csv"], d.path());
    assert_eq!(o.status.code(), Some(1));
    let err = stderr(&o);
    assert!(
        err.starts_with("delar: org2.csv har 1 fel; ingenting importerades\n  org2.csv, rad 13, kolumn \"typ\": \"avdelning\" är inte tillåtet."),
        "{err}"
    );
    // With the kind fixed, the unknown parent is found (tree checks run once rows parse).
    let broken = fixture("organisation.csv").replace(
        "FSN-DV;Daglig verksamhet;enhet;FSN",
        "FSN-DV;Daglig verksamhet;enhet;FSNX",
    );
    std::fs::write(d.path().join("org3.csv"), broken).unwrap();
    let o = delar(&["import", "organisation", "org3.csv"], d.path());
    assert_eq!(o.status.code(), Some(1));
    assert!(
        stderr(&o).contains("org3.csv, rad 20, kolumn \"överordnad\": den överordnade \"FSNX\" finns inte i organisationen."),
        "{}",
        stderr(&o)
    );
    assert_eq!(stdout(&delar(&["batches"], d.path())), batches);
    assert_eq!(
        ok(&delar(&["organisation", "--month", "2025-08"], d.path())),
        tree
    );
}

#[test]
fn volumes_series_first_then_values() {
    let d = workdir();
    ok(&delar(&["init"], d.path()));
    ok(&delar(
        &["import", "organisation", "organisation.csv"],
        d.path(),
    ));
    // Values before their series: refused, nothing stored.
    let o = delar(&["import", "volymer", "volymer.csv"], d.path());
    assert_eq!(o.status.code(), Some(1));
    let err = stderr(&o);
    assert!(err.starts_with("delar: volymer.csv har 12 fel; ingenting importerades\n  volymer.csv, rad 2, kolumn \"serie\": serien \"plac_barn_hvb_personer\" finns inte. Importera den först med volymserier.csv"), "{err}");
    assert_eq!(stdout(&delar(&["batches"], d.path())).lines().count(), 1);

    let out = ok(&delar(
        &["import", "volymserier", "volymserier.csv"],
        d.path(),
    ));
    assert!(out.contains("6 serier (6 nya, 0 uppdaterade)"), "{out}");
    let out = ok(&delar(&["import", "volymer", "volymer.csv"], d.path()));
    assert!(
        out.contains("12 värden för 6 serier, 2025-01\u{2013}2025-03."),
        "{out}"
    );

    let list = ok(&delar(&["volymer"], d.path()));
    let hvb = list
        .lines()
        .find(|l| l.starts_with("plac_barn_hvb_personer "))
        .unwrap();
    assert!(hvb.contains("bestånd") && hvb.contains("SN-EXT"), "{hvb}");
    assert!(hvb.ends_with("3       –  2025-01\u{2013}2025-03"), "{hvb}");

    let one = ok(&delar(
        &[
            "volymer",
            "--serie",
            "plac_barn_hvb_dygnskostnad",
            "--year",
            "2025",
        ],
        d.path(),
    ));
    assert!(one.starts_with("plac_barn_hvb_dygnskostnad \u{2013} Barn och unga, HVB, kostnad per dygn (pris, kr/dygn, ansvar SN-EXT, kategori Externa placeringar)\n"), "{one}");
    assert!(has_line(&one, &["2025-01", "4\u{a0}350,5"]), "{one}");
    let none = ok(&delar(
        &[
            "volymer",
            "--serie",
            "plac_barn_hvb_personer",
            "--year",
            "2024",
        ],
        d.path(),
    ));
    assert!(none.contains("Inga värden för 2024."), "{none}");
    let o = delar(&["volymer", "--serie", "okand"], d.path());
    assert_eq!(o.status.code(), Some(1));
    assert!(stderr(&o).contains("volymserien \"okand\" finns inte"));

    // A correction for February replaces that month only.
    std::fs::write(
        d.path().join("rattelse.csv"),
        "serie;månad;värde;kommentar\nplac_barn_hvb_personer;2025-02;15,5;Rättad\n",
    )
    .unwrap();
    let out = ok(&delar(&["import", "volymer", "rattelse.csv"], d.path()));
    assert!(
        out.contains("1 värde ersatte tidigare importerade"),
        "{out}"
    );
    let one = ok(&delar(
        &["volymer", "--serie", "plac_barn_hvb_personer"],
        d.path(),
    ));
    assert!(has_line(&one, &["2025-02", "15,5", "Rättad"]), "{one}");
    assert!(has_line(&one, &["2025-03", "13,6"]), "{one}");
}

/// True when a line of `text` consists of `words` separated by spaces (the alignment aside).
fn has_line(text: &str, words: &[&str]) -> bool {
    text.lines()
        .any(|l| l.split(' ').filter(|w| !w.is_empty()).collect::<Vec<_>>() == words)
}

/// Total budget of an account in `delar ledger --format json` output.
fn budget_of(json: &str, key: &str) -> String {
    let v: serde_json::Value = serde_json::from_str(json).unwrap();
    v["rows"]
        .as_array()
        .unwrap()
        .iter()
        .find(|r| r["key"] == key)
        .map(|r| r["budget_total"].as_str().unwrap().to_string())
        .unwrap_or_default()
}

#[test]
fn budget_import_all_or_nothing_and_versions_add_up() {
    let d = workdir();
    ok(&delar(
        &["import", "organisation", "organisation.csv"],
        d.path(),
    ));

    // A bad row in the middle: nothing is imported.
    let mut bad: Vec<String> = fixture("budget.csv").lines().map(str::to_string).collect();
    bad.insert(
        4,
        "Budget 2025;2024-11-20;2025-02;9999;VON-HT-N;504;1;".into(),
    );
    std::fs::write(d.path().join("fel.csv"), bad.join("\n")).unwrap();
    let batches = stdout(&delar(&["batches"], d.path()));
    let o = delar(&["import", "budget", "fel.csv"], d.path());
    assert_eq!(o.status.code(), Some(1));
    let err = stderr(&o);
    assert!(
        err.contains("fel.csv, rad 5, kolumn \"konto\": konto 9999 hör inte till någon kontogrupp"),
        "{err}"
    );
    assert_eq!(stdout(&delar(&["batches"], d.path())), batches);
    let o = delar(&["ledger", "--year", "2025"], d.path());
    assert_eq!(o.status.code(), Some(1), "no budget, no year");

    let out = ok(&delar(&["import", "budget", "budget.csv"], d.path()));
    assert!(out.contains("1 budgetversion: Budget 2025 (beslutad 2024-11-20, 8 rader, netto 11\u{a0}630\u{a0}000 kr)."), "{out}");
    let json = ok(&delar(
        &[
            "ledger", "--year", "2025", "--by", "account", "--format", "json",
        ],
        d.path(),
    ));
    assert_eq!(budget_of(&json, "4610"), "6300000.00");
    assert_eq!(budget_of(&json, "3110"), "-120000.00");

    let out = ok(&delar(
        &["import", "budget", "tillaggsbudget.csv"],
        d.path(),
    ));
    assert!(
        out.contains("Tilläggsbudget 1 (beslutad 2025-05-15, 2 rader, netto 500\u{a0}000 kr)"),
        "{out}"
    );
    let json = ok(&delar(
        &[
            "ledger", "--year", "2025", "--by", "account", "--format", "json", "--object",
            "1:SN-EXT",
        ],
        d.path(),
    ));
    assert_eq!(budget_of(&json, "4610"), "5900000.00");

    // Both files again: unchanged the second time for the last one; the first replaces its
    // own version with the same lines.
    let out = ok(&delar(
        &["import", "budget", "tillaggsbudget.csv"],
        d.path(),
    ));
    assert!(out.contains("redan importerad"), "{out}");
    let out = ok(&delar(&["import", "budget", "budget.csv"], d.path()));
    assert!(
        out.contains("Ersatte tidigare importerade versionen \"Budget 2025\""),
        "{out}"
    );
    let json = ok(&delar(
        &[
            "ledger", "--year", "2025", "--by", "account", "--format", "json",
        ],
        d.path(),
    ));
    assert_eq!(budget_of(&json, "4610"), "6800000.00");
    let log = stdout(&delar(&["batches"], d.path()));
    assert!(
        log.contains("budget.csv") && log.contains("8 rader"),
        "{log}"
    );
    assert!(log.contains("ersatt"), "{log}");
}

#[test]
fn volume_budget_import_checks_series_and_replaces_versions() {
    let d = workdir();
    ok(&delar(&["init"], d.path()));
    ok(&delar(
        &["import", "organisation", "organisation.csv"],
        d.path(),
    ));
    ok(&delar(
        &["import", "volymserier", "volymserier.csv"],
        d.path(),
    ));
    let mut text = String::from("version;beslutad;serie;månad;värde;kommentar\n");
    for m in 1..=12 {
        text.push_str(&format!(
            "Budget 2025;;plac_barn_hvb_personer;2025-{m:02};14,5;\n\
             Budget 2025;;plac_barn_hvb_dygnskostnad;2025-{m:02};4 300;\n"
        ));
    }
    std::fs::write(d.path().join("volymbudget.csv"), &text).unwrap();
    let out = ok(&delar(
        &["import", "volymbudget", "volymbudget.csv"],
        d.path(),
    ));
    assert!(
        out.contains("(volymbudget)") && out.contains("24 budgetvärden för 2 serier i 1 version"),
        "{out}"
    );
    // The series list counts the budget months; one series shows value, budget and the
    // difference per month, and the budget for months without values yet.
    std::fs::write(
        d.path().join("jan.csv"),
        "serie;månad;värde;kommentar\nplac_barn_hvb_personer;2025-01;14,2;\n",
    )
    .unwrap();
    ok(&delar(&["import", "volymer", "jan.csv"], d.path()));
    let list = ok(&delar(&["volymer"], d.path()));
    let hvb = list
        .lines()
        .find(|l| l.starts_with("plac_barn_hvb_personer "))
        .unwrap();
    assert!(hvb.ends_with(" 1      12  2025-01"), "{hvb}");
    let one = ok(&delar(
        &["volymer", "--serie", "plac_barn_hvb_personer"],
        d.path(),
    ));
    assert!(one.contains("månad") && one.contains("mot budget"), "{one}");
    let jan = one.lines().find(|l| l.starts_with("2025-01")).unwrap();
    let cells: Vec<&str> = jan.split_whitespace().collect();
    assert_eq!(cells, ["2025-01", "14,2", "14,5", "\u{2212}0,3"], "{jan}");
    let dec = one.lines().find(|l| l.starts_with("2025-12")).unwrap();
    assert_eq!(
        dec.split_whitespace().collect::<Vec<_>>(),
        ["2025-12", "–", "14,5", "–"],
        "{dec}"
    );
    // An unknown series and a negative price: refused with file, row and column.
    std::fs::write(
        d.path().join("tillagg.csv"),
        "version;beslutad;serie;månad;värde\n\
         Tilläggsbudget 1;2025-06-17;plac_barn_hvb_personer;2025-07;16\n\
         Tilläggsbudget 1;2025-06-17;plac_vuxna_personer;2025-07;30\n",
    )
    .unwrap();
    let o = delar(&["import", "volymbudget", "tillagg.csv"], d.path());
    assert_eq!(o.status.code(), Some(1));
    let err = stderr(&o);
    assert!(
        err.contains(
            "tillagg.csv, rad 3, kolumn \"serie\": serien \"plac_vuxna_personer\" finns inte"
        ),
        "{err}"
    );
    std::fs::write(
        d.path().join("tillagg.csv"),
        "version;beslutad;serie;månad;värde\n\
         Tilläggsbudget 1;2025-06-17;plac_barn_hvb_personer;2025-07;16\n",
    )
    .unwrap();
    let out = ok(&delar(&["import", "volymbudget", "tillagg.csv"], d.path()));
    assert!(
        out.contains("1 budgetvärde för 1 serie i 1 version (Tilläggsbudget 1)"),
        "{out}"
    );
}
