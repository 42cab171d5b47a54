//! What `delar sie check` finds in the quirk corpus (`tests/quirks/`, see its README): each
//! file reproduces one thing real exports do.

use delar_core::{AccountMapping, Amount};
use delar_sie::*;
use proptest::prelude::*;

fn corpus(name: &str) -> Vec<u8> {
    let path = std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/quirks")
        .join(name);
    std::fs::read(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()))
}

/// Read and validate with the default account groups, as `delar sie check` does.
fn check_bytes(bytes: &[u8]) -> Checked {
    SieStream::with_mapping(bytes, ReadOptions::default(), AccountMapping::kommun_bas()).finish()
}

fn check_file(name: &str) -> Checked {
    check_bytes(&corpus(name))
}

fn list(c: &Checked) -> Vec<(Severity, &'static str, Option<u64>)> {
    c.findings
        .list()
        .iter()
        .map(|f| (f.severity, f.code, f.line))
        .collect()
}

fn errors(c: &Checked) -> Vec<(&'static str, Option<u64>)> {
    c.findings
        .list()
        .iter()
        .filter(|f| f.severity == Severity::Error)
        .map(|f| (f.code, f.line))
        .collect()
}

fn find<'a>(c: &'a Checked, code: &str) -> &'a Finding {
    c.findings
        .list()
        .iter()
        .find(|f| f.code == code)
        .unwrap_or_else(|| panic!("no {code} in {:#?}", c.findings.list()))
}

/// A corpus file with text replaced, byte for byte (the files are CP437: edited as
/// ISO-8859-1, which maps every byte to one character and back).
fn edited(name: &str, edits: &[(&str, &str)]) -> Vec<u8> {
    let mut text: String = corpus(name).iter().map(|&b| b as char).collect();
    for (from, to) in edits {
        assert!(text.contains(from), "{from:?} not in {name}");
        text = text.replace(from, to);
    }
    text.chars().map(|c| c as u32 as u8).collect()
}

fn kr(v: i64) -> Amount {
    Amount::from_ore(v * 100)
}

/// What the corpus's files should give: the whole list of findings, in order, where it is
/// short enough to state.
#[test]
fn files_that_are_not_sie_get_one_error_naming_what_they_are() {
    for (file, what) in [
        ("html-sida.se", "HTML-sida"),
        ("excel-omdopt.se", "Excel-arbetsbok (.xlsx)"),
        ("utf16.se", "UTF-16"),
        ("sie5.se", "SIE 5-fil (XML)"),
    ] {
        let c = check_file(file);
        assert_eq!(
            list(&c),
            [(Severity::Error, "not-sie", None)],
            "{file}: {:#?}",
            c.findings.list()
        );
        let m = &c.findings.list()[0].message;
        assert!(m.contains(what), "{file}: {m}");
        assert!(c.summary.lines <= 1, "{file}: nothing more was read");
    }
    // Also in strict mode, and with a tiny read buffer (the verdict comes from the first
    // line, not from how much the buffer holds).
    let bytes = corpus("html-sida.se");
    let c = SieStream::new(
        std::io::BufReader::with_capacity(3, bytes.as_slice()),
        ReadOptions { strict: true },
    )
    .finish();
    assert_eq!(list(&c), [(Severity::Error, "not-sie", None)]);
    // An HTML page that starts with blank lines is recognised too.
    let mut padded = b"\r\n\r\n".to_vec();
    padded.extend_from_slice(&bytes);
    assert_eq!(
        list(&check_bytes(&padded)),
        [(Severity::Error, "not-sie", None)]
    );
}

#[test]
fn text_without_sie_records_gets_one_error_not_one_per_line() {
    let c = check_bytes("Kära ekonom,\nhär kommer filen.\n\"Hälsningar\"\n{ }\n".as_bytes());
    assert_eq!(list(&c), [(Severity::Error, "not-sie", None)]);
    // NUL bytes on many lines of a file that is otherwise SIE: reported once, with a count.
    let mut text = b"#FLAGGA 0\n#SIETYP 4\n".to_vec();
    for _ in 0..50 {
        text.extend_from_slice(b"#PROSA \"x\0y\"\n");
    }
    let c = check_bytes(&text);
    let binary: Vec<&Finding> = c
        .findings
        .list()
        .iter()
        .filter(|f| f.code == "binary")
        .collect();
    assert_eq!(binary.len(), 1, "{:#?}", c.findings.list());
    assert!(
        binary[0].message.contains("50 rader"),
        "{}",
        binary[0].message
    );
}

#[test]
fn an_old_dos_file_with_ctrl_z_reads_clean() {
    let c = check_file("dos-ctrl-z.se");
    assert_eq!(list(&c), [], "{:#?}", c.findings.list());
    assert_eq!(c.encoding, Encoding::Cp437);
    assert_eq!(c.summary.vouchers, 1);
}

#[test]
fn a_4i_file_without_rar_says_where_the_year_will_come_from() {
    let c = check_file("4i-lon-utan-rar.se");
    assert_eq!(
        list(&c),
        [(Severity::Warning, "no-year", None)],
        "{:#?}",
        c.findings.list()
    );
    let m = &find(&c, "no-year").message;
    assert!(m.contains("2025-01-25–2025-02-25"), "{m}");
    assert!(m.contains("kalenderåret"), "{m}");
    assert_eq!(c.summary.sie_type_label, "4I");
    assert_eq!(c.summary.years[&0].trans["5011"], kr(142_500));

    // The invoicing system declares PC8 but writes UTF-8 (read as UTF-8, with a warning).
    let c = check_file("4i-fakturor-over-arsskifte.se");
    assert_eq!(
        list(&c),
        [
            (Severity::Warning, "no-year", None),
            (Severity::Warning, "encoding-mismatch", Some(9))
        ]
    );
}

#[test]
fn fields_without_bearing_on_amounts_are_warnings() {
    let c = check_file("tomma-falt.se");
    assert_eq!(
        list(&c),
        [
            (Severity::Warning, "missing-field", Some(6)),
            (Severity::Warning, "rar-without-dates", Some(8)),
            (Severity::Warning, "bad-number", Some(9)),
            (Severity::Warning, "missing-field", Some(12)),
        ],
        "{:#?}",
        c.findings.list()
    );
    assert!(find(&c, "bad-number")
        .message
        .contains("påverkar inga belopp"));
    assert!(find(&c, "rar-without-dates")
        .message
        .contains("verifikationernas datum"));
    // Dates that are there but wrong still matter: the year's data would go astray.
    let bytes = edited(
        "tomma-falt.se",
        &[("#RAR 0\n", "#RAR 0 20251231 20250101\n")],
    );
    assert_eq!(errors(&check_bytes(&bytes)), [("bad-year", Some(8))]);
}

#[test]
fn result_accounts_outside_the_groups_are_named_with_their_amounts() {
    let c = check_file("konton-utanfor-grupper.se");
    assert_eq!(
        list(&c),
        [(Severity::Warning, "ungrouped-account", None)],
        "{:#?}",
        c.findings.list()
    );
    let m = &find(&c, "ungrouped-account").message;
    for part in [
        "3 resultatkonton",
        "\"Kommun-Bas standard\"",
        "\"Ej kontogrupperat\"",
        "0351 Internränta, fördelning 1\u{a0}200,00 kr",
        "9000 Interna poster 2\u{a0}500,00 kr",
        "9911 Avräkning interna poster \u{2212}2\u{a0}500,00 kr",
        "och 1 konto utan belopp",
        "delar kontogrupper --skriv kontogrupper.toml",
    ] {
        assert!(m.contains(part), "{part:?} missing in {m}");
    }
    // A mapping that covers them: nothing to say.
    let mut toml = delar_core::accounts::KOMMUN_BAS_TOML.to_string();
    toml.push_str("\n[[group]]\ncode = \"interna\"\nname = \"Interna\"\nkind = \"cost\"\nranges = [\"0\", \"9\"]\n");
    let m = AccountMapping::from_toml(&toml).unwrap();
    let c = SieStream::with_mapping(
        corpus("konton-utanfor-grupper.se").as_slice(),
        ReadOptions::default(),
        m,
    )
    .finish();
    assert_eq!(list(&c), []);
    // Without a mapping the validator does not judge groups.
    let c = SieStream::new(
        corpus("konton-utanfor-grupper.se").as_slice(),
        ReadOptions::default(),
    )
    .finish();
    assert_eq!(list(&c), []);
}

#[test]
fn psaldo_only_on_objects_is_compared_only_on_objects() {
    let c = check_file("psaldo-bara-objekt.se");
    assert_eq!(list(&c), [], "{:#?}", c.findings.list());
    // A wrong object amount is still found, and only that.
    let off = edited(
        "psaldo-bara-objekt.se",
        &[("{1 \"200\"} 500.00\n#PSALDO", "{1 \"200\"} 501.00\n#PSALDO")],
    );
    let c = check_bytes(&off);
    assert_eq!(errors(&c), [("psaldo-mismatch", Some(16))]);
    assert!(find(&c, "psaldo-mismatch").message.contains("objekt 1:200"));
    // A file that does give account totals still has missing months reported, worded as
    // missing rather than as a #PSALDO of 0,00.
    let with_total = edited(
        "psaldo-bara-objekt.se",
        &[(
            "#PSALDO 0 202501 5011",
            "#PSALDO 0 202501 4610 {} 1500.00\n#PSALDO 0 202501 5011",
        )],
    );
    let c = check_bytes(&with_total);
    assert_eq!(
        errors(&c),
        [("psaldo-mismatch", None)],
        "{:#?}",
        c.findings.list()
    );
    let m = &find(&c, "psaldo-mismatch").message;
    assert!(
        m.contains("konto 4610 2025-02: filen har inget periodsaldo"),
        "{m}"
    );
}

#[test]
fn ktyp_decides_balance_or_result() {
    let c = check_file("ktyp-tillgang-klass-3.se");
    assert_eq!(list(&c), [], "{:#?}", c.findings.list());
    // Without #KTYP the class decides, and 3740's balance looks like a result without #RES.
    let untyped = edited("ktyp-tillgang-klass-3.se", &[("#KTYP 3740 T\n", "")]);
    let c = check_bytes(&untyped);
    assert_eq!(errors(&c), [("result-mismatch", None)]);
    assert!(find(&c, "result-mismatch").message.contains("3740"));
    // #KTYP K on a class-1 number makes it a result account: outside every group.
    let cost = edited(
        "ktyp-tillgang-klass-3.se",
        &[(
            "#KTYP 3740 T",
            "#KTYP 3740 T\n#KONTO 1799 \"Kostnad\"\n#KTYP 1799 K\n#RES 0 1799 0",
        )],
    );
    let c = check_bytes(&cost);
    assert_eq!(errors(&c), []);
}

#[test]
fn a_missing_series_is_named_before_the_balances_it_breaks() {
    let c = check_file("saknad-serie.se");
    let e: Vec<(&str, Option<u64>, Option<&str>)> = c
        .findings
        .list()
        .iter()
        .filter(|f| f.severity == Severity::Error)
        .map(|f| (f.code, f.line, f.cause.map(|c| c.code)))
        .collect();
    assert_eq!(
        e,
        [
            ("missing-vouchers", None, None),
            ("balance-mismatch", Some(15), Some("missing-vouchers")),
            ("result-mismatch", Some(20), Some("missing-vouchers")),
        ],
        "{:#?}",
        c.findings.list()
    );
    let m = &find(&c, "missing-vouchers").message;
    assert!(m.contains("Serie B saknas i filen"), "{m}");
    assert!(m.contains("Serier i filen: A (nr 1–2), C (nr 1)"), "{m}");
    assert!(
        m.contains("Exportera filen igen med alla verifikationsserier"),
        "{m}"
    );
    // Gaps in a series' numbers are named too.
    let gap = edited("saknad-serie.se", &[("#VER A 2 ", "#VER A 5 ")]);
    let m = find(&check_bytes(&gap), "missing-vouchers").message.clone();
    assert!(m.contains("A (nr 1–5; saknar nr 2–4)"), "{m}");
}

#[test]
fn a_truncated_file_is_called_that_first() {
    let c = check_file("avbruten.se");
    let e: Vec<(&str, Option<u64>, Option<&str>)> = c
        .findings
        .list()
        .iter()
        .filter(|f| f.severity == Severity::Error)
        .map(|f| (f.code, f.line, f.cause.map(|c| c.code)))
        .collect();
    assert_eq!(
        e,
        [
            ("truncated", Some(26), None),
            ("balance-mismatch", Some(13), Some("truncated")),
            ("result-mismatch", Some(15), Some("truncated")),
            ("unbalanced-voucher", Some(26), Some("truncated")),
        ],
        "{:#?}",
        c.findings.list()
    );
    let m = &find(&c, "truncated").message;
    assert!(m.contains("filen verkar avbruten"), "{m}");
    assert!(m.contains("verifikationen A 3"), "{m}");
    assert!(m.contains("exportera den igen"), "{m}");
    // A last voucher that only lacks its closing brace, balanced and ended by a line break,
    // is a warning: nothing is missing.
    let whole = edited(
        "avbruten.se",
        &[
            ("#TRANS 1930 {} -55", "#TRANS 1930 {} -5500.00\n"),
            ("#UB 0 1930 10500.00", "#UB 0 1930 40500.00"),
            ("#RES 0 5011 60000.00", "#RES 0 5011 30000.00"),
        ],
    );
    let c = check_bytes(&whole);
    assert_eq!(
        list(&c),
        [(Severity::Warning, "voucher-not-closed", Some(26))],
        "{:#?}",
        c.findings.list()
    );
    // A file cut in the middle of a record outside a voucher.
    let text = corpus("avbruten.se");
    let at = text.windows(11).position(|w| w == b"#RES 0 4610").unwrap();
    let c = check_bytes(&text[..at + 9]);
    assert_eq!(
        errors(&c)[..1],
        [("truncated", Some(14))],
        "{:#?}",
        c.findings.list()
    );
}

#[test]
fn an_unreadable_line_is_the_cause_of_what_it_unbalances() {
    let c = check_file("felaktigt-belopp.se");
    let e: Vec<(&str, Option<u64>, Option<&str>)> = c
        .findings
        .list()
        .iter()
        .filter(|f| f.severity == Severity::Error)
        .map(|f| (f.code, f.line, f.cause.map(|c| c.code)))
        .collect();
    assert_eq!(
        e,
        [
            ("bad-amount", Some(18), None),
            ("result-mismatch", Some(14), Some("bad-amount")),
            ("unbalanced-voucher", Some(16), Some("bad-amount")),
        ],
        "{:#?}",
        c.findings.list()
    );
    let m = &find(&c, "bad-amount").message;
    assert!(m.contains("verifikationen blir ofullständig"), "{m}");
}

/// Every error in the corpus says what to do.
#[test]
fn every_error_says_what_to_do() {
    const ACTIONS: &[&str] = &[
        "rätta",
        "exportera",
        "Exportera",
        "lägg till",
        "Lägg till",
        "ta bort",
        "Ta bort",
        "kontrollera",
        "Kontrollera",
        "välj",
        "spara",
        "packa upp",
        "ladda ner",
        "flytta",
        "Flytta",
    ];
    let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/quirks");
    let mut seen = 0;
    for entry in std::fs::read_dir(&dir).unwrap() {
        let path = entry.unwrap().path();
        if path.extension().is_none_or(|e| e != "se") {
            continue;
        }
        let c = check_bytes(&std::fs::read(&path).unwrap());
        for f in c.findings.list() {
            if f.severity == Severity::Error {
                seen += 1;
                assert!(
                    ACTIONS.iter().any(|a| f.message.contains(a)),
                    "{}: {} says what is wrong but not what to do: {}",
                    path.display(),
                    f.code,
                    f.message
                );
            }
        }
    }
    assert!(seen >= 10, "the corpus has errors to look at ({seen})");
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(300))]

    /// A complete file cut anywhere in its last voucher: either the cut is named
    /// (`truncated`) and every other error follows from it, or nothing is missing (the cut
    /// fell right before the closing `}`) and only that brace is missing.
    #[test]
    fn a_file_cut_in_its_last_voucher_names_the_cut(frac in 0.0f64..1.0, cap in 1usize..200) {
        let whole = edited(
            "avbruten.se",
            &[
                ("#TRANS 1930 {} -55", "#TRANS 1930 {} -5500.00\n}\n"),
                ("#UB 0 1930 10500.00", "#UB 0 1930 40500.00"),
                ("#RES 0 5011 60000.00", "#RES 0 5011 30000.00"),
            ],
        );
        let from = whole.windows(8).position(|w| w == b"#VER A 3").unwrap() + 1;
        let to = whole.len() - 2; // before the last "}\n"
        let at = from + ((to - from) as f64 * frac) as usize;
        let c = SieStream::with_mapping(
            std::io::BufReader::with_capacity(cap, &whole[..at]),
            ReadOptions::default(),
            AccountMapping::kommun_bas(),
        )
        .finish();
        let errors: Vec<&Finding> =
            c.findings.list().iter().filter(|f| f.severity == Severity::Error).collect();
        if errors.is_empty() {
            let codes: Vec<&str> = c.findings.list().iter().map(|f| f.code).collect();
            prop_assert_eq!(codes, ["voucher-not-closed"], "cut at {}", at);
        } else {
            prop_assert_eq!(errors[0].code, "truncated", "cut at {}: {:#?}", at, errors);
            let cause = errors[0].as_cause();
            for e in &errors[1..] {
                prop_assert_eq!(e.cause, Some(cause), "cut at {}: {:#?}", at, errors);
            }
        }
    }

    /// Whatever follows a foreign file's signature, and whatever the read buffer's size,
    /// the file gets one finding.
    #[test]
    fn a_foreign_file_gets_one_finding(
        magic in prop_oneof![
            Just(b"PK\x03\x04".to_vec()),
            Just(b"%PDF-1.4\n".to_vec()),
            Just(b"<!DOCTYPE html>".to_vec()),
            Just(b"\xFF\xFE#\0".to_vec()),
            Just(b"\x1F\x8B\x08".to_vec()),
        ],
        rest in proptest::collection::vec(any::<u8>(), 0..400),
        cap in 1usize..64,
    ) {
        let mut bytes = magic;
        bytes.extend_from_slice(&rest);
        let c = SieStream::new(
            std::io::BufReader::with_capacity(cap, bytes.as_slice()),
            ReadOptions::default(),
        )
        .finish();
        let codes: Vec<&str> = c.findings.list().iter().map(|f| f.code).collect();
        prop_assert_eq!(codes, ["not-sie"]);
    }
}
