//! `delar forecast granska`: the review before a round is locked. Without a note it lists the
//! flagged lines that have neither a report comment nor a review note (the lines the lock
//! refuses); with `--kommentar "…"` it records one review note on the lines named with
//! `--rader NOD:GRUPP,…` or on every such line with `--alla`; with `--fil granskning.csv`
//! (columns `rad;kommentar`) one note per line from a file. Each write is one transaction with
//! one audit entry per line: all or nothing. Review notes (`granskning`) are internal: they
//! satisfy the lock and never reach the report.

use anyhow::{anyhow, bail, Context, Result};
use delar_core::{Amount, Round, Unit};
use delar_store::{ForecastStore, LineDetail, ReviewNote, RoundStatus, SqliteStore, Store};
use delar_tabular::{Table, TableError};
use std::collections::BTreeMap;
use std::fmt::Write as _;
use std::path::Path;
use std::process::ExitCode;

/// The columns of `granskning.csv`.
pub const COLUMNS: [&str; 2] = ["rad", "kommentar"];

/// Most row errors listed from one file.
const MAX_ERRORS: usize = 100;

/// What `granska` was asked to do.
pub struct Request<'a> {
    /// The round.
    pub round: Round,
    /// The review note for `rader` or `alla`.
    pub note: Option<&'a str>,
    /// The lines to note (`NOD:GRUPP`).
    pub lines: &'a [String],
    /// Note every line that needs a review.
    pub all: bool,
    /// A file with one note per line.
    pub file: Option<&'a Path>,
    /// Write the lines that need a review as a `granskning.csv` to fill in.
    pub template: Option<&'a Path>,
    /// Who reviews (audit log).
    pub user: String,
}

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

fn tkr(a: Amount) -> String {
    a.format(Unit::Tkr, 0)
}

/// Run `delar forecast granska`.
pub fn run(store: &mut SqliteStore, req: &Request<'_>) -> Result<ExitCode> {
    let id = req.round.id();
    let info = store.forecast_round(&id)?.ok_or_else(|| {
        anyhow!(
            "prognosomgången {id} finns inte; beräkna den först med \"delar forecast run --round {id}\""
        )
    })?;
    if info.status == RoundStatus::Locked && (req.note.is_some() || req.file.is_some()) {
        bail!(
            "{}",
            delar_store::locked_message(&id, info.locked_at.as_deref(), info.locked_by.as_deref())
        );
    }
    let details = store.forecast_line_details(&id)?;
    let pending: Vec<&LineDetail> = details.iter().filter(|d| d.needs_review()).collect();
    let notes: Vec<ReviewNote> = match (req.note, req.file) {
        (None, None) => {
            if let Some(path) = req.template {
                let rows: Vec<(String, String)> = pending
                    .iter()
                    .map(|d| (format!("{}:{}", d.line.node, d.line.group), String::new()))
                    .collect();
                std::fs::write(path, write_csv(&rows))
                    .with_context(|| format!("kunde inte skriva {}", path.display()))?;
                println!(
                    "Skrev {} med {} rader att granska; fyll i kolumnen kommentar och läs in den \
                     med \"delar forecast granska --round {id} --fil {}\".",
                    path.display(),
                    rows.len(),
                    path.display()
                );
                return Ok(ExitCode::SUCCESS);
            }
            print!("{}", listing(store, &req.round, info.status, &pending)?);
            return Ok(ExitCode::SUCCESS);
        }
        (Some(note), None) => {
            if note.trim().is_empty() {
                bail!("granskningskommentaren är tom; skriv den med --kommentar \"…\"");
            }
            let lines: Vec<(String, String)> = if req.all {
                pending
                    .iter()
                    .map(|d| (d.line.node.clone(), d.line.group.clone()))
                    .collect()
            } else if !req.lines.is_empty() {
                req.lines
                    .iter()
                    .map(|l| {
                        split_line(l)
                            .map(|(n, g)| (n.to_string(), g.to_string()))
                            .ok_or_else(|| {
                                anyhow!(
                                    "--rader: \"{l}\" är ingen prognosrad; skriv NOD:GRUPP, till \
                                     exempel SN41:kop_verksamhet"
                                )
                            })
                    })
                    .collect::<Result<_>>()?
            } else {
                bail!(
                    "ange vilka rader granskningskommentaren gäller: --rader NOD:GRUPP,… eller \
                     --alla (alla flaggade rader utan kommentar)"
                );
            };
            if lines.is_empty() {
                println!(
                    "{id}: inga flaggade rader saknar kommentar; ingenting sparades. Omgången kan \
                     låsas med \"delar forecast lock --round {id}\"."
                );
                return Ok(ExitCode::SUCCESS);
            }
            lines
                .into_iter()
                .map(|(node, group)| ReviewNote {
                    node,
                    group,
                    note: note.trim().to_string(),
                })
                .collect()
        }
        (None, Some(path)) => {
            let table = Table::read_path(path).map_err(|e| anyhow!("{e}"))?;
            let notes = parse(&table).map_err(|errors| file_errors(&table.file, &errors))?;
            // Lines that are not in the round: with the file's row, before anything is written.
            let known: std::collections::BTreeSet<(&str, &str)> = details
                .iter()
                .map(|d| (d.line.node.as_str(), d.line.group.as_str()))
                .collect();
            let rad = table.column(COLUMNS[0]).map_err(|e| anyhow!("{e}"))?;
            let missing: Vec<TableError> = table
                .iter()
                .zip(&notes)
                .filter(|(_, n)| !known.contains(&(n.node.as_str(), n.group.as_str())))
                .map(|(cells, n)| {
                    cells.error(
                        Some(&rad),
                        format!(
                            "prognosraden {}:{} finns inte i prognosomgången {id}. Se raderna \
                             med \"delar forecast show --round {id} --node {}\".",
                            n.node, n.group, n.node
                        ),
                    )
                })
                .take(MAX_ERRORS)
                .collect();
            if !missing.is_empty() {
                return Err(file_errors(&table.file, &missing));
            }
            notes
        }
        (Some(_), Some(_)) => bail!("ange antingen --kommentar eller --fil, inte båda"),
    };
    let n = store.review_lines(&id, &notes, &req.user)?;
    let left = store
        .forecast_line_details(&id)?
        .iter()
        .filter(|d| d.needs_review())
        .count();
    println!(
        "{id}: granskningskommentar sparad på {n} {} (kommer inte med i rapporten).",
        if n == 1 { "rad" } else { "rader" }
    );
    if left == 0 {
        println!(
            "Alla flaggade rader har en kommentar; omgången kan låsas med \"delar forecast lock \
             --round {id}\"."
        );
    } else {
        println!(
            "{left} flaggade rader saknar fortfarande kommentar; se dem med \"delar forecast \
             granska --round {id}\"."
        );
    }
    Ok(ExitCode::SUCCESS)
}

/// A file's row errors as one error: nothing was saved, then every error.
fn file_errors(file: &str, errors: &[TableError]) -> anyhow::Error {
    let mut s = format!(
        "{file} har {} fel; ingen granskning sparades. Rätta raderna och försök igen:",
        errors.len()
    );
    for e in errors {
        let _ = write!(s, "\n  {e}");
    }
    anyhow!(s)
}

/// The lines that need a review, with node name, amounts and flags, and what to do next.
fn listing(
    store: &SqliteStore,
    round: &Round,
    status: RoundStatus,
    pending: &[&LineDetail],
) -> Result<String> {
    let id = round.id();
    let mut s = String::new();
    if pending.is_empty() {
        let _ = writeln!(
            s,
            "{id} ({}): inga flaggade rader saknar kommentar.",
            status.label()
        );
        if status == RoundStatus::Open {
            let _ = writeln!(
                s,
                "Omgången kan låsas med \"delar forecast lock --round {id}\"."
            );
        }
        return Ok(s);
    }
    let org = store.organisation()?;
    let tree = org.tree_at(round.cutoff_month());
    let _ = writeln!(
        s,
        "{id} ({}): {} flaggade rader saknar kommentar (tkr; avvikelse = budget − prognos):",
        status.label(),
        pending.len()
    );
    for d in pending {
        let l = &d.line;
        let name = tree
            .node(&l.node)
            .map(|n| format!(" {}", n.name))
            .unwrap_or_default();
        let _ = writeln!(
            s,
            "\n{}:{}{name}\n  utfall {}  budget {}  prognos {}  avvikelse {}",
            l.node,
            l.group,
            tkr(l.to_date),
            tkr(l.budget),
            tkr(l.full_year()),
            tkr(l.deviation())
        );
        for f in &d.flags {
            let _ = writeln!(s, "  Flagga: {f}");
        }
    }
    let _ = writeln!(
        s,
        "\nGranska raderna och skriv en granskningskommentar (den kommer inte med i rapporten):\n  \
         på alla:        delar forecast granska --round {id} --kommentar \"…\" --alla\n  \
         på några:       delar forecast granska --round {id} --kommentar \"…\" --rader NOD:GRUPP,…\n  \
         en per rad:     delar forecast granska --round {id} --mall granskning.csv, fyll i, sedan --fil granskning.csv\n\
         En kommentar som ska stå i rapporten skrivs med \"delar forecast set NOD:GRUPP --comment \"…\"\"."
    );
    Ok(s)
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
