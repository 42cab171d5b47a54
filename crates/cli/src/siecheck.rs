//! `delar sie check`: validate SIE files without a database.

use crate::out::count;
use anyhow::Result;
use delar_sie::{Checked, ReadOptions, SieStream};
use serde_json::{json, Map, Value};
use std::collections::BTreeMap;
use std::fs::File;
use std::io::BufReader;
use std::path::PathBuf;
use std::process::ExitCode;

/// Check each file; exit 1 when any file has errors (or cannot be read).
pub fn run(files: &[PathBuf], as_json: bool, strict: bool) -> Result<ExitCode> {
    let mut any_error = false;
    for path in files {
        let name = path.display().to_string();
        let file = match File::open(path) {
            Ok(f) => f,
            Err(e) => {
                any_error = true;
                let msg = format!("filen kan inte öppnas: {e}");
                if as_json {
                    println!(
                        "{}",
                        json!({"file": name, "findings": [{"severity": "error", "line": null, "code": "io", "message": msg}]})
                    );
                } else {
                    eprintln!("{name}: fel: {msg}");
                }
                continue;
            }
        };
        let checked = SieStream::new(
            BufReader::with_capacity(1 << 20, file),
            ReadOptions { strict },
        )
        .finish();
        if checked.findings.errors() > 0 {
            any_error = true;
        }
        if as_json {
            println!("{}", to_json(&name, &checked));
        } else {
            print_text(&name, &checked);
        }
    }
    Ok(if any_error {
        ExitCode::from(1)
    } else {
        ExitCode::SUCCESS
    })
}

fn amounts(m: &BTreeMap<String, delar_core::Amount>) -> Value {
    Value::Object(
        m.iter()
            .map(|(k, v)| (k.clone(), Value::String(v.to_fixed2())))
            .collect::<Map<_, _>>(),
    )
}

/// The JSON object for one file (the format is documented in docs/IMPORT.md).
pub fn to_json(name: &str, c: &Checked) -> Value {
    let s = &c.summary;
    let mut years = Map::new();
    for (idx, y) in &s.years {
        years.insert(
            idx.to_string(),
            json!({
                "start": y.start.map(|d| d.to_string()),
                "end": y.end.map(|d| d.to_string()),
                "ib": amounts(&y.ib),
                "ub": amounts(&y.ub),
                "res": amounts(&y.res),
                "trans": amounts(&y.trans),
            }),
        );
    }
    json!({
        "file": name,
        "sie_type": s.sie_type_label,
        "encoding": c.encoding.label(),
        "declared_format": s.declared_format,
        "program": s.program,
        "company": s.company_name,
        "orgnr": s.orgnr,
        "lines": s.lines,
        "vouchers": s.vouchers,
        "transactions": s.transactions,
        "accounts": s.accounts,
        "objects": s.objects,
        "unknown_labels": s.unknown_labels,
        "errors": c.findings.errors(),
        "warnings": c.findings.warnings(),
        "findings": c.findings.list().iter().map(|f| json!({
            "severity": f.severity,
            "line": f.line,
            "code": f.code,
            "message": f.message,
        })).collect::<Vec<_>>(),
        "years": years,
    })
}

fn print_text(name: &str, c: &Checked) {
    let s = &c.summary;
    let typ = if s.sie_type_label.is_empty() {
        "okänd".to_string()
    } else {
        s.sie_type_label.clone()
    };
    println!(
        "{name}: SIE-typ {typ}, teckenkodning {}{}",
        c.encoding.label(),
        s.program
            .as_ref()
            .map(|p| format!(", program {p}"))
            .unwrap_or_default()
    );
    println!(
        "  {} rader, {} konton, {} objekt, {} verifikationer, {} transaktioner",
        count(s.lines),
        count(s.accounts),
        count(s.objects),
        count(s.vouchers),
        count(s.transactions)
    );
    for f in c.findings.list() {
        println!("  {}", f.render(name));
    }
    if c.findings.dropped() > 0 {
        println!(
            "  … och {} anmärkningar till som inte visas",
            count(c.findings.dropped())
        );
    }
    let e = c.findings.errors();
    let w = c.findings.warnings();
    let verdict = match (e, w) {
        (0, 0) => "inga fel eller varningar".to_string(),
        (0, w) => format!(
            "inga fel, {} {}",
            count(w),
            if w == 1 { "varning" } else { "varningar" }
        ),
        (e, w) => format!(
            "{} fel, {} {}",
            count(e),
            count(w),
            if w == 1 { "varning" } else { "varningar" }
        ),
    };
    println!("  Resultat: {verdict}.");
}
