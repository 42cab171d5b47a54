//! The review before a round is locked: the flagged lines that have neither a report comment
//! nor a review note (the lines the lock refuses), review notes recorded on several lines at
//! once or from a file (`granskning.csv`: columns `rad;kommentar`), all or nothing, one audit
//! entry per line. Review notes (`granskning`) are internal: they satisfy the lock and never
//! reach the report.

use crate::{fail, AppError, Result};
use delar_core::Round;
use delar_store::prelude::*;
use delar_store::{LineDetail, ReviewNote, RoundInfo};
use delar_tabular::{Table, TableError};
use std::collections::BTreeMap;
use std::fmt::Write as _;

/// The columns of `granskning.csv`.
pub const COLUMNS: [&str; 2] = ["rad", "kommentar"];

/// Most row errors listed from one file.
const MAX_ERRORS: usize = 100;

/// A line code `NOD:GRUPP` split in two (trimmed); `None` when it is not one.
pub fn split_line(s: &str) -> Option<(&str, &str)> {
    match s.split_once(':') {
        Some((n, g)) if !n.trim().is_empty() && !g.trim().is_empty() => Some((n.trim(), g.trim())),
        _ => None,
    }
}

/// Read `granskning.csv` (columns `rad;kommentar`; separator and encoding as every template:
/// semicolon, UTF-8 or Windows-1252): every row error with file, row and column, a line named
/// twice included. A file without rows is an error too.
pub fn parse(table: &Table) -> Result<Vec<ReviewNote>, Vec<TableError>> {
    let cols = COLUMNS
        .iter()
        .map(|c| table.column(c))
        .collect::<Result<Vec<_>, _>>()
        .map_err(|e| vec![e])?;
    let (line_col, note_col) = (&cols[0], &cols[1]);
    if table.rows.is_empty() {
        return Err(vec![TableError::file(
            &table.file,
            "filen har inga rader efter rubrikraden. Skriv en rad per prognosrad: \
             NOD:GRUPP;kommentar.",
        )]);
    }
    let mut out = Vec::new();
    let mut errors = Vec::new();
    let mut seen: BTreeMap<(String, String), usize> = BTreeMap::new();
    for cells in table.iter() {
        let line = match cells.required(line_col) {
            Ok(t) => match split_line(t) {
                Some((n, g)) => Some((n.to_string(), g.to_string())),
                None => {
                    errors.push(cells.error(
                        Some(line_col),
                        format!(
                            "\"{t}\" är ingen prognosrad. Skriv NOD:GRUPP, till exempel \
                             SN41:kop_verksamhet."
                        ),
                    ));
                    None
                }
            },
            Err(e) => {
                errors.push(e);
                None
            }
        };
        let note = match cells.required(note_col) {
            Ok(t) => Some(t.to_string()),
            Err(e) => {
                errors.push(e);
                None
            }
        };
        if let Some((node, group)) = &line {
            if let Some(first) = seen.insert((node.clone(), group.clone()), cells.line()) {
                errors.push(cells.error(
                    Some(line_col),
                    format!(
                        "prognosraden {node}:{group} står redan på rad {first}. Skriv en \
                         kommentar per rad."
                    ),
                ));
            }
        }
        if let (Some((node, group)), Some(note)) = (line, note) {
            out.push(ReviewNote { node, group, note });
        }
    }
    if errors.is_empty() {
        Ok(out)
    } else {
        errors.truncate(MAX_ERRORS);
        Err(errors)
    }
}

fn csv_field(s: &str) -> String {
    if s.contains([';', '"', '\n', '\r']) || s.trim() != s {
        format!("\"{}\"", s.replace('"', "\"\""))
    } else {
        s.to_string()
    }
}

/// Write `granskning.csv`: the header, then one row per (line, note); what [`parse`] reads.
pub fn write_csv(rows: &[(String, String)]) -> String {
    let mut s = COLUMNS.join(";");
    s.push('\n');
    for (line, note) in rows {
        let _ = writeln!(s, "{};{}", csv_field(line), csv_field(note));
    }
    s
}

/// The round and its lines that need a review (flagged, without any comment), in round order.
pub fn pending(store: &dyn Backend, round: Round) -> Result<(RoundInfo, Vec<LineDetail>)> {
    let id = round.id();
    let info = store.forecast_round(&id)?.ok_or_else(|| {
        AppError::NotFound(format!(
            "prognosomgången {id} finns inte; beräkna den först med \"delar forecast run --round {id}\""
        ))
    })?;
    let details = store
        .forecast_line_details(&id)?
        .into_iter()
        .filter(|d| d.needs_review())
        .collect();
    Ok((info, details))
}

/// The same review note on the lines named (`NOD:GRUPP`), or with `all` on every line that
/// needs a review.
pub fn notes_for(
    store: &dyn Backend,
    round: Round,
    note: &str,
    lines: &[String],
    all: bool,
) -> Result<Vec<ReviewNote>> {
    refuse_locked(store, round)?;
    if note.trim().is_empty() {
        fail!("granskningskommentaren är tom; skriv den med --kommentar \"…\"");
    }
    let targets: Vec<(String, String)> = if all {
        pending(store, round)?
            .1
            .iter()
            .map(|d| (d.line.node.clone(), d.line.group.clone()))
            .collect()
    } else if !lines.is_empty() {
        lines
            .iter()
            .map(|l| {
                split_line(l)
                    .map(|(n, g)| (n.to_string(), g.to_string()))
                    .ok_or_else(|| {
                        AppError::Invalid(format!(
                            "--rader: \"{l}\" är ingen prognosrad; skriv NOD:GRUPP, till exempel \
                             SN41:kop_verksamhet"
                        ))
                    })
            })
            .collect::<Result<_>>()?
    } else {
        fail!(
            "ange vilka rader granskningskommentaren gäller: --rader NOD:GRUPP,… eller --alla \
             (alla flaggade rader utan kommentar)"
        );
    };
    Ok(targets
        .into_iter()
        .map(|(node, group)| ReviewNote {
            node,
            group,
            note: note.trim().to_string(),
        })
        .collect())
}

/// The review notes of a `granskning.csv` table, every line checked against the round: all
/// row errors with file, row and column (a line not in the round included), before anything
/// is written.
pub fn notes_from_file(
    store: &dyn Backend,
    round: Round,
    table: &Table,
) -> Result<Vec<ReviewNote>> {
    let id = round.id();
    refuse_locked(store, round)?;
    let notes = parse(table).map_err(|errors| file_errors(&table.file, &errors))?;
    let details = store.forecast_line_details(&id)?;
    let known: std::collections::BTreeSet<(&str, &str)> = details
        .iter()
        .map(|d| (d.line.node.as_str(), d.line.group.as_str()))
        .collect();
    let rad = table.column(COLUMNS[0]).map_err(AppError::from_display)?;
    let missing: Vec<TableError> = table
        .iter()
        .zip(&notes)
        .filter(|(_, n)| !known.contains(&(n.node.as_str(), n.group.as_str())))
        .map(|(cells, n)| {
            cells.error(
                Some(&rad),
                format!(
                    "prognosraden {}:{} finns inte i prognosomgången {id}. Se raderna med \
                     \"delar forecast show --round {id} --node {}\".",
                    n.node, n.group, n.node
                ),
            )
        })
        .take(MAX_ERRORS)
        .collect();
    if !missing.is_empty() {
        return Err(file_errors(&table.file, &missing));
    }
    Ok(notes)
}

/// Record review notes (one transaction, one audit entry per line; refused on a locked round);
/// returns how many were written and how many flagged lines still lack a comment.
pub fn record(
    store: &mut dyn Backend,
    round: Round,
    notes: &[ReviewNote],
    user: &str,
) -> Result<(usize, usize)> {
    let id = round.id();
    refuse_locked(store, round)?;
    let n = store.review_lines(&id, notes, user)?;
    let left = pending(store, round)?.1.len();
    Ok((n, left))
}

/// A review note on a locked round is refused before anything else, with the store's message.
fn refuse_locked(store: &dyn Backend, round: Round) -> Result<()> {
    crate::texts::refuse_locked(store, round)
}

/// A file's row errors as one error: nothing was saved, then every error.
fn file_errors(file: &str, errors: &[TableError]) -> AppError {
    let mut s = format!(
        "{file} har {} fel; ingen granskning sparades. Rätta raderna och försök igen:",
        errors.len()
    );
    for e in errors {
        let _ = write!(s, "\n  {e}");
    }
    AppError::Invalid(s)
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn table(csv: &str) -> Table {
        Table::from_csv(csv.as_bytes(), "granskning.csv").unwrap()
    }

    #[test]
    fn reads_rows_and_reports_every_error_with_row_and_column() {
        let ok = parse(&table(
            "rad;kommentar\nSN41:kop_verksamhet;Granskad mot placeringslistan.\n\
             VON-HT-N:personal;\"Sommarvikarier; lägre andra halvåret\"\n",
        ))
        .unwrap();
        assert_eq!(ok.len(), 2);
        assert_eq!(ok[1].node, "VON-HT-N");
        assert_eq!(ok[1].note, "Sommarvikarier; lägre andra halvåret");
        let errors = parse(&table(
            "Rad;Kommentar\nSN41:kop_verksamhet;ok\nSN41;saknar grupp\nSN42:personal;\n\
             SN41:kop_verksamhet;igen\n",
        ))
        .unwrap_err();
        let shown: Vec<String> = errors.iter().map(|e| e.to_string()).collect();
        assert_eq!(shown.len(), 3, "{shown:?}");
        assert!(shown[0].starts_with("granskning.csv, rad 3, kolumn \"Rad\": \"SN41\" är ingen"));
        assert!(shown[1].starts_with("granskning.csv, rad 4, kolumn \"Kommentar\": värde saknas"));
        assert!(shown[2].contains("rad 5") && shown[2].contains("står redan på rad 2"));
        let e = parse(&table("rad;text\nSN41:x;y\n")).unwrap_err();
        assert!(
            e[0].to_string().contains("kolumnen \"kommentar\" saknas"),
            "{e:?}"
        );
        let e = parse(&table("rad;kommentar\n")).unwrap_err();
        assert!(e[0].to_string().contains("inga rader"), "{e:?}");
    }

    #[test]
    fn reads_windows_1252() {
        // "Granskad: ökade kostnader" in Windows-1252 (ö = 0xF6).
        let mut bytes = b"rad;kommentar\r\nSN41:kop_verksamhet;Granskad: ".to_vec();
        bytes.push(0xF6);
        bytes.extend_from_slice(b"kade kostnader\r\n");
        let t = Table::from_csv(&bytes, "granskning.csv").unwrap();
        assert_eq!(parse(&t).unwrap()[0].note, "Granskad: ökade kostnader");
    }

    proptest! {
        /// What write_csv writes, parse reads back: any line codes and notes (separators,
        /// quotes, Swedish letters, line breaks inside a note).
        #[test]
        fn write_then_parse_round_trips(
            rows in proptest::collection::btree_map(
                ("[A-ZÅÄÖ][A-ZÅÄÖ0-9-]{0,8}", "[a-zåäö_]{1,12}"),
                "[^\u{0}-\u{1f}]{0,20}(\n[^\u{0}-\u{1f}]{1,10})?",
                1..8,
            )
        ) {
            let rows: Vec<((String, String), String)> = rows
                .into_iter()
                .map(|(k, v)| (k, v.trim().to_string()))
                .filter(|(_, v)| !v.is_empty())
                .collect();
            prop_assume!(!rows.is_empty());
            let written: Vec<(String, String)> = rows
                .iter()
                .map(|((n, g), v)| (format!("{n}:{g}"), v.clone()))
                .collect();
            let csv = write_csv(&written);
            let parsed = parse(&Table::from_csv(csv.as_bytes(), "granskning.csv").unwrap())
                .unwrap();
            prop_assert_eq!(parsed.len(), rows.len());
            for (p, ((n, g), v)) in parsed.iter().zip(&rows) {
                prop_assert_eq!(&p.node, n);
                prop_assert_eq!(&p.group, g);
                prop_assert_eq!(&p.note, v);
            }
        }
    }
}
