//! Every finding code the SIE reader, the validator and the store's SIE import can emit is
//! documented in docs/IMPORT.md, so the table cannot drift from the code.

use std::collections::BTreeSet;
use std::path::{Path, PathBuf};

/// The sources that emit findings: this crate and the store's SIE import.
fn sources() -> Vec<PathBuf> {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let mut files: Vec<PathBuf> = std::fs::read_dir(root.join("src"))
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.extension().is_some_and(|e| e == "rs"))
        .collect();
    files.push(root.join("../store/src/import.rs"));
    files.sort();
    files
}

/// The string literals of a source file, in order (escapes kept as written).
fn literals(src: &str) -> Vec<(usize, &str)> {
    let bytes = src.as_bytes();
    let mut out = Vec::new();
    let mut i = 0;
    while i < bytes.len() {
        match bytes[i] {
            // Line comments hold no codes (and may hold quotes).
            b'/' if bytes.get(i + 1) == Some(&b'/') => {
                while i < bytes.len() && bytes[i] != b'\n' {
                    i += 1;
                }
            }
            // A character literal such as '"' is not the start of a string.
            b'\'' if bytes.get(i + 2) == Some(&b'\'') => i += 3,
            b'\'' if bytes.get(i + 1) == Some(&b'\\') && bytes.get(i + 3) == Some(&b'\'') => i += 4,
            b'"' => {
                let start = i + 1;
                i += 1;
                while i < bytes.len() && bytes[i] != b'"' {
                    if bytes[i] == b'\\' {
                        i += 1;
                    }
                    i += 1;
                }
                out.push((start - 1, &src[start..i.min(src.len())]));
                i += 1;
            }
            _ => i += 1,
        }
    }
    out
}

fn is_code(s: &str) -> bool {
    !s.is_empty()
        && s.as_bytes()[0].is_ascii_lowercase()
        && s.bytes()
            .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-')
        && !s.starts_with('-')
        && !s.ends_with('-')
        && !s.contains("--")
}

/// Codes found in a source: every hyphenated literal (`unbalanced-voucher`), and the first
/// literal of every finding constructor and `code:` field (also one-word codes such as
/// `truncated`).
fn codes_in(src: &str) -> BTreeSet<String> {
    let lits = literals(src);
    let mut codes = BTreeSet::new();
    for (_, l) in &lits {
        if is_code(l) && l.contains('-') {
            codes.insert(l.to_string());
        }
    }
    let mut anchors: Vec<usize> = Vec::new();
    // `code: "…"` (a field set to a literal, as in `Cause { code: "…", … }`), and the
    // constructors `Finding::error(line, "…", …)` and the like.
    for needle in ["Finding::", "code: \""] {
        anchors.extend(src.match_indices(needle).map(|(i, _)| i));
    }
    for a in anchors {
        if let Some((pos, l)) = lits.iter().find(|(pos, _)| *pos > a) {
            // Only a literal close to the anchor is its code.
            if pos - a < 160 && is_code(l) {
                codes.insert(l.to_string());
            }
        }
    }
    codes
}

#[test]
fn every_finding_code_is_documented() {
    let doc_path = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../docs/IMPORT.md");
    let doc = std::fs::read_to_string(&doc_path).unwrap();
    let mut all = BTreeSet::new();
    let mut missing = Vec::new();
    for file in sources() {
        let src = std::fs::read_to_string(&file).unwrap();
        for code in codes_in(&src) {
            if !doc.contains(&format!("`{code}`")) {
                missing.push(format!("{code} ({})", file.display()));
            }
            all.insert(code);
        }
    }
    assert!(
        missing.is_empty(),
        "finding codes not documented in docs/IMPORT.md: {missing:#?}"
    );
    // The scan finds the codes it should, one-word ones included.
    for code in [
        "unbalanced-voucher",
        "truncated",
        "binary",
        "empty",
        "io",
        "overflow",
        "quoting",
        "missing-vouchers",
        "ungrouped-account",
        "no-rar-derived-year",
        "voucher-too-long",
    ] {
        assert!(all.contains(code), "{code} not found by the scan: {all:?}");
    }
    assert!(all.len() >= 55, "{} codes: {all:?}", all.len());
}

#[test]
fn the_scan_reads_literals_as_the_compiler_does() {
    let src = r#"let a = '"'; // "not-a-code"
        Finding::error(line, "real-code", format!("a \"quoted\" {x}"));
        Finding::file(Severity::Info, "word", "text");
        Record::Object { code: f.req_str("objektkod")?, name };
        Cause { code: "voucher-gone", line: None };"#;
    let codes: Vec<String> = codes_in(src).into_iter().collect();
    assert_eq!(codes, ["real-code", "voucher-gone", "word"]);
}
