//! End-to-end tests of the `delar` binary on small SIE files written here.

use std::path::{Path, PathBuf};

mod common;
use common::{delar, stderr, stdout};

const LEDGER: &str = "#FLAGGA 0\n#PROGRAM \"Test\" 1\n#FORMAT PC8\n#SIETYP 4\n#FNAMN \"Testkommun\"\n#ORGNR 212000-1111\n#RAR 0 20250101 20251231\n#KONTO 1930 \"Bank\"\n#KONTO 2440 \"Leverantörsskulder\"\n#KONTO 4610 \"Köp av huvudverksamhet\"\n#KONTO 5011 \"Löner\"\n#KONTO 3110 \"Avgifter\"\n#DIM 1 \"Ansvar\"\n#OBJEKT 1 \"100\" \"Hemtjänst\"\n#OBJEKT 1 \"200\" \"Boende\"\n#IB 0 1930 10000\n#UB 0 1930 9100\n#IB 0 2440 0\n#UB 0 2440 -500\n#RES 0 4610 500\n#RES 0 5011 1000\n#RES 0 3110 -100\n#PBUDGET 0 202501 4610 {} 600\n#PBUDGET 0 202502 4610 {} 600\n#VER A 1 20250110 \"Placering\"\n{\n#TRANS 4610 {1 \"100\"} 500\n#TRANS 2440 {} -500\n}\n#VER L 1 20250225 \"Lön\"\n{\n#TRANS 5011 {1 \"100\"} 600\n#TRANS 5011 {1 \"200\"} 400\n#TRANS 1930 {} -1000\n}\n#VER K 1 20250228 \"Avgift\"\n{\n#TRANS 3110 {1 \"200\"} -100\n#TRANS 1930 {} 100\n}\n";

fn tmp() -> tempfile::TempDir {
    tempfile::tempdir().unwrap()
}

fn write(dir: &Path, name: &str, bytes: &[u8]) -> PathBuf {
    let p = dir.join(name);
    std::fs::write(&p, bytes).unwrap();
    p
}

fn cp437(s: &str) -> Vec<u8> {
    delar_sie::Encoding::Cp437.encode(s).into_owned()
}

#[test]
fn sie_check_json_and_exit_codes() {
    let d = tmp();
    write(d.path(), "ok.se", &cp437(LEDGER));
    let o = delar(&["sie", "check", "--json", "ok.se"], d.path());
    assert!(o.status.success(), "{}", stderr(&o));
    let v: serde_json::Value = serde_json::from_str(stdout(&o).trim()).unwrap();
    assert_eq!(v["sie_type"], "4E");
    assert_eq!(v["encoding"], "CP437 (PC8)");
    assert_eq!(v["program"], "Test 1");
    assert_eq!(v["vouchers"], 3);
    assert_eq!(v["transactions"], 7);
    assert_eq!(v["accounts"], 5);
    assert_eq!(v["years"]["0"]["ub"]["1930"], "9100.00");
    assert_eq!(v["years"]["0"]["trans"]["5011"], "1000.00");
    assert_eq!(v["years"]["0"]["res"]["3110"], "-100.00");
    assert_eq!(v["findings"].as_array().unwrap().len(), 0);

    let bad = LEDGER.replace("#TRANS 2440 {} -500", "#TRANS 2440 {} -499");
    write(d.path(), "bad.se", &cp437(&bad));
    let o = delar(&["sie", "check", "ok.se", "bad.se"], d.path());
    assert_eq!(o.status.code(), Some(1));
    let out = stdout(&o);
    assert!(out.contains("bad.se:25: fel: verifikation A 1"), "{out}");
    assert!(out.contains("balanserar inte"), "{out}");
    assert!(out.contains("Resultat: inga fel"), "{out}");

    let o = delar(&["sie", "check", "saknas.se"], d.path());
    assert_eq!(o.status.code(), Some(1));
    assert!(stderr(&o).contains("kan inte öppnas"));
}

#[test]
fn import_ledger_reimport_and_failed_import() {
    let d = tmp();
    write(d.path(), "huvudbok.se", &cp437(LEDGER));
    let o = delar(&["init"], d.path());
    assert!(o.status.success(), "{}", stderr(&o));
    assert!(stdout(&o).contains("Skapade databasen delar.db"));
    let o = delar(&["init"], d.path());
    assert_eq!(o.status.code(), Some(1), "init twice must refuse");

    let o = delar(&["import", "sie", "huvudbok.se"], d.path());
    assert!(o.status.success(), "{}", stderr(&o));
    let out = stdout(&o);
    assert!(out.contains("3 verifikationer, 7 transaktioner"), "{out}");
    assert!(out.contains("källa 212000-1111"), "{out}");

    let o = delar(
        &[
            "ledger", "--year", "2025", "--by", "account", "--format", "json",
        ],
        d.path(),
    );
    assert!(o.status.success(), "{}", stderr(&o));
    let v: serde_json::Value = serde_json::from_str(&stdout(&o)).unwrap();
    let rows = v["rows"].as_array().unwrap();
    let row = |k: &str| rows.iter().find(|r| r["key"] == k).unwrap().clone();
    assert_eq!(row("4610")["outcome"][0], "500.00");
    assert_eq!(row("4610")["budget_total"], "1200.00");
    assert_eq!(row("5011")["outcome"][1], "1000.00");
    assert!(
        rows.iter().all(|r| r["key"] != "1930"),
        "balance accounts are not in the ledger"
    );

    let o = delar(
        &[
            "ledger", "--year", "2025", "--object", "1:200", "--format", "csv",
        ],
        d.path(),
    );
    assert!(o.status.success(), "{}", stderr(&o));
    let csv = stdout(&o);
    assert!(
        csv.contains("personal;\"Personalkostnader\";utfall;0,00;400,00;"),
        "{csv}"
    );
    assert!(
        csv.contains("avgifter;\"Avgifter\";utfall;0,00;-100,00;"),
        "{csv}"
    );

    let o = delar(&["ledger", "--year", "2025"], d.path());
    let table = stdout(&o);
    assert!(table.contains("Personalkostnader"), "{table}");
    assert!(table.contains("Köp av verksamhet"), "{table}");

    // Byte-identical file again: nothing changes, and it says so.
    let o = delar(&["import", "sie", "huvudbok.se"], d.path());
    assert!(o.status.success());
    assert!(stdout(&o).contains("redan importerad"), "{}", stdout(&o));

    // A broken file: error with file and line, database unchanged.
    let before = stdout(&delar(&["batches"], d.path()));
    let bad = LEDGER.replace("#VER K 1 20250228", "#VER K 1 20250230");
    write(d.path(), "trasig.se", &cp437(&bad));
    let o = delar(&["import", "sie", "trasig.se"], d.path());
    assert_eq!(o.status.code(), Some(1));
    let err = stderr(&o);
    assert!(err.contains("trasig.se"), "{err}");
    assert!(err.contains("februari har 28 dagar"), "{err}");
    assert_eq!(stdout(&delar(&["batches"], d.path())), before);

    // A new export of the same year replaces the old one.
    let newer = LEDGER.replace("#VER K 1 20250228 \"Avgift\"\n{\n#TRANS 3110 {1 \"200\"} -100\n#TRANS 1930 {} 100\n}\n", "").replace("#UB 0 1930 9100", "#UB 0 1930 9000").replace("#RES 0 3110 -100\n", "");
    write(d.path(), "huvudbok-v2.se", &cp437(&newer));
    let o = delar(&["import", "sie", "huvudbok-v2.se"], d.path());
    assert!(o.status.success(), "{}", stderr(&o));
    assert!(stdout(&o).contains("Ersatte"), "{}", stdout(&o));
    let batches = stdout(&delar(&["batches"], d.path()));
    assert!(batches.contains("ersatt"), "{batches}");
    assert_eq!(batches.lines().count(), 2, "{batches}");
    let o = delar(
        &[
            "ledger", "--year", "2025", "--by", "account", "--format", "json",
        ],
        d.path(),
    );
    let v: serde_json::Value = serde_json::from_str(&stdout(&o)).unwrap();
    assert!(v["rows"]
        .as_array()
        .unwrap()
        .iter()
        .all(|r| r["key"] != "3110"));
}

#[test]
fn account_groups_file() {
    let d = tmp();
    let groups = "name = \"Testkommun\"\n[[group]]\ncode = \"int\"\nname = \"Intäkter\"\nkind = \"revenue\"\nranges = [\"3\"]\n[[group]]\ncode = \"kost\"\nname = \"Kostnader\"\nkind = \"cost\"\nranges = [\"4-7\"]\n";
    write(d.path(), "grupper.toml", groups.as_bytes());
    assert!(delar(&["init", "--kontogrupper", "grupper.toml"], d.path())
        .status
        .success());
    write(d.path(), "huvudbok.se", &cp437(LEDGER));
    assert!(delar(&["import", "sie", "huvudbok.se"], d.path())
        .status
        .success());
    let o = delar(&["ledger", "--year", "2025", "--format", "json"], d.path());
    let v: serde_json::Value = serde_json::from_str(&stdout(&o)).unwrap();
    let keys: Vec<&str> = v["rows"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| r["key"].as_str().unwrap())
        .collect();
    assert_eq!(keys, vec!["int", "kost"]);
    let o = delar(&["kontogrupper"], d.path());
    assert!(stdout(&o).contains("Testkommun"));

    let overlapping = groups.replace("[\"4-7\"]", "[\"3-7\"]");
    write(d.path(), "fel.toml", overlapping.as_bytes());
    let o = delar(&["kontogrupper", "fel.toml"], d.path());
    assert_eq!(o.status.code(), Some(1));
    assert!(stderr(&o).contains("överlappar"), "{}", stderr(&o));
}

#[test]
fn demo_writes_the_ledger() {
    let d = tmp();
    let o = delar(&["demo", "--out", "ut"], d.path());
    assert!(o.status.success(), "{}", stderr(&o));
    // Numbers in messages the Swedish way: decimal comma, a space between thousands.
    let out = stdout(&o);
    let done = out.lines().last().unwrap();
    let secs = done
        .strip_prefix("Klart på ")
        .and_then(|d| d.strip_suffix(" s."))
        .unwrap_or_else(|| panic!("{done}"));
    assert!(secs.contains(',') && !secs.contains('.'), "{done}");
    let vouchers = out
        .lines()
        .find(|l| l.contains("exempelkommun-2024.se:"))
        .unwrap_or_else(|| panic!("{out}"));
    let count = vouchers
        .split(": ")
        .nth(1)
        .unwrap()
        .split(' ')
        .next()
        .unwrap();
    assert!(count.contains('\u{a0}'), "{vouchers}");
    let table = std::fs::read_to_string(d.path().join("ut/huvudbok-kontogrupper.txt")).unwrap();
    for g in [
        "Personalkostnader",
        "Köp av verksamhet",
        "Avgifter",
        "Netto",
    ] {
        assert!(table.contains(g), "{g} missing in {table}");
    }
    // The forecast per committee, with its error against the generator's ground truth.
    let summary = std::fs::read_to_string(d.path().join("ut/prognos-namnder.txt")).unwrap();
    for n in [
        "Socialnämnden",
        "Vård- och omsorgsnämnden",
        "Funktionsstödsnämnden",
        "Programområde social välfärd",
        "Prognosfel",
    ] {
        assert!(summary.contains(n), "{n} missing in {summary}");
    }
    let lines = std::fs::read_to_string(d.path().join("ut/prognos.csv")).unwrap();
    assert!(lines.starts_with("ansvar;kontogrupp;metod;"), "{lines}");
    assert!(lines.lines().count() > 100, "too few forecast lines");
    // Method codes and amounts in kronor with a decimal comma, as every CSV.
    for l in lines.lines().skip(1) {
        let cells: Vec<&str> = l.splitn(10, ';').collect();
        assert!(
            [
                "budget",
                "linjar",
                "sasong",
                "volym",
                "utjamning",
                "kombination",
                "manuell"
            ]
            .contains(&cells[2]),
            "{l}"
        );
        for c in &cells[3..9] {
            let (int, dec) = c.split_once(',').unwrap_or_else(|| panic!("{c} in {l}"));
            assert!(
                int.trim_start_matches('-').parse::<u64>().is_ok() && dec.len() == 2,
                "{l}"
            );
        }
    }
    // Everything went through the import paths: the batch log has the templates, the SIE
    // files and the registers.
    let o = delar(&["batches", "--db", "ut/delar.db"], d.path());
    let log = stdout(&o);
    for k in [
        "organisation",
        "volymer",
        "budget",
        "exempelkommun-2024.se",
        "indikatorer",
        "koer",
    ] {
        assert!(log.contains(k), "{k} missing in {log}");
    }
    // The report has the register chapters, and the whole report passes R1–R14.
    let report =
        std::fs::read_to_string(d.path().join("ut/rapport/delarsrapport-2025-P2.txt")).unwrap();
    for h in [
        "Befolkningsutveckling",
        "Riktade statsbidrag",
        "Ej verkställda beslut och väntetider",
        "I slutet av augusti 2025 fanns",
    ] {
        assert!(report.contains(h), "{h} missing in the report");
    }
    let o = delar(
        &["check", "--round", "2025-P2", "--db", "ut/delar.db"],
        d.path(),
    );
    assert!(o.status.success(), "{}{}", stdout(&o), stderr(&o));
    assert!(stdout(&o).contains("Inga fel"), "{}", stdout(&o));
    // Same seed, same files and the same forecast: the demo is reproducible.
    let sie = d.path().join("ut/indata/sie/exempelkommun-2025.se");
    let first = std::fs::read(&sie).unwrap();
    assert!(delar(&["demo", "--out", "ut"], d.path()).status.success());
    assert_eq!(std::fs::read(&sie).unwrap(), first);
    assert_eq!(
        std::fs::read_to_string(d.path().join("ut/prognos-namnder.txt")).unwrap(),
        summary
    );
    let o = delar(
        &["sie", "check", "ut/indata/sie/exempelkommun-2025.se"],
        d.path(),
    );
    assert!(o.status.success(), "{}", stdout(&o));
}

#[test]
fn generate_writes_exempelkommun_and_the_files_check_clean() {
    let d = tmp();
    let o = delar(
        &[
            "generate", "--out", "ek", "--scale", "small", "--round", "2025-P1",
        ],
        d.path(),
    );
    assert!(o.status.success(), "{}", stderr(&o));
    let out = stdout(&o);
    assert!(out.contains("brytmånad 2025-04"), "{out}");
    assert!(out.contains("sie/exempelkommun-2021.se"), "{out}");
    assert!(out.contains("truth/volymer.csv"), "{out}");
    assert!(out.contains("verifikationer"), "{out}");
    let o = delar(
        &[
            "sie",
            "check",
            "ek/sie/exempelkommun-2025.se",
            "ek/truth/sie/exempelkommun-2025.se",
        ],
        d.path(),
    );
    assert!(o.status.success(), "{}", stdout(&o));
    let volumes = std::fs::read_to_string(d.path().join("ek/volymer.csv")).unwrap();
    assert!(volumes.lines().last().unwrap().contains(";2025-04;"));
    // Bad options give Swedish errors.
    let o = delar(&["generate", "--out", "x", "--scale", "jätte"], d.path());
    assert_eq!(o.status.code(), Some(2), "a usage error");
    assert!(
        stderr(&o).contains(
            "ogiltigt värde \"jätte\" för --scale <SKALA>; möjliga värden: liten, standard, \
             mellan, stor"
        ),
        "{}",
        stderr(&o)
    );
    let o = delar(&["generate", "--out", "x", "--round", "2024-08"], d.path());
    assert!(!o.status.success());
    assert!(
        stderr(&o).contains("brytmånaden måste ligga i 2025"),
        "{}",
        stderr(&o)
    );
}

/// A corpus file from `crates/sie/tests/quirks`, copied into `dir`.
fn quirk(dir: &Path, name: &str) -> PathBuf {
    let src = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../sie/tests/quirks")
        .join(name);
    let bytes = std::fs::read(&src).unwrap_or_else(|e| panic!("{}: {e}", src.display()));
    write(dir, name, &bytes)
}

#[test]
fn sie_check_names_accounts_outside_the_groups_of_the_database_in_force() {
    let d = tmp();
    quirk(d.path(), "konton-utanfor-grupper.se");
    // Without a database: Kommun-Bas. A warning, not an error.
    let o = delar(&["sie", "check", "konton-utanfor-grupper.se"], d.path());
    assert!(o.status.success(), "{}{}", stdout(&o), stderr(&o));
    let out = stdout(&o);
    assert!(
        out.contains("3 resultatkonton hör inte till någon kontogrupp i \"Kommun-Bas standard\""),
        "{out}"
    );
    assert!(
        out.contains("9000 Interna poster 2\u{a0}500,00 kr"),
        "{out}"
    );
    assert!(out.contains("Resultat: inga fel, 1 varning."), "{out}");
    // A database whose groups cover class 0 and 9 (here: delar.db, found without --db).
    let mut toml = delar_core::accounts::KOMMUN_BAS_TOML.to_string();
    toml.push_str("\n[[group]]\ncode = \"interna\"\nname = \"Interna\"\nkind = \"cost\"\nranges = [\"0\", \"9\"]\n");
    write(d.path(), "grupper.toml", toml.as_bytes());
    assert!(delar(&["init", "--kontogrupper", "grupper.toml"], d.path())
        .status
        .success());
    let out = stdout(&delar(
        &["sie", "check", "konton-utanfor-grupper.se"],
        d.path(),
    ));
    assert!(out.contains("Resultat: inga fel eller varningar."), "{out}");
    // --db names another database; one that does not exist is an error.
    assert!(delar(&["init", "--db", "standard.db"], d.path())
        .status
        .success());
    let o = delar(
        &[
            "sie",
            "check",
            "--db",
            "standard.db",
            "--json",
            "konton-utanfor-grupper.se",
        ],
        d.path(),
    );
    let v: serde_json::Value = serde_json::from_str(stdout(&o).trim()).unwrap();
    assert_eq!(v["findings"][0]["code"], "ungrouped-account");
    assert_eq!(v["findings"][0]["cause"], serde_json::Value::Null);
    let o = delar(
        &[
            "sie",
            "check",
            "--db",
            "saknas.db",
            "konton-utanfor-grupper.se",
        ],
        d.path(),
    );
    assert_eq!(o.status.code(), Some(1));
    assert!(stderr(&o).contains("saknas.db"), "{}", stderr(&o));
}

#[test]
fn sie_check_lists_follow_ons_under_their_cause() {
    let d = tmp();
    quirk(d.path(), "avbruten.se");
    quirk(d.path(), "html-sida.se");
    let o = delar(&["sie", "check", "avbruten.se", "html-sida.se"], d.path());
    assert_eq!(o.status.code(), Some(1));
    let out = stdout(&o);
    let lines: Vec<&str> = out.lines().collect();
    let cut = lines
        .iter()
        .position(|l| l.contains("filen verkar avbruten"))
        .unwrap_or_else(|| panic!("{out}"));
    assert!(
        lines[cut + 1].starts_with("    följdfel: avbruten.se:13: fel: konto 1930"),
        "{out}"
    );
    assert!(
        lines[cut + 2].starts_with("    följdfel: avbruten.se:15: fel: konto 5011"),
        "{out}"
    );
    assert!(
        lines[cut + 3].contains("följdfel: avbruten.se:26: fel: verifikation A 3"),
        "{out}"
    );
    assert!(
        out.contains("Resultat: 4 fel (varav 3 följdfel), 0 varningar."),
        "{out}"
    );
    // The HTML page: one error, nothing else.
    let html: Vec<&str> = lines
        .iter()
        .copied()
        .skip_while(|l| !l.starts_with("html-sida.se:"))
        .collect();
    assert_eq!(html.len(), 4, "{out}");
    assert!(
        html[2].contains("html-sida.se: fel: filen är inte en SIE-fil utan en HTML-sida"),
        "{out}"
    );
    let o = delar(&["sie", "check", "--json", "avbruten.se"], d.path());
    let v: serde_json::Value = serde_json::from_str(stdout(&o).trim()).unwrap();
    let f = v["findings"].as_array().unwrap();
    assert_eq!(f[0]["code"], "truncated");
    assert_eq!(f[1]["cause"]["code"], "truncated");
    assert_eq!(f[1]["cause"]["line"], 26);
}

#[test]
fn kontogrupper_lists_ungrouped_accounts_and_how_to_map_them() {
    let d = tmp();
    quirk(d.path(), "konton-utanfor-grupper.se");
    let o = delar(&["import", "sie", "konton-utanfor-grupper.se"], d.path());
    assert!(o.status.success(), "{}", stderr(&o));
    assert!(stdout(&o).contains("Ej kontogrupperat"), "{}", stdout(&o));
    let out = stdout(&delar(&["kontogrupper"], d.path()));
    assert!(
        out.contains("ej_kontogrupperat  Ej kontogrupperat"),
        "{out}"
    );
    assert!(
        out.contains("4 konton i \"Ej kontogrupperat\" (utfall alla år):"),
        "{out}"
    );
    assert!(out.contains("9000       Interna poster"), "{out}");
    assert!(
        out.contains("delar kontogrupper --skriv kontogrupper.toml"),
        "{out}"
    );
    assert!(
        out.contains("ranges = [\"0351\", \"9000\", \"9911\", \"9999\"]"),
        "{out}"
    );
    let year = stdout(&delar(&["kontogrupper", "--year", "2025"], d.path()));
    assert!(year.contains("(utfall 2025)"), "{year}");

    // Follow the steps: write the mapping, add a group, load it.
    let o = delar(&["kontogrupper", "--skriv", "kontogrupper.toml"], d.path());
    assert!(o.status.success(), "{}", stderr(&o));
    let mut toml = std::fs::read_to_string(d.path().join("kontogrupper.toml")).unwrap();
    assert!(toml.starts_with("name = \"Kommun-Bas standard\""), "{toml}");
    toml.push_str("\n[[group]]\ncode = \"ovriga_poster\"\nname = \"Övriga poster\"\nkind = \"cost\"\nranges = [\"0351\", \"9000\", \"9911\", \"9999\"]\n");
    write(d.path(), "kontogrupper.toml", toml.as_bytes());
    let o = delar(&["kontogrupper", "kontogrupper.toml"], d.path());
    assert!(o.status.success(), "{}", stderr(&o));
    assert!(
        stdout(&o).contains("Alla resultatkonton hör till en kontogrupp."),
        "{}",
        stdout(&o)
    );
    let o = delar(&["ledger", "--year", "2025", "--format", "json"], d.path());
    let v: serde_json::Value = serde_json::from_str(&stdout(&o)).unwrap();
    let keys: Vec<&str> = v["rows"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| r["key"].as_str().unwrap())
        .collect();
    assert_eq!(keys, ["kop_verksamhet", "ovriga_poster"]);
}
