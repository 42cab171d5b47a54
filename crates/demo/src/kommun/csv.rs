//! The CSV templates of docs/IMPORT.md: `;`-separated, UTF-8, header row, Swedish numbers.

use super::org::Organisation;
use super::volumes::{Volumes, FIRST_YEAR};
use super::{BudgetRow, SUPPLEMENT_DECIDED, SUPPLEMENT_VERSION};
use delar_core::YearMonth;
use std::io::{self, BufWriter, Write};
use std::path::Path;

/// A field, quoted when it holds `;`, `"` or a line break.
fn field(s: &str) -> String {
    if s.contains([';', '"', '\n', '\r']) {
        format!("\"{}\"", s.replace('"', "\"\""))
    } else {
        s.to_string()
    }
}

/// A scaled integer in Swedish notation: `-1 234,5` (space between thousands, decimal comma).
pub(crate) fn swedish(value: i64, decimals: u8) -> String {
    let neg = value < 0;
    let abs = value.unsigned_abs();
    let pow = 10u64.pow(decimals as u32);
    let int = (abs / pow).to_string();
    let mut out = String::new();
    if neg {
        out.push('-');
    }
    for (i, c) in int.chars().enumerate() {
        if i > 0 && (int.len() - i).is_multiple_of(3) {
            out.push(' ');
        }
        out.push(c);
    }
    if decimals > 0 {
        out.push(',');
        out.push_str(&format!("{:0width$}", abs % pow, width = decimals as usize));
    }
    out
}

fn write_lines(path: &Path, header: &str, rows: impl Iterator<Item = String>) -> io::Result<u64> {
    let mut w = BufWriter::new(std::fs::File::create(path)?);
    let mut bytes = 0u64;
    for line in std::iter::once(header.to_string()).chain(rows) {
        w.write_all(line.as_bytes())?;
        w.write_all(b"\n")?;
        bytes += line.len() as u64 + 1;
    }
    w.flush()?;
    Ok(bytes)
}

/// `organisation.csv`.
pub(crate) fn write_organisation(path: &Path, org: &Organisation) -> io::Result<u64> {
    let ym = |m: Option<YearMonth>| m.map(|m| m.to_string()).unwrap_or_default();
    write_lines(
        path,
        "kod;namn;typ;överordnad;från;till;verksamhet",
        org.rows.iter().map(|r| {
            [
                field(&r.code),
                field(&r.name),
                r.kind.label().to_string(),
                field(r.parent.as_deref().unwrap_or("")),
                ym(r.from),
                ym(r.to),
                field(r.activity.as_deref().unwrap_or("")),
            ]
            .join(";")
        }),
    )
}

/// `volymserier.csv`.
pub(crate) fn write_series(path: &Path, v: &Volumes) -> io::Result<u64> {
    write_lines(
        path,
        "serie;namn;måttenhet;typ;ansvar;kategori;prisserie",
        v.series.iter().map(|s| {
            [
                field(&s.code),
                field(&s.name),
                field(s.unit),
                s.typ.to_string(),
                field(&s.ansvar),
                field(&s.kategori),
                field(s.prisserie.as_deref().unwrap_or("")),
            ]
            .join(";")
        }),
    )
}

/// The comment on a value, for the months where something happened.
fn comment(code: &str, ym: YearMonth) -> &'static str {
    match (code, ym.year(), ym.month()) {
        ("vob_belaggningsgrad", 2025, 1) => "Lägre beläggning efter att kön till boende minskat",
        ("hemtjanst_utforda_timmar_egen", 2025, 1) => "Fler kunder väljer privata utförare (LOV)",
        ("dv_narvaroersattning", _, 1) => "Ny ersättningsnivå enligt programplan",
        ("hemtjanst_timersattning", _, 1) => "Ny ersättningsnivå enligt programplan",
        ("vob_dygnsersattning", _, 1) => "Ny ersättningsnivå enligt programplan",
        _ => "",
    }
}

/// `volymer.csv` for months `from..=to` (nothing when `from` is after `to`).
pub(crate) fn write_values(
    path: &Path,
    v: &Volumes,
    from: YearMonth,
    to: YearMonth,
) -> io::Result<u64> {
    let first = YearMonth::new(FIRST_YEAR, 1).expect("month");
    let months: Vec<YearMonth> = if from <= to {
        let mut out = Vec::new();
        let mut m = from;
        while m <= to {
            out.push(m);
            m = m.next();
        }
        out
    } else {
        Vec::new()
    };
    write_lines(
        path,
        "serie;månad;värde;kommentar",
        v.series.iter().flat_map(|s| {
            months.iter().map(move |&m| {
                let t = first.months_until(m) as usize;
                format!(
                    "{};{};{};{}",
                    field(&s.code),
                    m,
                    swedish(s.values[t], s.decimals),
                    field(comment(&s.code, m))
                )
            })
        }),
    )
}

/// `budget.csv`: the supplementary budget (kronor, ledger sign).
pub(crate) fn write_budget(path: &Path, rows: &[BudgetRow]) -> io::Result<u64> {
    write_lines(
        path,
        "version;beslutad;månad;konto;ansvar;verksamhet;belopp;kommentar",
        rows.iter().map(|r| {
            [
                field(SUPPLEMENT_VERSION),
                SUPPLEMENT_DECIDED.to_string(),
                r.month.to_string(),
                r.account.to_string(),
                field(&r.ansvar),
                r.verksamhet.to_string(),
                swedish(r.amount / 100, 0),
                field(r.comment),
            ]
            .join(";")
        }),
    )
}

/// `volymbudget.csv`: budgeted volumes and prices, in versions.
pub(crate) fn write_volume_budget(
    path: &Path,
    rows: &[delar_core::VolumeBudgetValue],
) -> io::Result<u64> {
    write_lines(
        path,
        "version;beslutad;serie;månad;värde;kommentar",
        rows.iter().map(|r| {
            [
                field(&r.version),
                r.decided.map(|d| d.to_string()).unwrap_or_default(),
                field(&r.series),
                r.month.to_string(),
                format!("{}", r.value).replace('.', ","),
                field(r.comment.as_deref().unwrap_or("")),
            ]
            .join(";")
        }),
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn swedish_numbers() {
        assert_eq!(swedish(12345, 1), "1 234,5");
        assert_eq!(swedish(-1_000_000, 0), "-1 000 000");
        assert_eq!(swedish(5, 1), "0,5");
        assert_eq!(swedish(0, 0), "0");
        assert_eq!(swedish(-999, 0), "-999");
        assert_eq!(field("a;b"), "\"a;b\"");
    }
}
