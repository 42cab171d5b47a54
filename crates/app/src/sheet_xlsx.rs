//! A unit's forecast sheet as an Excel workbook, filled in offline and uploaded back.
//!
//! The workbook ([`download`]) has the sheet `Prognos`: a header row and one row per line of
//! the unit with its annual budget, outcome to date, periodised budget to date, the
//! recommended method and its forecast, the forecast in force before adjustments (`Prognos
//! (tkr)`, to be filled in), the adjustments, the forecast after them (a formula), the
//! comment (to be filled in) and, in a hidden and protected column, the line's version. The
//! sheet is protected without a password so that only the forecast and the comment can be
//! typed in; a hidden sheet `delar` names the round, the node and when and by whom the file
//! was downloaded; a sheet `Så fyller du i` says what to do.
//!
//! An uploaded workbook ([`upload`]) is read with `delar-tabular` and checked cell by cell
//! (Swedish messages naming the file, the sheet, the row and the column, every problem at
//! once), then refused whole when any of its lines has changed in the database since the
//! download (naming who changed what and what it holds now), and otherwise applied in one
//! transaction ([`delar_store::ForecastStore::edit_lines`]) as the uploader's edits: a
//! changed amount is a manual amount and needs a comment, a changed comment is a comment.
//! The workflow's rules hold as for a save from the page: a submitted or approved unit is
//! locked for its unit manager, and a locked round refuses everything.

use crate::auth::{authorize, Action};
use crate::workflow::{check_editable, MAX_COMMENT};
use crate::{fail, AppError, Result};
use delar_core::{Amount, Round, Unit};
use delar_store::prelude::*;
use delar_store::{CommentKind, LineChange, LineDetail, LineEdit, StoreError};
use delar_tabular::{Table, TableError};
use rust_xlsxwriter::{Format, FormatAlign, FormatBorder, Workbook};
use std::io::Read;

/// The sheet with the lines.
pub const SHEET: &str = "Prognos";

/// The hidden sheet that names the round and the node.
pub const META_SHEET: &str = "delar";

/// The largest workbook accepted for upload (a unit's sheet is a few kilobytes).
pub const MAX_UPLOAD: usize = 2 * 1024 * 1024;

/// The most a workbook may hold unpacked (a compressed file that unpacks to gigabytes is
/// refused before it is read).
pub const MAX_UNPACKED: u64 = 20 * 1024 * 1024;

/// The largest amount accepted in a cell, in tkr (100 miljarder kronor).
const MAX_TKR: i64 = 100_000_000;

/// The column headers of [`SHEET`], in order.
pub const COLUMNS: [&str; 11] = [
    "Kontogrupp",
    "Årsbudget (tkr)",
    "Utfall hittills (tkr)",
    "Periodiserad budget hittills (tkr)",
    "Rekommenderad metod",
    "Rekommenderad prognos (tkr)",
    "Prognos (tkr)",
    "Justeringar (tkr)",
    "Prognos efter justeringar (tkr)",
    "Kommentar",
    "Version",
];

const COL_AMOUNT: u16 = 6;
const COL_COMMENT: u16 = 9;
const COL_VERSION: u16 = 10;

/// A workbook to download.
pub struct SheetFile {
    /// The file name: `prognos-2025-P2-SN41.xlsx`.
    pub file_name: String,
    /// The bytes.
    pub bytes: Vec<u8>,
}

/// Öre as tkr for a cell (exact to the öre: at most five decimals, well within an f64).
fn tkr_number(a: Amount) -> f64 {
    a.ore() as f64 / 100_000.0
}

/// The letter of a column (0 = A).
fn letter(col: u16) -> char {
    (b'A' + col as u8) as char
}

/// The lines of `node` in the round, in computation order.
fn node_lines(store: &dyn Backend, round: &str, node: &str) -> Result<Vec<LineDetail>> {
    Ok(store.forecast_node_details(round, &[node])?)
}

/// The sheet of `node` in `round` as a workbook, for a person who may read it. `now` is the
/// time written into the file (`2025-09-12 08:15 UTC`).
pub fn download(
    store: &dyn Backend,
    user: &str,
    round: &Round,
    node: &str,
    now: &str,
) -> Result<SheetFile> {
    let auth = authorize(store, user, round, node, Action::Read)?;
    let id = round.id();
    let lines = node_lines(store, &id, node)?;
    if lines.is_empty() {
        return Err(AppError::NotFound(format!(
            "{node} har inga egna prognosrader i {id}; ladda ner bladen för enheterna under den \
             var för sig"
        )));
    }
    let name = auth
        .tree
        .node(node)
        .map(|n| n.name.clone())
        .unwrap_or_default();
    let bytes = write(&id, node, &name, &lines, user, now)
        .map_err(|e| AppError::Io(format!("Excel-filen kunde inte skrivas: {e}")))?;
    Ok(SheetFile {
        file_name: format!("prognos-{}-{node}.xlsx", id.replace('@', "-")),
        bytes,
    })
}

fn write(
    round: &str,
    node: &str,
    name: &str,
    lines: &[LineDetail],
    user: &str,
    now: &str,
) -> std::result::Result<Vec<u8>, rust_xlsxwriter::XlsxError> {
    let mut wb = Workbook::new();
    let head = Format::new()
        .set_bold()
        .set_text_wrap()
        .set_border_bottom(FormatBorder::Medium)
        .set_align(FormatAlign::Top);
    let num = Format::new().set_num_format("#,##0.0;−#,##0.0;0");
    let text = Format::new().set_text_wrap().set_align(FormatAlign::Top);
    let open_num = num.clone().set_unlocked().set_background_color("#FFF8DC");
    let open_text = text.clone().set_unlocked().set_background_color("#FFF8DC");
    let version = Format::new().set_hidden();
    {
        let ws = wb.add_worksheet();
        ws.set_name(SHEET)?;
        for (c, h) in COLUMNS.iter().enumerate() {
            ws.write_string_with_format(0, c as u16, *h, &head)?;
        }
        ws.set_row_height(0, 45)?;
        for (c, w) in [22, 12, 12, 14, 24, 14, 14, 12, 14, 50, 8]
            .iter()
            .enumerate()
        {
            ws.set_column_width(c as u16, *w)?;
        }
        for (i, d) in lines.iter().enumerate() {
            let r = i as u32 + 1;
            let l = &d.line;
            ws.write_string_with_format(r, 0, &l.group, &text)?;
            ws.write_number_with_format(r, 1, tkr_number(l.budget), &num)?;
            ws.write_number_with_format(r, 2, tkr_number(l.to_date), &num)?;
            ws.write_number_with_format(r, 3, tkr_number(d.budget_to_date), &num)?;
            let rec = d.recommended.and_then(|m| {
                d.estimates
                    .iter()
                    .find(|e| e.method == m)
                    .map(|e| (m, e.full_year))
            });
            match rec {
                Some((m, Some(v))) => {
                    ws.write_string_with_format(r, 4, m.name(), &text)?;
                    ws.write_number_with_format(r, 5, tkr_number(v), &num)?;
                }
                Some((m, None)) => {
                    ws.write_string_with_format(r, 4, m.name(), &text)?;
                    ws.write_string_with_format(r, 5, "kan inte användas", &text)?;
                }
                None => {
                    ws.write_string_with_format(r, 4, "ingen rekommendation", &text)?;
                }
            }
            ws.write_number_with_format(r, COL_AMOUNT, tkr_number(l.base), &open_num)?;
            let adj: Amount = l.adjustments.iter().map(|a| a.amount).sum();
            ws.write_number_with_format(r, 7, tkr_number(adj), &num)?;
            let row = r + 1;
            ws.write_formula_with_format(
                r,
                8,
                rust_xlsxwriter::Formula::new(format!("={}{row}+H{row}", letter(COL_AMOUNT)))
                    .set_result(format!("{}", tkr_number(l.full_year()))),
                &num,
            )?;
            ws.write_string_with_format(
                r,
                COL_COMMENT,
                l.comment.as_deref().unwrap_or(""),
                &open_text,
            )?;
            ws.write_number_with_format(r, COL_VERSION, d.version as f64, &version)?;
        }
        ws.set_column_hidden(COL_VERSION)?;
        ws.set_freeze_panes(1, 1)?;
        ws.protect();
    }
    {
        let ws = wb.add_worksheet();
        ws.set_name("Så fyller du i")?;
        let bold = Format::new().set_bold();
        let rows = [
            format!("Prognos {round} för {node} {name}"),
            format!("Hämtad {now} av {user}."),
            String::new(),
            "Skriv helårsprognosen före justeringar i kolumnen \"Prognos (tkr)\" och en kommentar \
             i kolumnen \"Kommentar\" (de gula cellerna; resten av bladet är skyddat)."
                .to_string(),
            "Ett ändrat belopp blir ett manuellt belopp och kräver en kommentar, som kommer med i \
             rapporten. Belopp i tkr; decimaler med komma."
                .to_string(),
            format!(
                "Ladda upp filen på prognosbladet för {node}. Har någon ändrat en rad i delar efter \
                 att du hämtade filen avvisas hela filen; hämta den då på nytt."
            ),
            "Ändra inte kontogrupperna eller bladens namn.".to_string(),
        ];
        for (i, t) in rows.iter().enumerate() {
            if i == 0 {
                ws.write_string_with_format(i as u32, 0, t, &bold)?;
            } else {
                ws.write_string(i as u32, 0, t)?;
            }
        }
        ws.set_column_width(0, 110)?;
    }
    {
        let ws = wb.add_worksheet();
        ws.set_name(META_SHEET)?;
        for (i, (k, v)) in [
            ("Nyckel", "Värde"),
            ("omgång", round),
            ("nod", node),
            ("hämtad", now),
            ("hämtad av", user),
        ]
        .iter()
        .enumerate()
        {
            ws.write_string(i as u32, 0, *k)?;
            ws.write_string(i as u32, 1, *v)?;
        }
        ws.set_hidden(true);
        ws.protect();
    }
    wb.save_to_buffer()
}

/// What an upload did.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Uploaded {
    /// The lines changed (kontogrupp), in the file's order.
    pub changed: Vec<String>,
    /// Lines in the file that were left as they were.
    pub unchanged: usize,
}

/// Refuse a file that unpacks to more than [`MAX_UNPACKED`] (or is not a ZIP package).
fn check_package(bytes: &[u8], file: &str) -> Result<()> {
    let not_xlsx = || {
        AppError::Invalid(format!(
            "{file}: filen är ingen Excel-arbetsbok (.xlsx); ladda ner bladet som Excel, fyll i \
             det och spara det som .xlsx"
        ))
    };
    let mut zip = zip::ZipArchive::new(std::io::Cursor::new(bytes)).map_err(|_| not_xlsx())?;
    let mut total: u64 = 0;
    for i in 0..zip.len() {
        let f = zip.by_index_raw(i).map_err(|_| not_xlsx())?;
        total = total.saturating_add(f.size());
    }
    if total > MAX_UNPACKED {
        fail!(
            "{file}: arbetsboken packas upp till {} MB, mer än de {} MB ett prognosblad kan \
             behöva; ladda ner bladet på nytt och fyll i det",
            total / (1024 * 1024),
            MAX_UNPACKED / (1024 * 1024)
        );
    }
    // The sizes in the directory are the writer's word: read the sheets with a cap, too.
    let mut unpacked: u64 = 0;
    for i in 0..zip.len() {
        let f = zip.by_index(i).map_err(|_| not_xlsx())?;
        let mut sink = std::io::sink();
        unpacked += std::io::copy(&mut f.take(MAX_UNPACKED + 1 - unpacked), &mut sink)
            .map_err(|_| not_xlsx())?;
        if unpacked > MAX_UNPACKED {
            fail!(
                "{file}: arbetsboken packas upp till mer än {} MB; ladda ner bladet på nytt och \
                 fyll i det",
                MAX_UNPACKED / (1024 * 1024)
            );
        }
    }
    Ok(())
}

/// The round and node a workbook was downloaded for, from its hidden sheet.
fn meta(bytes: &[u8], file: &str) -> Result<(String, String)> {
    let t = Table::from_xlsx(
        bytes,
        &format!("{file}, bladet {META_SHEET}"),
        Some(META_SHEET),
    )
    .map_err(|_| {
        AppError::Invalid(format!(
            "{file}: arbetsboken är inte ett prognosblad från delar (det dolda bladet \
                 \"{META_SHEET}\" saknas eller går inte att läsa); ladda ner bladet som Excel \
                 från prognosbladet och fyll i det"
        ))
    })?;
    let get = |key: &str| {
        t.rows
            .iter()
            .find(|r| r.cells.first().map(|c| c.as_str()) == Some(key))
            .and_then(|r| r.cells.get(1).cloned())
            .unwrap_or_default()
    };
    Ok((get("omgång"), get("nod")))
}

/// A cell's problem: `file, bladet Prognos, rad N, kolumn "X" (G): message`.
fn cell_error(file: &str, line: usize, col: u16, message: impl Into<String>) -> TableError {
    TableError {
        file: format!("{file}, bladet {SHEET}"),
        line,
        column: Some(format!("{} ({})", COLUMNS[col as usize], letter(col))),
        message: message.into(),
    }
}

/// Read, check and apply an uploaded workbook for `node` in `round` as `user`'s edits: all or
/// nothing. Every cell problem is reported at once ([`AppError::Invalid`], one per line of
/// the message); lines changed since the download refuse the whole file
/// ([`StoreError::Conflict`], naming who changed what and what it holds now).
pub fn upload(
    store: &mut dyn Backend,
    user: &str,
    round: &Round,
    node: &str,
    file: &str,
    bytes: &[u8],
) -> Result<Uploaded> {
    let auth = authorize(store, user, round, node, Action::Edit)?;
    let id = round.id();
    check_editable(store, &auth, node)?;
    let file = if file.trim().is_empty() {
        "filen"
    } else {
        file.trim()
    };
    if bytes.len() > MAX_UPLOAD {
        fail!(
            "{file} är {} kB; en uppladdad arbetsbok får vara högst {} kB (ett prognosblad är \
             några kB); ladda ner bladet på nytt och fyll i det",
            bytes.len() / 1024,
            MAX_UPLOAD / 1024
        );
    }
    if bytes.is_empty() {
        fail!("{file} är tom; välj den ifyllda Excel-filen och ladda upp den igen");
    }
    check_package(bytes, file)?;
    let (r, n) = meta(bytes, file)?;
    if r != id || n != node {
        fail!(
            "{file} är prognosbladet för {} i omgången {}, inte för {node} i {id}; ladda upp den \
             på rätt prognosblad, eller ladda ner bladet för {node} och fyll i det",
            if n.is_empty() { "?" } else { &n },
            if r.is_empty() { "?" } else { &r }
        );
    }
    let table = Table::from_xlsx(bytes, &format!("{file}, bladet {SHEET}"), Some(SHEET))
        .map_err(|e| AppError::Invalid(e.to_string()))?;
    let col = |name: &str| {
        table
            .column(name)
            .map_err(|e| AppError::Invalid(e.to_string()))
    };
    let (c_group, c_amount, c_comment, c_version) = (
        col(COLUMNS[0])?,
        col(COLUMNS[COL_AMOUNT as usize])?,
        col(COLUMNS[COL_COMMENT as usize])?,
        col(COLUMNS[COL_VERSION as usize])?,
    );
    let lines = node_lines(store, &id, node)?;
    // Lines changed since the download refuse the whole file first: the person has to fetch
    // the sheet again whatever else the file holds.
    let stale: Vec<String> = table
        .iter()
        .filter_map(|cells| {
            let d = lines
                .iter()
                .find(|d| d.line.group == cells.text(&c_group))?;
            let v = cells.text(&c_version).parse::<i64>().ok()?;
            (v != d.version).then(|| stale_text(node, d))
        })
        .collect();
    if !stale.is_empty() {
        return Err(AppError::Store(StoreError::Conflict(format!(
            "{file} laddades inte upp; inget har ändrats. {} har ändrats i delar efter att filen \
             hämtades: {}. Ladda ner bladet på nytt, för in dina ändringar och ladda upp det \
             igen.",
            if stale.len() == 1 {
                "En rad".to_string()
            } else {
                format!("{} rader", stale.len())
            },
            stale.join("; ")
        ))));
    }
    let mut errors: Vec<TableError> = Vec::new();
    let mut seen: Vec<String> = Vec::new();
    // (line, version in the file, new amount or None, new comment or None)
    let mut rows: Vec<(&LineDetail, i64, Option<Amount>, Option<String>)> = Vec::new();
    for cells in table.iter() {
        let line = cells.line();
        let group = cells.text(&c_group);
        let Some(d) = lines.iter().find(|d| d.line.group == group) else {
            errors.push(cell_error(
                file,
                line,
                0,
                if group.is_empty() {
                    "kontogruppen saknas; ändra inte den kolumnen".to_string()
                } else {
                    format!(
                        "kontogruppen \"{group}\" finns inte på {node} i {id}; ändra inte den \
                         kolumnen (ladda ner bladet på nytt om raderna har ändrats)"
                    )
                },
            ));
            continue;
        };
        if seen.iter().any(|g| g == group) {
            errors.push(cell_error(
                file,
                line,
                0,
                format!("kontogruppen \"{group}\" står två gånger; ta bort den ena raden"),
            ));
            continue;
        }
        seen.push(group.to_string());
        let version = match cells.text(&c_version).parse::<i64>() {
            Ok(v) => v,
            Err(_) => {
                errors.push(cell_error(
                    file,
                    line,
                    COL_VERSION,
                    "radens version saknas eller är ändrad; ladda ner bladet på nytt",
                ));
                continue;
            }
        };
        let typed = cells.text(&c_amount);
        let amount = if typed.is_empty() {
            errors.push(cell_error(
                file,
                line,
                COL_AMOUNT,
                "prognosen saknas; skriv helårsprognosen i tkr (till exempel 1 234,5)",
            ));
            None
        } else {
            match Amount::parse_swedish_in(typed, Unit::Tkr) {
                Ok(a) if a.ore().unsigned_abs() <= (MAX_TKR as u64) * 100_000 => Some(a),
                Ok(_) => {
                    errors.push(cell_error(
                        file,
                        line,
                        COL_AMOUNT,
                        format!(
                            "\"{typed}\" tkr är orimligt stort; skriv helårsprognosen i tkr \
                             (högst {MAX_TKR} tkr)"
                        ),
                    ));
                    None
                }
                Err(_) => {
                    // The parser's own words repeat the text and give a point as an example;
                    // the person typed into a Swedish sheet.
                    errors.push(cell_error(
                        file,
                        line,
                        COL_AMOUNT,
                        format!(
                            "\"{typed}\" kan inte läsas som ett belopp; skriv \
                             helårsprognosen i tkr med siffror, till exempel 1 234,5 eller −12"
                        ),
                    ));
                    None
                }
            }
        };
        let comment = cells.text(&c_comment);
        let n = comment.chars().count();
        if let Some(problem) = crate::workflow::control_character(comment) {
            errors.push(cell_error(
                file,
                line,
                COL_COMMENT,
                format!("kommentaren {problem}"),
            ));
            continue;
        }
        if n > MAX_COMMENT {
            errors.push(cell_error(
                file,
                line,
                COL_COMMENT,
                format!(
                    "kommentaren är {n} tecken lång; korta den till högst {MAX_COMMENT} tecken"
                ),
            ));
            continue;
        }
        let Some(amount) = amount else { continue };
        let new_amount = (amount != d.line.base).then_some(amount);
        let old_comment = d.line.comment.as_deref().unwrap_or("").trim();
        let new_comment = (comment != old_comment).then(|| comment.to_string());
        if new_amount.is_some() && comment.is_empty() {
            errors.push(cell_error(
                file,
                line,
                COL_COMMENT,
                format!(
                    "skriv en kommentar som förklarar det nya beloppet för {group} (den kommer \
                     med i rapporten)"
                ),
            ));
            continue;
        }
        rows.push((d, version, new_amount, new_comment));
    }
    if table.rows.is_empty() {
        fail!("{file}: bladet {SHEET} har inga rader; ladda ner bladet på nytt och fyll i det");
    }
    if !errors.is_empty() {
        let n = errors.len();
        let mut msg: Vec<String> = vec![format!(
            "{file} laddades inte upp; inget har ändrats. {} att rätta:",
            if n == 1 {
                "En cell".to_string()
            } else {
                format!("{n} celler")
            }
        )];
        msg.extend(errors.iter().take(100).map(|e| e.to_string()));
        return Err(AppError::Invalid(msg.join("\n")));
    }
    let changes: Vec<LineChange<'_>> = rows
        .iter()
        .filter_map(|(d, v, amount, comment)| {
            let edit = match (amount, comment) {
                (Some(a), _) => LineEdit::Amount {
                    amount: *a,
                    comment: d_comment(comment, d),
                    kind: CommentKind::Report,
                },
                (None, Some(c)) => LineEdit::Comment {
                    text: c.as_str(),
                    kind: CommentKind::Report,
                },
                (None, None) => return None,
            };
            Some(LineChange {
                node,
                group: &d.line.group,
                edit,
                expected: Some(*v),
            })
        })
        .collect();
    let changed: Vec<String> = changes.iter().map(|c| c.group.to_string()).collect();
    let unchanged = rows.len() - changed.len();
    if !changes.is_empty() {
        store.edit_lines(&id, &changes, user)?;
    }
    Ok(Uploaded { changed, unchanged })
}

/// `SN41:personal: ekonom-sn ändrade den 2025-09-12T08:15:00Z; nu 1 234 tkr, kommentar "…"`.
fn stale_text(node: &str, d: &LineDetail) -> String {
    let who = match (&d.changed_by, &d.changed_at) {
        (Some(by), Some(at)) => format!("{by} ändrade den {at}"),
        (Some(by), None) => format!("{by} ändrade den"),
        _ => "den har ändrats".to_string(),
    };
    let comment = d
        .line
        .comment
        .as_deref()
        .map(|c| format!(", kommentar \"{c}\""))
        .unwrap_or_default();
    format!(
        "{node}:{}: {who}; nu {}{comment}",
        d.line.group,
        crate::forecast::tkr(d.line.full_year())
    )
}

/// The comment that goes with a new amount: the one typed, else the line's own.
fn d_comment<'a>(typed: &'a Option<String>, d: &'a LineDetail) -> &'a str {
    typed.as_deref().or(d.line.comment.as_deref()).unwrap_or("")
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    /// The text the workbook reader gives for a number cell (delar-tabular's `cell_text`).
    fn as_read(f: f64) -> String {
        if f.fract() == 0.0 && f.abs() < 1e15 {
            format!("{}", f as i64)
        } else {
            format!("{f}")
        }
    }

    proptest! {
        /// Every amount up to the limit survives the trip through a number cell exactly: the
        /// öre written as tkr in an f64 and read back as text are the same öre, so an
        /// untouched cell is never taken for a change.
        #[test]
        fn amounts_round_trip_through_number_cells(ore in -(MAX_TKR * 100_000)..=(MAX_TKR * 100_000)) {
            let a = Amount::from_ore(ore);
            let back = Amount::parse_swedish_in(&as_read(tkr_number(a)), Unit::Tkr).unwrap();
            prop_assert_eq!(back, a);
        }

        /// Typed amounts in Swedish or plain notation are read in tkr, exact to the öre.
        #[test]
        fn typed_amounts_are_read_in_tkr(whole in -999_999i64..=999_999, tenths in 0u8..10) {
            let typed = format!("{whole},{tenths}").replace('-', "−");
            let a = Amount::parse_swedish_in(&typed, Unit::Tkr).unwrap();
            let sign = if typed.starts_with('−') { -1 } else { 1 };
            prop_assert_eq!(a.ore(), whole * 100_000 + sign * tenths as i64 * 10_000);
        }
    }

    #[test]
    fn columns_are_lettered_from_a() {
        assert_eq!(letter(0), 'A');
        assert_eq!(letter(COL_AMOUNT), 'G');
        assert_eq!(letter(COL_COMMENT), 'J');
        assert_eq!(COLUMNS[COL_VERSION as usize], "Version");
    }
}
