//! Renders a [`delar_report::Report`]'s tables and charts to an Excel workbook (XLSX).
//!
//! The first sheet, `Innehåll`, lists every table and chart with a link to its sheet. Each
//! table gets a sheet `Tabell N`: title row, sign note, spanning group header (merged),
//! column header (frozen, repeated when printed), then the rows with numbers as numbers
//! ([`Cell::display_number`], so 12,3 mnkr is the number 12.3456789 in the sheet) in the
//! column's number format ([`Format::excel_format`]) so Excel shows the same text as the
//! other formats, text cells and `i.u.` as text, statuses as their label, bold subtotals and
//! totals, and the notes below. Each chart gets a sheet `Diagram N` with its data and a
//! native Excel chart. A draft has `UTKAST` in every page header and in a red cell at the top
//! of every sheet.
//!
//! The file is byte-identical for the same report: the creation date comes from `meta.date`.

use delar_report::{layout, svg};
use delar_report::{
    Cell, Chart, ChartKind, Format as ModelFormat, Report, Row, RowKind, SeriesStyle, StatusLevel,
    Table, Value,
};
use rust_xlsxwriter::{
    Chart as XlsxChart, ChartAxisCrossing, ChartAxisLabelPosition, ChartDataLabel,
    ChartDataLabelPosition, ChartEmptyCells, ChartFont, ChartLegendPosition, ChartLine,
    ChartLineDashType, ChartPoint, ChartSolidFill, ChartType, Color, DocProperties, ExcelDateTime,
    Format, FormatAlign, FormatBorder, Url, Workbook, Worksheet,
};

/// The error type of [`render`] (rust_xlsxwriter's).
pub use rust_xlsxwriter::XlsxError;

const ACCENT: u32 = 0x1F4E79;
const DRAFT_RED: u32 = 0xC00000;
/// Widest column in characters; longer labels wrap.
const MAX_WIDTH: usize = 60;

/// Render the report's tables and charts as an XLSX workbook.
pub fn render(report: &Report) -> Result<Vec<u8>, XlsxError> {
    let mut wb = Workbook::new();
    let meta = &report.meta;
    let mut props = DocProperties::new()
        .set_title(if meta.draft {
            format!("UTKAST – {}", meta.title)
        } else {
            meta.title.clone()
        })
        .set_subject(&meta.subtitle)
        .set_author(&meta.organisation)
        .set_company(&meta.organisation);
    if let Some(date) = parse_date(&meta.date) {
        props = props.set_creation_datetime(&date);
    } else {
        props = props.set_creation_datetime(&ExcelDateTime::from_ymd(2000, 1, 1)?);
    }
    wb.set_properties(&props);

    let tables = report.tables();
    let charts = report.charts();
    let mut taken = vec!["Innehåll".to_string()];
    let table_sheets: Vec<String> = tables
        .iter()
        .enumerate()
        .map(|(i, t)| unique(sheet_name("Tabell", t.number, i), &mut taken))
        .collect();
    let chart_sheets: Vec<String> = charts
        .iter()
        .enumerate()
        .map(|(i, c)| unique(sheet_name("Diagram", c.number, i), &mut taken))
        .collect();

    contents_sheet(
        wb.add_worksheet(),
        report,
        &tables,
        &table_sheets,
        &charts,
        &chart_sheets,
    )?;
    for (t, name) in tables.iter().zip(&table_sheets) {
        table_sheet(wb.add_worksheet(), report, t, name)?;
    }
    for (c, name) in charts.iter().zip(&chart_sheets) {
        chart_sheet(wb.add_worksheet(), report, c, name)?;
    }
    wb.save_to_buffer()
}

/// `Tabell 3`, or `Tabell 3` from the position when the table is unnumbered.
fn sheet_name(prefix: &str, number: u32, index: usize) -> String {
    let n = if number > 0 {
        number as usize
    } else {
        index + 1
    };
    format!("{prefix} {n}")
}

/// `name`, or `name (2)`, `name (3)` … if it is taken (Excel compares sheet names without
/// case).
fn unique(name: String, taken: &mut Vec<String>) -> String {
    let free =
        |n: &str, taken: &[String]| !taken.iter().any(|t| t.to_lowercase() == n.to_lowercase());
    let mut candidate = name.clone();
    let mut k = 2;
    while !free(&candidate, taken) {
        candidate = format!("{name} ({k})");
        k += 1;
    }
    taken.push(candidate.clone());
    candidate
}

fn parse_date(date: &str) -> Option<ExcelDateTime> {
    let mut it = date.trim().splitn(3, '-');
    let y: u16 = it.next()?.parse().ok()?;
    let m: u8 = it.next()?.parse().ok()?;
    let d: u8 = it.next()?.parse().ok()?;
    ExcelDateTime::from_ymd(y, m, d).ok()
}

/// Text for a page header or footer: `&` doubled.
fn header_text(s: &str) -> String {
    s.replace('&', "&&")
}

/// Page setup every sheet shares: A4, fit to one page wide, header with the title (and the
/// draft mark), footer with page numbers.
fn page_setup(ws: &mut Worksheet, report: &Report) {
    let meta = &report.meta;
    ws.set_paper_size(9);
    ws.set_print_fit_to_pages(1, 0);
    let mut head = format!("&L{}", header_text(&meta.title));
    if meta.draft {
        head.push_str("&C&\"-,Bold\"&KC00000UTKAST");
    }
    ws.set_header(head);
    ws.set_footer("&RSida &P av &N");
}

/// The red draft cell on row 0, spanning `width` columns. Returns the next free row.
fn draft_row(ws: &mut Worksheet, report: &Report, width: u16) -> Result<u32, XlsxError> {
    if !report.meta.draft {
        return Ok(0);
    }
    let f = Format::new()
        .set_bold()
        .set_font_size(14)
        .set_font_color(Color::White)
        .set_background_color(Color::RGB(DRAFT_RED))
        .set_align(FormatAlign::Left);
    let text = "UTKAST – ej fastställd version";
    ws.set_row_height(0, 21)?;
    if width > 1 {
        ws.merge_range(0, 0, 0, width - 1, text, &f)?;
    } else {
        ws.write_string_with_format(0, 0, text, &f)?;
    }
    Ok(1)
}

fn contents_sheet(
    ws: &mut Worksheet,
    report: &Report,
    tables: &[&Table],
    table_sheets: &[String],
    charts: &[&Chart],
    chart_sheets: &[String],
) -> Result<(), XlsxError> {
    ws.set_name("Innehåll")?;
    page_setup(ws, report);
    let meta = &report.meta;
    let mut row = draft_row(ws, report, 3)?;
    let title = Format::new()
        .set_bold()
        .set_font_size(16)
        .set_font_color(Color::RGB(ACCENT));
    let bold = Format::new().set_bold();
    let head = Format::new()
        .set_bold()
        .set_background_color(Color::RGB(0xF2F2F2))
        .set_border_bottom(FormatBorder::Thin);
    let link = Format::new()
        .set_font_color(Color::RGB(0x0563C1))
        .set_underline(rust_xlsxwriter::FormatUnderline::Single);
    ws.write_string_with_format(row, 0, &meta.title, &title)?;
    ws.set_row_height(row, 24)?;
    row += 1;
    if !meta.subtitle.is_empty() {
        ws.write_string_with_format(row, 0, &meta.subtitle, &bold)?;
        row += 1;
    }
    for (label, value) in
        std::iter::once(("Organisation", meta.organisation.as_str())).chain(meta.cover_lines())
    {
        if !value.is_empty() {
            ws.write_string(row, 0, format!("{label}: {value}"))?;
            row += 1;
        }
    }
    row += 1;
    ws.write_string_with_format(row, 0, "Innehåll", &title)?;
    ws.set_row_height(row, 24)?;
    row += 1;
    let mut widths = [10usize, 40, 12];
    let mut list = |ws: &mut Worksheet,
                    row: &mut u32,
                    items: Vec<(String, String, &String)>|
     -> Result<(), XlsxError> {
        for (number, caption, sheet) in items {
            ws.write_url_with_format(
                *row,
                0,
                Url::new(format!("internal:'{sheet}'!A1")).set_text(&number),
                &link,
            )?;
            ws.write_string(*row, 1, &caption)?;
            ws.write_string(*row, 2, sheet)?;
            widths[0] = widths[0].max(width_of(&number));
            widths[1] = widths[1].max(width_of(&caption));
            *row += 1;
        }
        Ok(())
    };
    if !tables.is_empty() {
        ws.write_string_with_format(row, 0, "Tabell", &head)?;
        ws.write_string_with_format(row, 1, "Rubrik", &head)?;
        ws.write_string_with_format(row, 2, "Flik", &head)?;
        row += 1;
        let items = tables
            .iter()
            .zip(table_sheets)
            .map(|(t, s)| (s.clone(), t.caption_with_unit(), s))
            .collect();
        list(ws, &mut row, items)?;
        row += 1;
    }
    if !charts.is_empty() {
        ws.write_string_with_format(row, 0, "Diagram", &head)?;
        ws.write_string_with_format(row, 1, "Rubrik", &head)?;
        ws.write_string_with_format(row, 2, "Flik", &head)?;
        row += 1;
        let items = charts
            .iter()
            .zip(chart_sheets)
            .map(|(c, s)| (s.clone(), c.title.clone(), s))
            .collect();
        list(ws, &mut row, items)?;
    }
    for (i, w) in widths.iter().enumerate() {
        ws.set_column_width(i as u16, (*w).min(MAX_WIDTH + 20) as f64 + 2.0)?;
    }
    Ok(())
}

/// Approximate display width of a text in Excel's character units.
fn width_of(s: &str) -> usize {
    s.chars().count()
}

fn table_sheet(
    ws: &mut Worksheet,
    report: &Report,
    t: &Table,
    name: &str,
) -> Result<(), XlsxError> {
    ws.set_name(name)?;
    page_setup(ws, report);
    let ncols = t.columns.len().max(1) as u16;
    let mut row = draft_row(ws, report, ncols)?;
    let title = Format::new().set_bold().set_font_size(13);
    ws.write_string_with_format(row, 0, t.title(), &title)?;
    ws.set_row_height(row, 19)?;
    row += 1;
    if let Some(note) = &t.sign_note {
        let f = Format::new()
            .set_italic()
            .set_font_size(9)
            .set_font_color(Color::RGB(0x404040));
        ws.write_string_with_format(row, 0, note, &f)?;
        row += 1;
    }
    row += 1;
    let first_header = row;
    let (fill, ink) = header_colours(report);
    if !t.groups.is_empty() {
        let f = Format::new()
            .set_bold()
            .set_align(FormatAlign::Center)
            .set_background_color(fill)
            .set_font_color(ink)
            .set_border_bottom(FormatBorder::Thin);
        let plain = Format::new()
            .set_bold()
            .set_background_color(fill)
            .set_font_color(ink);
        let mut col: u16 = 0;
        for g in &t.groups {
            let span = g.span.max(1) as u16;
            let fmt = if g.label.is_empty() { &plain } else { &f };
            if span > 1 {
                ws.merge_range(row, col, row, col + span - 1, &g.label, fmt)?;
            } else {
                ws.write_string_with_format(row, col, &g.label, fmt)?;
            }
            col += span;
        }
        row += 1;
    }
    for (i, c) in t.columns.iter().enumerate() {
        let mut f = Format::new()
            .set_bold()
            .set_text_wrap()
            .set_align(FormatAlign::Bottom)
            .set_background_color(fill)
            .set_font_color(ink)
            .set_border_bottom(FormatBorder::Medium);
        if layout::right_aligned(t, i) {
            f = f.set_align(FormatAlign::Right);
        }
        ws.write_string_with_format(row, i as u16, &c.label, &f)?;
    }
    let header_row = row;
    let widths = column_widths(t);
    for (i, w) in widths.iter().enumerate() {
        ws.set_column_width(i as u16, *w as f64 + 2.0)?;
    }
    ws.set_freeze_panes(header_row + 1, 0)?;
    ws.set_repeat_rows(first_header, header_row)?;
    row += 1;
    for r in &t.rows {
        for (i, width) in widths.iter().enumerate().take(t.columns.len()) {
            let empty = Cell::empty();
            let cell = r.cells.get(i).unwrap_or(&empty);
            write_cell(ws, row, r, i, t, cell, *width)?;
        }
        // Rows with wrapped text get the height they need.
        let lines = t
            .columns
            .iter()
            .zip(&r.cells)
            .zip(&widths)
            .filter(|((c, _), _)| c.format == ModelFormat::Text)
            .map(|((_, cell), w)| wrapped_lines(&cell.text, *w))
            .max()
            .unwrap_or(1);
        if lines > 1 {
            ws.set_row_height(row, 15 * lines as u32)?;
        }
        row += 1;
    }
    if !t.notes.is_empty() {
        row += 1;
        let f = Format::new()
            .set_font_size(9)
            .set_font_color(Color::RGB(0x404040));
        for n in &t.notes {
            ws.write_string_with_format(row, 0, n, &f)?;
            row += 1;
        }
    }
    // Header labels longer than their column wrap; the row grows to fit them.
    let header_lines = t
        .columns
        .iter()
        .zip(&widths)
        .map(|(c, w)| wrapped_lines(&c.label, *w))
        .max()
        .unwrap_or(1);
    if header_lines > 1 {
        ws.set_row_height(header_row, 13 * header_lines as u32 + 3)?;
    }
    ws.set_landscape();
    Ok(())
}

/// Column widths in characters: the longest text (with the label indent), numeric columns
/// also their header up to 24 characters; at most [`MAX_WIDTH`] (longer texts wrap).
fn column_widths(t: &Table) -> Vec<usize> {
    t.columns
        .iter()
        .enumerate()
        .map(|(i, c)| {
            let longest = t
                .rows
                .iter()
                .filter_map(|r| r.cells.get(i))
                .map(|c| width_of(&c.text))
                .max()
                .unwrap_or(0);
            let indent = if i == 0 {
                t.rows
                    .iter()
                    .map(|r| r.level as usize * 2)
                    .max()
                    .unwrap_or(0)
            } else {
                0
            };
            let label_word = c.label.split_whitespace().map(width_of).max().unwrap_or(0);
            let label = width_of(&c.label).min(if c.format.is_numeric() { 24 } else { MAX_WIDTH });
            (longest + indent)
                .max(label_word)
                .max(label)
                .clamp(6, MAX_WIDTH)
        })
        .collect()
}

/// How many lines `text` takes when wrapped by words in a column `width` characters wide
/// (bold text is a little wider, so a line holds somewhat fewer characters).
fn wrapped_lines(text: &str, width: usize) -> usize {
    let room = (width * 9 / 10).max(1);
    let mut lines = 1;
    let mut used = 0;
    for word in text.split_whitespace() {
        let w = width_of(word);
        if used == 0 {
            used = w;
        } else if used + 1 + w <= room {
            used += 1 + w;
        } else {
            lines += 1;
            used = w;
        }
        lines += used.saturating_sub(1) / room;
        used = if used > room { used % room } else { used };
    }
    lines
}

/// The number written for a numeric cell: [`Cell::display_number`] in the column's scale
/// (a plain number in a percent column is divided by 100, since Excel's `%` multiplies), and
/// exactly 0 when the printed text is zero (so Excel does not show `-0,0`).
pub fn sheet_number(cell: &Cell, format: &ModelFormat) -> Option<f64> {
    let mut x = cell.display_number(format)?;
    let decimals = match format {
        ModelFormat::Percent { decimals } => {
            if let Value::Number(_) = cell.value {
                x /= 100.0;
            }
            *decimals as i32 + 2
        }
        ModelFormat::Amount { decimals, .. } | ModelFormat::Number { decimals } => *decimals as i32,
        _ => return Some(x),
    };
    if (x * 10f64.powi(decimals)).round() == 0.0 {
        x = 0.0;
    }
    Some(x)
}

fn write_cell(
    ws: &mut Worksheet,
    row: u32,
    r: &Row,
    index: usize,
    t: &Table,
    cell: &Cell,
    width: usize,
) -> Result<(), XlsxError> {
    let column = &t.columns[index];
    let right = layout::right_aligned(t, index);
    let col = index as u16;
    let mut f = Format::new();
    match r.kind {
        RowKind::Subtotal | RowKind::Heading => f = f.set_bold(),
        RowKind::Total => {
            f = f
                .set_bold()
                .set_border_top(FormatBorder::Thin)
                .set_border_top_color(Color::Black)
        }
        RowKind::Varav => f = f.set_italic(),
        RowKind::Item => {}
    }
    if index == 0 {
        let level = r.level + u8::from(r.kind == RowKind::Varav && r.level == 0);
        if level > 0 {
            f = f.set_indent(level);
        }
    }
    // A cell may carry its own format (a five-year summary mixes mnkr, % and counts in one
    // column): it is written as a number in that format.
    let format = cell.format_in(column);
    if format == ModelFormat::Text && width_of(&cell.text) > width {
        f = f.set_text_wrap();
    }
    let numeric = format.is_numeric();
    // figures right-aligned, also text figures (`i.u.`, an indicator's typed value)
    if numeric || right {
        f = f.set_align(FormatAlign::Right);
    }
    match (&cell.value, sheet_number(cell, &format)) {
        (_, Some(x)) if numeric => {
            f = f.set_num_format(format.excel_format());
            ws.write_number_with_format(row, col, x, &f)?;
        }
        (Value::Status(s), _) => {
            f = f.set_font_color(Color::RGB(status_colour(s.level)));
            ws.write_string_with_format(row, col, &cell.text, &f)?;
        }
        (Value::Empty, _) => {
            ws.write_blank(row, col, &f)?;
        }
        _ => {
            ws.write_string_with_format(row, col, &cell.text, &f)?;
        }
    }
    Ok(())
}

fn status_colour(level: StatusLevel) -> u32 {
    u32::from_str_radix(level.colour().trim_start_matches('#'), 16).unwrap_or(0)
}

fn chart_sheet(
    ws: &mut Worksheet,
    report: &Report,
    c: &Chart,
    name: &str,
) -> Result<(), XlsxError> {
    ws.set_name(name)?;
    page_setup(ws, report);
    let ncols = (c.series.len() + 1) as u16;
    let mut row = draft_row(ws, report, ncols.max(2))?;
    ws.write_string_with_format(
        row,
        0,
        c.title_line(),
        &Format::new().set_bold().set_font_size(13),
    )?;
    row += 1;
    ws.write_string_with_format(
        row,
        0,
        format!("Värden i {}", c.unit),
        &Format::new().set_italic().set_font_size(9),
    )?;
    row += 1;
    ws.write_string_with_format(
        row,
        0,
        format!("Beskrivning: {}", c.alt),
        &Format::new()
            .set_font_size(9)
            .set_font_color(Color::RGB(0x404040)),
    )?;
    row += 2;
    let head = Format::new()
        .set_bold()
        .set_text_wrap()
        .set_background_color(Color::RGB(0xF2F2F2))
        .set_border_bottom(FormatBorder::Medium);
    let head_right = head.clone().set_align(FormatAlign::Right);
    let num = Format::new().set_num_format("#,##0.0;-#,##0.0;0.0");
    let header_row = row;
    ws.write_string_with_format(row, 0, "Kategori", &head)?;
    for (j, s) in c.series.iter().enumerate() {
        ws.write_string_with_format(row, j as u16 + 1, &s.name, &head_right)?;
    }
    row += 1;
    let first = row;
    for (i, cat) in c.categories.iter().enumerate() {
        ws.write_string(row, 0, cat)?;
        for (j, s) in c.series.iter().enumerate() {
            if let Some(Some(v)) = s.values.get(i) {
                ws.write_number_with_format(row, j as u16 + 1, *v, &num)?;
            }
        }
        row += 1;
    }
    let last = row.saturating_sub(1).max(first);
    let cat_width = c.categories.iter().map(|s| width_of(s)).max().unwrap_or(8);
    ws.set_column_width(0, cat_width.clamp(8, 40) as f64 + 2.0)?;
    for (j, s) in c.series.iter().enumerate() {
        ws.set_column_width(
            j as u16 + 1,
            (width_of(&s.name) / 2).clamp(10, 20) as f64 + 2.0,
        )?;
    }

    let kind = match c.kind {
        ChartKind::Line => ChartType::Line,
        ChartKind::Bar => ChartType::Column,
        ChartKind::HorizontalBar => ChartType::Bar,
    };
    let mut chart = XlsxChart::new(kind);
    chart
        .title()
        .set_name(c.title_line().as_str())
        .set_font(ChartFont::new().set_size(12).set_bold());
    // Excel keeps at most 255 characters of alt text; the whole text alternative is in the
    // sheet above the chart, so the picture's alt text is cut at a word with an ellipsis.
    chart.set_alt_text(excel_alt(&c.alt));
    // Bar charts have the categories on the y axis and the values on the x axis.
    match c.kind {
        ChartKind::HorizontalBar => {
            chart
                .x_axis()
                .set_name(c.unit.as_str())
                .set_num_format("#,##0");
            // Room for the value labels outside the bars' ends: the value axis reaches a
            // fifth of the range beyond the longest bar on each side that has bars, so a
            // label never touches the category names or the plot's edge.
            if c.series.len() == 1 {
                let values: Vec<f64> = c.series[0].values.iter().flatten().copied().collect();
                let lo = values.iter().copied().fold(0.0_f64, f64::min);
                let hi = values.iter().copied().fold(0.0_f64, f64::max);
                let pad = (hi - lo) * 0.2;
                let ticks = svg::nice_ticks(
                    if lo < 0.0 { lo - pad } else { lo },
                    if hi > 0.0 { hi + pad } else { hi },
                    5,
                );
                chart.x_axis().set_min(ticks.min()).set_max(ticks.max());
            }
            // First category at the top, labels left of the plot even for negative bars.
            chart
                .y_axis()
                .set_reverse()
                .set_crossing(ChartAxisCrossing::Max)
                .set_label_position(ChartAxisLabelPosition::Low);
        }
        ChartKind::Line | ChartKind::Bar => {
            chart
                .y_axis()
                .set_name(c.unit.as_str())
                .set_num_format("#,##0");
            chart
                .x_axis()
                .set_label_position(ChartAxisLabelPosition::Low);
        }
    }
    chart.legend().set_position(ChartLegendPosition::Bottom);
    chart.show_empty_cells_as(ChartEmptyCells::Gaps);
    chart.set_width(720).set_height(400);
    if c.series.len() == 1 && c.kind != ChartKind::Line {
        chart.legend().set_hidden();
    }
    let labels = svg::bar_value_labels(c);
    for (j, s) in c.series.iter().enumerate() {
        // the palette of the PDF's and HTML's charts, series by series
        let colour = rgb(svg::PALETTE[j % svg::PALETTE.len()]);
        let col = j as u16 + 1;
        let series = chart.add_series();
        series
            .set_name((name, header_row, col))
            .set_categories((name, first, 0, last, 0))
            .set_values((name, first, col, last, col));
        match c.kind {
            ChartKind::Line => {
                let dash = match s.style {
                    SeriesStyle::Solid => ChartLineDashType::Solid,
                    SeriesStyle::Dashed => ChartLineDashType::Dash,
                    SeriesStyle::Dotted => ChartLineDashType::RoundDot,
                };
                series.set_format(
                    ChartLine::new()
                        .set_color(colour)
                        .set_width(2.25)
                        .set_dash_type(dash),
                );
            }
            ChartKind::Bar | ChartKind::HorizontalBar => {
                series.set_format(ChartSolidFill::new().set_color(colour));
                // Each bar in the colour the PDF and HTML give it (deviations below zero in
                // the negative colour) and, as there, labelled with its value in Swedish
                // notation when the chart has one series.
                let points: Vec<ChartPoint> = s
                    .values
                    .iter()
                    .take(c.categories.len())
                    .map(|v| {
                        let hex = svg::bar_colour(c, j, v.unwrap_or(0.0));
                        ChartPoint::new().set_format(ChartSolidFill::new().set_color(rgb(hex)))
                    })
                    .collect();
                series.set_points(&points);
                if c.series.len() == 1 {
                    let labels: Vec<ChartDataLabel> = labels[j]
                        .iter()
                        .map(|l| match l {
                            Some(text) => ChartDataLabel::new()
                                .set_value(text.as_str())
                                .set_position(ChartDataLabelPosition::OutsideEnd)
                                .to_custom(),
                            None => ChartDataLabel::new().set_hidden().to_custom(),
                        })
                        .collect();
                    series.set_custom_data_labels(&labels);
                }
            }
        }
    }
    ws.insert_chart(row + 1, 0, &chart)?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sheet_names_are_unique() {
        let mut taken = vec!["Innehåll".to_string()];
        // An unnumbered table after table 1 would otherwise also be `Tabell 1`.
        assert_eq!(unique(sheet_name("Tabell", 1, 0), &mut taken), "Tabell 1");
        assert_eq!(
            unique(sheet_name("Tabell", 0, 0), &mut taken),
            "Tabell 1 (2)"
        );
        assert_eq!(unique("tabell 1".into(), &mut taken), "tabell 1 (3)");
        assert!(taken.iter().all(|n| n.chars().count() <= 31));
    }

    #[test]
    fn wrapped_header_lines() {
        assert_eq!(wrapped_lines("Budget 2025", 20), 1);
        assert_eq!(wrapped_lines("Avvikelse inkl. särskilda poster", 24), 2);
        assert_eq!(wrapped_lines("Avvikelse inkl. särskilda poster", 10), 4);
    }

    #[test]
    fn header_text_doubles_ampersands() {
        assert_eq!(header_text("A & B"), "A && B");
    }
}

/// The fill and text colour of table headers: the house style's primary colour with black
/// or white text, whichever reads better; else light grey with black.
fn header_colours(report: &Report) -> (Color, Color) {
    match report
        .meta
        .style
        .as_ref()
        .and_then(|s| s.primary.as_deref())
        .filter(|c| delar_report::parse_colour(c).is_some())
    {
        Some(p) => (rgb(p), rgb(delar_report::text_on(p))),
        None => (Color::RGB(0xF2F2F2), Color::Black),
    }
}

/// An Excel colour from `#rrggbb`.
fn rgb(hex: &str) -> Color {
    Color::RGB(u32::from_str_radix(hex.trim_start_matches('#'), 16).unwrap_or(0))
}

/// A text alternative within Excel's 255-character limit for a chart's alt text.
fn excel_alt(alt: &str) -> String {
    const MAX: usize = 255;
    if alt.chars().count() <= MAX {
        return alt.to_string();
    }
    let mut out: String = alt.chars().take(MAX - 1).collect();
    if let Some(i) = out.rfind(' ') {
        out.truncate(i);
    }
    out.push('…');
    out
}

#[cfg(test)]
mod alt_tests {
    #[test]
    fn long_alt_text_is_cut_at_a_word() {
        let long = "Antalet placerade personer per dygn ökar. ".repeat(10);
        let cut = super::excel_alt(&long);
        assert!(cut.chars().count() <= 255, "{}", cut.chars().count());
        let prefix = cut.strip_suffix('…').expect("an ellipsis marks the cut");
        assert!(long.starts_with(prefix));
        assert!(
            long[prefix.len()..].starts_with(' '),
            "cut inside a word: {cut}"
        );
        assert_eq!(super::excel_alt("Kort text."), "Kort text.");
    }
}
