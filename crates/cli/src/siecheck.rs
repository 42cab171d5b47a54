//! `delar sie check`: validate SIE files without a database (the account groups come from the
//! database when there is one, so that accounts outside them are named before an import).

use anyhow::{Context, Result};
use delar_core::AccountMapping;
use delar_sie::finding::count;
use delar_sie::{Checked, Finding, ReadOptions, SieStream};
use delar_store::Store;
use serde_json::{json, Map, Value};
use std::collections::BTreeMap;
use std::fs::File;
use std::io::BufReader;
use std::path::{Path, PathBuf};
use std::process::ExitCode;

/// How many follow-on findings are printed under their cause.
const SHOWN_FOLLOW_ONS: usize = 5;

/// The account groups to check against: the database's (`db`, else `DELAR_DB`, else
/// `delar.db` here when it exists), else the default Kommun-Bas.
fn mapping(db: Option<&str>) -> Result<AccountMapping> {
    let from_env = std::env::var(delar_store::DB_ENV)
        .ok()
        .filter(|s| !s.trim().is_empty());
    if let Some(db) = db.or(from_env.as_deref()) {
        let store = crate::db::open(db).with_context(|| {
            format!(
                "kontogrupperna kunde inte läsas från {}",
                crate::db::shown(db)
            )
        })?;
        return Ok(store.account_mapping()?);
    }
    let here = Path::new(crate::DEFAULT_DB);
    if here.exists() {
        match delar_store::open(crate::DEFAULT_DB).and_then(|s| s.account_mapping()) {
            Ok(m) => return Ok(m),
            Err(e) => eprintln!(
                "delar: kontogrupperna kunde inte läsas från {} ({e}); standardindelningen \
                 Kommun-Bas används",
                here.display()
            ),
        }
    }
    Ok(AccountMapping::kommun_bas())
}

/// Check each file; exit 1 when any file has errors (or cannot be read).
pub fn run(files: &[PathBuf], as_json: bool, strict: bool, db: Option<&str>) -> Result<ExitCode> {
    let mapping = mapping(db)?;
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
                        json!({"file": name, "findings": [{"severity": "error", "line": null, "code": "io", "message": msg, "cause": null}]})
                    );
                } else {
                    eprintln!("{name}: fel: {msg}");
                }
                continue;
            }
        };
        let checked = SieStream::with_mapping(
            BufReader::with_capacity(1 << 20, file),
            ReadOptions { strict },
            mapping.clone(),
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
            "cause": f.cause,
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
        count(s.accounts as u64),
        count(s.objects as u64),
        count(s.vouchers),
        count(s.transactions)
    );
    print_findings(name, c.findings.list());
    if c.findings.dropped() > 0 {
        println!(
            "  … och {} anmärkningar till som inte visas",
            count(c.findings.dropped())
        );
    }
    let e = c.findings.errors();
    let w = c.findings.warnings();
    let follow = c.findings.follow_on_errors();
    let warnings = format!(
        "{} {}",
        count(w),
        if w == 1 { "varning" } else { "varningar" }
    );
    let verdict = match (e, w) {
        (0, 0) => "inga fel eller varningar".to_string(),
        (0, _) => format!("inga fel, {warnings}"),
        (e, _) if follow > 0 => format!(
            "{} fel (varav {} följdfel), {warnings}",
            count(e),
            count(follow)
        ),
        (e, _) => format!("{} fel, {warnings}", count(e)),
    };
    println!("  Resultat: {verdict}.");
}

/// The findings in order, each follow-on indented under its cause (a few of them, then a
/// count of the rest).
fn print_findings(name: &str, list: &[Finding]) {
    let mut i = 0;
    while i < list.len() {
        let f = &list[i];
        i += 1;
        let Some(cause) = f.cause else {
            println!("  {}", f.render(name));
            continue;
        };
        // The run of follow-ons of this cause (sorted to come together, after the cause).
        let mut n = 1;
        while i < list.len() && list[i].cause == Some(cause) {
            i += 1;
            n += 1;
        }
        for x in &list[i - n..i - n + n.min(SHOWN_FOLLOW_ONS)] {
            println!("    följdfel: {}", x.render(name));
        }
        if n > SHOWN_FOLLOW_ONS {
            println!(
                "    … och {} följdfel till av samma orsak",
                count((n - SHOWN_FOLLOW_ONS) as u64)
            );
        }
    }
}
