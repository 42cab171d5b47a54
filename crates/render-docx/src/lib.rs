//! Renders a [`delar_report::Report`] to a Word document (DOCX).
//!
//! The document has a title block, a table of contents field (Word fills it in when the file
//! is opened), numbered headings in the built-in heading styles (`Heading1`–`Heading4`, so
//! navigation and the table of contents work), narrative with bold and italic runs, lists,
//! framed callouts, real tables (title above, sign note, spanning group header, header rows
//! repeated on every page, right-aligned numbers, styled subtotal, total and `varav` rows,
//! notes) and charts as PNG pictures with their alt text. A draft carries `UTKAST` in every
//! page header and on the title page.
//!
//! The output is byte-identical for the same report: file dates come from `meta.date`, and
//! the archive is written with fixed timestamps.

mod chart;
mod package;

use delar_report::{layout, LogoFormat};
use delar_report::{
    Block, Cell, Chart, Inline, Paragraph as ModelParagraph, Report, Row, RowKind, Section,
    StatusLevel, Table as ModelTable, Value,
};
use docx_rs::{
    AbstractNumbering, AlignmentType, BorderType, BreakType, Docx, Footer, Header, IndentLevel,
    Level, LevelJc, LevelOverride, LevelText, LineSpacing, LineSpacingType, NumPages, NumberFormat,
    Numbering, NumberingId, PageMargin, PageNum, PageOrientationType, PageSize, Paragraph, Pic,
    Run, RunFonts, Shading, ShdType, SpecialIndentType, Start, Style, StyleType, Table,
    TableBorder, TableBorderPosition, TableBorders, TableCell, TableCellBorder,
    TableCellBorderPosition, TableCellBorders, TableCellMargins, TableLayoutType, TableOfContents,
    TableOfContentsItem, TableRow, WidthType,
};
use std::fmt;

/// Why a report could not be written as DOCX.
#[derive(Debug)]
pub enum DocxError {
    /// A chart could not be drawn (its SVG did not parse or render).
    Chart {
        /// The chart's caption line.
        chart: String,
        /// What went wrong.
        message: String,
    },
    /// Writing the ZIP package failed.
    Package(String),
}

impl fmt::Display for DocxError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            DocxError::Chart { chart, message } => {
                write!(f, "diagrammet \"{chart}\" kunde inte ritas: {message}")
            }
            DocxError::Package(m) => write!(f, "Word-filen kunde inte skrivas: {m}"),
        }
    }
}

impl std::error::Error for DocxError {}

/// Width of the text area in twentieths of a point (A4 with 2,5 cm margins: 16 cm).
const TEXT_WIDTH: usize = 9070;
/// A4 in twips.
const PAGE_WIDTH: u32 = 11906;
const PAGE_HEIGHT: u32 = 16838;
/// Width of the text area of a landscape page (29,7 cm less the margins).
const LANDSCAPE_TEXT_WIDTH: usize = 14000;

/// The page margins: 2,5 cm around, header and footer 1,25 cm from the edge.
fn page_margin() -> PageMargin {
    PageMargin::new()
        .top(1418)
        .bottom(1418)
        .left(1418)
        .right(1418)
        .header(709)
        .footer(709)
}
/// Width of a chart picture in EMU (16 cm).
const CHART_WIDTH_EMU: u32 = 5_760_000;
/// Indent per label level in table cells (twips, 0,5 cm).
const LEVEL_INDENT: i32 = 284;
/// Numbering ids: bullets and the abstract definition numbered lists share (docx-rs
/// writes a default definition with id 1, so ours start at 10).
const BULLET_NUM: usize = 10;
const ORDERED_ABSTRACT: usize = 11;
const FONT: &str = "Calibri";
const HEADING_FONT: &str = "Calibri Light";
const ACCENT: &str = "1F4E79";
const RULE: &str = "7F7F7F";
const LIGHT_RULE: &str = "BFBFBF";

/// Render the report as a DOCX file.
pub fn render(report: &Report) -> Result<Vec<u8>, DocxError> {
    let mut w = Writer::new(report);
    w.logo()?;
    w.title_block();
    w.contents();
    for s in &report.sections {
        w.section(s, 1)?;
    }
    w.finish()
}

/// Walks the report and builds the document, collecting what the package step needs.
struct Writer<'a> {
    report: &'a Report,
    docx: Docx,
    /// The alt text and caption of each picture in document order.
    pictures: Vec<package::Picture>,
    /// Colours and fonts.
    look: Look,
    /// The running header and footer, repeated in every section.
    header: Header,
    footer: Footer,
    /// A landscape section being filled (a table too wide for a portrait page).
    landscape: Option<docx_rs::Section>,
    next_num: usize,
    next_bookmark: usize,
}

impl<'a> Writer<'a> {
    fn new(report: &'a Report) -> Writer<'a> {
        let meta = &report.meta;
        let look = Look::of(report);
        let mut docx = Docx::new()
            .page_size(PAGE_WIDTH, PAGE_HEIGHT)
            .page_margin(page_margin())
            .default_fonts(
                RunFonts::new()
                    .ascii(&look.font)
                    .hi_ansi(&look.font)
                    .cs(&look.font)
                    .east_asia(&look.font),
            )
            .default_size(22)
            .created_at(&package::w3c_date(&meta.date))
            .updated_at(&package::w3c_date(&meta.date));
        for s in styles(&look) {
            docx = docx.add_style(s);
        }
        docx = docx
            .add_abstract_numbering(
                AbstractNumbering::new(BULLET_NUM).add_level(
                    Level::new(
                        0,
                        Start::new(1),
                        NumberFormat::new("bullet"),
                        LevelText::new("•"),
                        LevelJc::new("left"),
                    )
                    .indent(
                        Some(567),
                        Some(SpecialIndentType::Hanging(283)),
                        None,
                        None,
                    ),
                ),
            )
            .add_numbering(Numbering::new(BULLET_NUM, BULLET_NUM))
            .add_abstract_numbering(
                AbstractNumbering::new(ORDERED_ABSTRACT).add_level(
                    Level::new(
                        0,
                        Start::new(1),
                        NumberFormat::new("decimal"),
                        LevelText::new("%1."),
                        LevelJc::new("left"),
                    )
                    .indent(
                        Some(567),
                        Some(SpecialIndentType::Hanging(397)),
                        None,
                        None,
                    ),
                ),
            );
        // Running header (with the draft mark) and footer with page numbers.
        let mut head = Paragraph::new()
            .style("Sidhuvud")
            .align(AlignmentType::Right);
        if meta.draft {
            head = head
                .add_run(
                    Run::new()
                        .add_text("UTKAST")
                        .bold()
                        .color("C00000")
                        .size(24),
                )
                .add_run(Run::new().add_text("   "));
        }
        head = head.add_run(Run::new().add_text(running_head(report)));
        let header = Header::new().add_paragraph(head);
        docx = docx.header(header.clone());
        let foot = Paragraph::new()
            .style("Sidfot")
            .align(AlignmentType::Right)
            .add_run(Run::new().add_text("Sida "))
            .add_page_num(PageNum::new())
            .add_run(Run::new().add_text(" av "))
            .add_num_pages(NumPages::new());
        let footer = Footer::new().add_paragraph(foot);
        docx = docx.footer(footer.clone());
        Writer {
            report,
            docx,
            pictures: Vec::new(),
            look,
            header,
            footer,
            landscape: None,
            next_num: ORDERED_ABSTRACT + 1,
            next_bookmark: 1,
        }
    }

    fn para(&mut self, p: Paragraph) {
        if let Some(s) = self.landscape.take() {
            self.landscape = Some(s.add_paragraph(p));
            return;
        }
        let docx = std::mem::take(&mut self.docx);
        self.docx = docx.add_paragraph(p);
    }

    fn table(&mut self, t: Table) {
        if let Some(s) = self.landscape.take() {
            self.landscape = Some(s.add_table(t));
            return;
        }
        let docx = std::mem::take(&mut self.docx);
        self.docx = docx.add_table(t);
    }

    /// A section with the document's margins, running header and footer.
    fn section_of(&self, landscape: bool) -> docx_rs::Section {
        let (w, h) = if landscape {
            (PAGE_HEIGHT, PAGE_WIDTH)
        } else {
            (PAGE_WIDTH, PAGE_HEIGHT)
        };
        let mut size = PageSize::new().size(w, h);
        if landscape {
            size = size.orient(PageOrientationType::Landscape);
        }
        docx_rs::Section::new()
            .page_size(size)
            .page_margin(page_margin())
            .header(self.header.clone())
            .footer(self.footer.clone())
    }

    /// End the portrait pages so far and put what follows on landscape pages.
    fn begin_landscape(&mut self) {
        let end = self.section_of(false);
        let docx = std::mem::take(&mut self.docx);
        self.docx = docx.add_section(end);
        self.landscape = Some(self.section_of(true));
    }

    /// End the landscape pages; what follows is portrait again.
    fn end_landscape(&mut self) {
        if let Some(s) = self.landscape.take() {
            let docx = std::mem::take(&mut self.docx);
            self.docx = docx.add_section(s);
        }
    }

    /// The house style's logo on the title page, 2,2 cm high, with its alt text.
    fn logo(&mut self) -> Result<(), DocxError> {
        let meta = &self.report.meta;
        let Some(logo) = meta.style.as_ref().and_then(|s| s.logo.as_ref()) else {
            return Ok(());
        };
        let alt = format!("Logotyp {}", meta.organisation)
            .trim_end()
            .to_string();
        let png = match logo.format {
            LogoFormat::Svg => chart::svg_to_png(&String::from_utf8_lossy(&logo.bytes)),
            LogoFormat::Png => chart::png_size(&logo.bytes).map(|(width, height)| chart::Png {
                bytes: logo.bytes.clone(),
                width,
                height,
            }),
        }
        .map_err(|message| DocxError::Chart {
            chart: alt.clone(),
            message,
        })?;
        const HEIGHT_EMU: u64 = 792_000;
        let width_emu = (HEIGHT_EMU * png.width as u64 / png.height.max(1) as u64)
            .min(CHART_WIDTH_EMU as u64) as u32;
        let n = self.pictures.len() + 1;
        let pic = Pic::new_with_dimensions(png.bytes, png.width, png.height)
            .id(format!("rIdImage{n}"))
            .size(width_emu, HEIGHT_EMU as u32);
        self.pictures.push(package::Picture {
            name: alt.clone(),
            descr: alt,
        });
        self.para(
            Paragraph::new()
                .align(AlignmentType::Right)
                .add_run(Run::new().add_image(pic)),
        );
        Ok(())
    }

    fn title_block(&mut self) {
        let meta = &self.report.meta;
        if meta.draft {
            self.para(
                Paragraph::new()
                    .style("Utkast")
                    .add_run(Run::new().add_text("UTKAST – ej fastställd version")),
            );
        }
        self.para(
            Paragraph::new()
                .style("Title")
                .add_run(Run::new().add_text(&meta.title)),
        );
        if !meta.subtitle.is_empty() {
            self.para(
                Paragraph::new()
                    .style("Subtitle")
                    .add_run(Run::new().add_text(&meta.subtitle)),
            );
        }
        let lines =
            std::iter::once(("Organisation", meta.organisation.as_str())).chain(meta.cover_lines());
        for (label, value) in lines {
            if value.is_empty() {
                continue;
            }
            self.para(
                Paragraph::new()
                    .style("Titelrad")
                    .add_run(Run::new().add_text(format!("{label}: ")).bold())
                    .add_run(Run::new().add_text(value)),
            );
        }
        self.page_break();
    }

    fn contents(&mut self) {
        self.para(
            Paragraph::new()
                .style("Innehallsrubrik")
                .add_run(Run::new().add_text("Innehåll")),
        );
        // The entries are written out (without page numbers, which only Word knows) so the
        // contents show in any reader; Word rebuilds the field with page numbers on open.
        let mut toc = TableOfContents::new()
            .heading_styles_range(1, 4)
            .alias("Innehåll")
            .hyperlink()
            .dirty();
        for (level, s) in self.report.walk() {
            toc = toc.add_item(
                TableOfContentsItem::new()
                    .text(heading_text(s))
                    .toc_key(bookmark_name(&s.id))
                    .level(level.min(4))
                    .page_ref(""),
            );
        }
        let docx = std::mem::take(&mut self.docx);
        self.docx = docx.add_table_of_contents(toc);
        self.page_break();
    }

    fn page_break(&mut self) {
        self.para(Paragraph::new().add_run(Run::new().add_break(BreakType::Page)));
    }

    fn section(&mut self, s: &Section, level: usize) -> Result<(), DocxError> {
        let style = format!("Heading{}", level.min(4));
        let text = heading_text(s);
        let id = self.next_bookmark;
        self.next_bookmark += 1;
        self.para(
            Paragraph::new()
                .style(&style)
                .keep_next(true)
                .add_bookmark_start(id, bookmark_name(&s.id))
                .add_run(Run::new().add_text(text))
                .add_bookmark_end(id),
        );
        for b in &s.blocks {
            self.block(b)?;
        }
        for c in &s.sections {
            self.section(c, level + 1)?;
        }
        Ok(())
    }

    fn block(&mut self, b: &Block) -> Result<(), DocxError> {
        match b {
            Block::Paragraph(p) => self.para(inlines(Paragraph::new().style("Normal"), p)),
            Block::List { ordered, items } => {
                let num = if *ordered {
                    let id = self.next_num;
                    self.next_num += 1;
                    let docx = std::mem::take(&mut self.docx);
                    self.docx = docx.add_numbering(
                        Numbering::new(id, ORDERED_ABSTRACT)
                            .add_override(LevelOverride::new(0).start(1)),
                    );
                    id
                } else {
                    BULLET_NUM
                };
                for item in items {
                    self.para(inlines(
                        Paragraph::new()
                            .style("ListParagraph")
                            .numbering(NumberingId::new(num), IndentLevel::new(0)),
                        item,
                    ));
                }
            }
            Block::Callout { title, body } => self.callout(title, body),
            Block::Table(t) => self.model_table(t),
            Block::Chart(c) => self.chart(c)?,
            Block::PageBreak => self.page_break(),
        }
        Ok(())
    }

    fn callout(&mut self, title: &str, body: &[ModelParagraph]) {
        let mut cell = TableCell::new()
            .width(TEXT_WIDTH, WidthType::Dxa)
            .shading(
                Shading::new()
                    .shd_type(ShdType::Clear)
                    .color("auto")
                    .fill("EAF1F8"),
            )
            .set_borders(borders(&[(
                TableCellBorderPosition::Left,
                24,
                &self.look.accent,
            )]));
        for pos in [
            TableCellBorderPosition::Top,
            TableCellBorderPosition::Bottom,
            TableCellBorderPosition::Right,
        ] {
            cell = cell.set_border(
                TableCellBorder::new(pos)
                    .border_type(BorderType::Single)
                    .size(4)
                    .color(self.look.primary.as_str()),
            );
        }
        if !title.is_empty() {
            cell = cell.add_paragraph(
                Paragraph::new()
                    .style("Rutrubrik")
                    .add_run(Run::new().add_text(title)),
            );
        }
        for p in body {
            cell = cell.add_paragraph(inlines(Paragraph::new().style("Rutbrodtext"), p));
        }
        let t = Table::new(vec![TableRow::new(vec![cell])])
            .set_grid(vec![TEXT_WIDTH])
            .width(TEXT_WIDTH, WidthType::Dxa)
            .layout(TableLayoutType::Fixed)
            .margins(TableCellMargins::new().margin(113, 170, 113, 170));
        self.table(t);
        self.para(Paragraph::new().style("Efterruta"));
    }

    fn model_table(&mut self, t: &ModelTable) {
        // A table whose columns do not fit a portrait page even at 7 pt goes on landscape pages.
        let mut layout = column_widths(t, TEXT_WIDTH);
        let landscape = !layout.fits;
        if landscape {
            layout = column_widths(t, LANDSCAPE_TEXT_WIDTH);
            self.begin_landscape();
        }
        self.para(
            Paragraph::new()
                .style("Tabellrubrik")
                .keep_next(true)
                .add_run(Run::new().add_text(t.title())),
        );
        if let Some(note) = &t.sign_note {
            self.para(
                Paragraph::new()
                    .style("Teckenforklaring")
                    .keep_next(true)
                    .add_run(Run::new().add_text(note)),
            );
        }
        let size = layout.size;
        let grid = layout.widths;
        let mut rows = Vec::new();
        if !t.groups.is_empty() {
            let mut cells = Vec::new();
            let mut col = 0;
            for g in &t.groups {
                let span = g.span.max(1);
                let numeric = layout::right_aligned(t, col);
                let mut p = Paragraph::new().style("Tabellhuvud");
                if numeric || span > 1 {
                    p = p.align(AlignmentType::Center);
                }
                // the same fill as the column header below, so the header reads as one band
                let mut cell = TableCell::new()
                    .width(
                        grid[col..(col + span).min(grid.len())].iter().sum(),
                        WidthType::Dxa,
                    )
                    .shading(header_fill())
                    .grid_span(span)
                    .add_paragraph(p.add_run(Run::new().add_text(&g.label).size(size)));
                if !g.label.is_empty() {
                    cell = cell.set_borders(borders(&[(TableCellBorderPosition::Bottom, 4, RULE)]));
                }
                cells.push(cell);
                col += span;
            }
            rows.push(TableRow::new(cells).cant_split());
        }
        let header: Vec<TableCell> = t
            .columns
            .iter()
            .zip(&grid)
            .enumerate()
            .map(|(i, (c, w))| {
                let mut p = Paragraph::new().style("Tabellhuvud");
                if layout::right_aligned(t, i) {
                    p = p.align(AlignmentType::Right);
                }
                TableCell::new()
                    .width(*w, WidthType::Dxa)
                    .shading(header_fill())
                    .set_borders(borders(&[(TableCellBorderPosition::Bottom, 8, "000000")]))
                    .add_paragraph(p.add_run(Run::new().add_text(header_text(&c.label)).size(size)))
            })
            .collect();
        rows.push(TableRow::new(header).cant_split());
        for r in &t.rows {
            rows.push(body_row(t, r, &grid, size));
        }
        let table = Table::new(rows)
            .set_grid(grid.clone())
            .width(grid.iter().sum(), WidthType::Dxa)
            .layout(TableLayoutType::Fixed)
            .margins(TableCellMargins::new().margin(28, 85, 28, 85))
            .set_borders(
                TableBorders::with_empty()
                    .set(
                        TableBorder::new(TableBorderPosition::Top)
                            .border_type(BorderType::Single)
                            .size(8)
                            .color("000000"),
                    )
                    .set(
                        TableBorder::new(TableBorderPosition::Bottom)
                            .border_type(BorderType::Single)
                            .size(8)
                            .color("000000"),
                    )
                    .set(
                        TableBorder::new(TableBorderPosition::InsideH)
                            .border_type(BorderType::Single)
                            .size(2)
                            .color(LIGHT_RULE),
                    ),
            );
        self.table(table);
        for n in &t.notes {
            self.para(
                Paragraph::new()
                    .style("Tabellnot")
                    .add_run(Run::new().add_text(n)),
            );
        }
        self.para(Paragraph::new().style("Eftertabell"));
        if landscape {
            self.end_landscape();
        }
    }

    fn chart(&mut self, c: &Chart) -> Result<(), DocxError> {
        let png = chart::chart_png(c).map_err(|message| DocxError::Chart {
            chart: c.title_line(),
            message,
        })?;
        let height_emu = (CHART_WIDTH_EMU as u64 * png.height as u64 / png.width as u64) as u32;
        let n = self.pictures.len() + 1;
        let pic = Pic::new_with_dimensions(png.bytes, png.width, png.height)
            .id(format!("rIdImage{n}"))
            .size(CHART_WIDTH_EMU, height_emu);
        self.pictures.push(package::Picture {
            name: c.title_line(),
            descr: c.alt.clone(),
        });
        self.para(
            Paragraph::new()
                .style("Diagram")
                .keep_next(true)
                .add_run(Run::new().add_image(pic)),
        );
        self.para(
            Paragraph::new()
                .style("Caption")
                .add_run(Run::new().add_text(c.title_line())),
        );
        Ok(())
    }

    fn finish(self) -> Result<Vec<u8>, DocxError> {
        let xml = self.docx.build();
        package::write(xml, &self.report.meta, &self.pictures).map_err(DocxError::Package)
    }
}

/// A heading with its number: `2.1 Ekonomi`.
fn heading_text(s: &Section) -> String {
    if s.number.is_empty() {
        s.title.clone()
    } else {
        format!("{} {}", s.number, s.title)
    }
}

/// The running header text: title, subtitle.
fn running_head(report: &Report) -> String {
    let m = &report.meta;
    if m.subtitle.is_empty() {
        m.title.clone()
    } else {
        format!("{} – {}", m.title, m.subtitle)
    }
}

/// A Word bookmark name from a section id: letters, digits and `_`, at most 40 characters,
/// starting with a letter.
fn bookmark_name(id: &str) -> String {
    let mut s = String::from("s_");
    for c in id.chars() {
        if c.is_ascii_alphanumeric() {
            s.push(c);
        } else {
            s.push('_');
        }
        if s.len() >= 40 {
            break;
        }
    }
    s
}

/// Add a model paragraph's runs to a Word paragraph.
fn inlines(mut p: Paragraph, m: &ModelParagraph) -> Paragraph {
    for i in &m.inlines {
        p = match i {
            Inline::Text(t) => p.add_run(Run::new().add_text(t)),
            Inline::Strong(t) => p.add_run(Run::new().add_text(t).bold()),
            Inline::Emph(t) => p.add_run(Run::new().add_text(t).italic()),
            Inline::Number(n) => p.add_run(Run::new().add_text(&n.text)),
            Inline::Status(s) => p
                .add_run(Run::new().add_text(s.level.symbol()).color(colour(s.level)))
                .add_run(Run::new().add_text(format!("\u{a0}{}", s.label))),
        };
    }
    p
}

fn colour(level: StatusLevel) -> &'static str {
    level.colour().trim_start_matches('#')
}

/// A column header as Word should break it: at spaces, never after the dash of a range
/// (`jan–aug`, held together by a word joiner on each side), and a word longer than any
/// column gets soft hyphens at its syllables (`kost-nads-budget`), never letter by letter.
fn header_text(label: &str) -> String {
    let out = layout::join_ranges(label);
    // a word too long for any column breaks at a syllable, with a hyphen
    out.split(' ')
        .map(layout::soft_hyphens)
        .collect::<Vec<_>>()
        .join(" ")
}

/// The header rows' fill: light grey behind black text.
fn header_fill() -> Shading {
    Shading::new()
        .shd_type(ShdType::Clear)
        .color("auto")
        .fill("F2F2F2")
}

/// The document's colours and fonts: the house style's where the report has one, else
/// the built-in blue and Calibri. Colours without `#`, as Word writes them.
struct Look {
    primary: String,
    accent: String,
    font: String,
    heading_font: String,
}

impl Look {
    fn of(report: &Report) -> Look {
        let style = report.meta.style.as_ref();
        let colour = |c: Option<&String>| {
            c.filter(|c| delar_report::parse_colour(c).is_some())
                .map(|c| c.trim_start_matches('#').to_uppercase())
        };
        let font = style.and_then(|s| s.font.clone());
        Look {
            primary: colour(style.and_then(|s| s.primary.as_ref()))
                .unwrap_or_else(|| ACCENT.into()),
            accent: colour(style.and_then(|s| s.accent.as_ref())).unwrap_or_else(|| ACCENT.into()),
            heading_font: font.clone().unwrap_or_else(|| HEADING_FONT.into()),
            font: font.unwrap_or_else(|| FONT.into()),
        }
    }
}

/// How a table is laid out: column widths in twips and the font size in half-points.
struct Layout {
    widths: Vec<usize>,
    size: usize,
    /// Every column's minimum fits (else the widths are scaled down and words may break).
    fits: bool,
}

/// Column widths from the content (`delar_report::layout`): every header word, figure, date
/// and code whole, the rest shared by what each column would like. A wide table gets a
/// smaller font (9, 8 or 7 pt) before anything is squeezed below its minimum; only when
/// even 7 pt does not hold every minimum are the columns scaled down. The widths are
/// measured for a wide substitute font (LibreOffice without Calibri), so they also hold where
/// Calibri is missing.
fn column_widths(t: &ModelTable, text_width: usize) -> Layout {
    if t.columns.is_empty() {
        return Layout {
            widths: vec![text_width],
            size: 18,
            fits: true,
        };
    }
    // Cell margins left and right (85 twips each) plus a little air.
    const PAD: f64 = 230.0;
    let needs = layout::column_needs(t);
    // Twips per character at `pt` points: 0,62 em, the digits of DejaVu Sans.
    let per_char = |pt: usize| pt as f64 * 20.0 * 0.62;
    let fits = |pt: usize, f: &dyn Fn(&layout::ColumnNeed) -> f64| {
        needs.iter().map(|n| f(n) * per_char(pt) + PAD).sum::<f64>() <= text_width as f64
    };
    // The largest size at which the figure columns get their wish and text columns their
    // minimum (text may wrap), else every column its minimum.
    let pt = [9usize, 8, 7]
        .into_iter()
        .find(|&pt| fits(pt, &|n| if n.text { n.min } else { n.want }))
        .or_else(|| [9usize, 8, 7].into_iter().find(|&pt| fits(pt, &|n| n.min)));
    let fitting = pt.is_some();
    let pt = pt.unwrap_or(7);
    let c = per_char(pt);
    let chars = layout::fit(&needs, text_width as f64 / c, PAD / c);
    let mut widths: Vec<usize> = chars.iter().map(|w| (w * c).floor() as usize).collect();
    let total: usize = widths.iter().sum();
    if total > text_width {
        for w in &mut widths {
            *w = *w * text_width / total;
        }
    }
    let total: usize = widths.iter().sum();
    widths[0] += text_width.saturating_sub(total);
    Layout {
        widths,
        size: pt * 2,
        fits: fitting,
    }
}

fn body_row(t: &ModelTable, r: &Row, grid: &[usize], size: usize) -> TableRow {
    let cells = t
        .columns
        .iter()
        .enumerate()
        .map(|(i, _)| {
            let empty = Cell::empty();
            let cell = r.cells.get(i).unwrap_or(&empty);
            let mut tc = TableCell::new().width(grid[i], WidthType::Dxa);
            if r.kind == RowKind::Total {
                tc = tc.set_borders(borders(&[(TableCellBorderPosition::Top, 8, "000000")]));
            }
            tc.add_paragraph(body_paragraph(
                r,
                i,
                layout::right_aligned(t, i),
                cell,
                size,
            ))
        })
        .collect();
    TableRow::new(cells)
}

/// A body cell's paragraph; `right` for a column of figures.
fn body_paragraph(r: &Row, i: usize, right: bool, cell: &Cell, size: usize) -> Paragraph {
    let mut p = Paragraph::new().style("Tabelltext");
    if right {
        p = p.align(AlignmentType::Right);
    }
    if i == 0 {
        let level = r.level as i32 + i32::from(r.kind == RowKind::Varav && r.level == 0);
        if level > 0 {
            p = p.indent(Some(level * LEVEL_INDENT), None, None, None);
        }
    }
    let style = |run: Run| {
        let run = run.size(size);
        match r.kind {
            RowKind::Subtotal | RowKind::Total | RowKind::Heading => run.bold(),
            RowKind::Varav => run.italic(),
            RowKind::Item => run,
        }
    };
    match &cell.value {
        Value::Status(s) => p
            .add_run(style(
                Run::new().add_text(s.level.symbol()).color(colour(s.level)),
            ))
            .add_run(style(Run::new().add_text(format!("\u{a0}{}", cell.text)))),
        _ => p.add_run(style(Run::new().add_text(&cell.text))),
    }
}

/// The paragraph and character styles the document uses. Heading styles carry the built-in
/// names (`heading 1`) so Word treats them as headings (navigation pane, table of contents).
fn styles(look: &Look) -> Vec<Style> {
    let spacing = |before: u32, after: u32| LineSpacing::new().before(before).after(after);
    let heading = |level: usize, size: usize, before: u32| {
        Style::new(format!("Heading{level}"), StyleType::Paragraph)
            .name(format!("heading {level}"))
            .based_on("Normal")
            .next("Normal")
            .q_format(true)
            .outline_lvl(level - 1)
            .fonts(
                RunFonts::new()
                    .ascii(look.heading_font.as_str())
                    .hi_ansi(look.heading_font.as_str())
                    .cs(look.heading_font.as_str()),
            )
            .size(size)
            .bold()
            .color(look.primary.as_str())
            .line_spacing(spacing(before, 120))
    };
    let para = |id: &str, name: &str| {
        Style::new(id, StyleType::Paragraph)
            .name(name)
            .based_on("Normal")
            .q_format(true)
    };
    vec![
        Style::new("Normal", StyleType::Paragraph)
            .name("Normal")
            .q_format(true)
            .line_spacing(spacing(0, 160).line(264).line_rule(LineSpacingType::Auto)),
        heading(1, 32, 360),
        heading(2, 26, 280),
        heading(3, 24, 240),
        heading(4, 22, 200),
        para("Title", "Title")
            .fonts(
                RunFonts::new()
                    .ascii(look.heading_font.as_str())
                    .hi_ansi(look.heading_font.as_str())
                    .cs(look.heading_font.as_str()),
            )
            .size(56)
            .color(look.primary.as_str())
            .line_spacing(spacing(2400, 240)),
        para("Subtitle", "Subtitle")
            .size(32)
            .color("404040")
            .line_spacing(spacing(0, 480)),
        para("Titelrad", "Titelrad")
            .size(24)
            .line_spacing(spacing(0, 80)),
        para("Utkast", "Utkast")
            .size(36)
            .bold()
            .color("C00000")
            .line_spacing(spacing(0, 240)),
        para("Innehallsrubrik", "TOC Heading")
            .fonts(
                RunFonts::new()
                    .ascii(look.heading_font.as_str())
                    .hi_ansi(look.heading_font.as_str())
                    .cs(look.heading_font.as_str()),
            )
            .size(32)
            .bold()
            .color(look.primary.as_str())
            .line_spacing(spacing(0, 240)),
        para("ToC1", "toc 1").line_spacing(spacing(120, 40)).bold(),
        para("ToC2", "toc 2")
            .indent(Some(221), None, None, None)
            .line_spacing(spacing(0, 40)),
        para("ToC3", "toc 3")
            .indent(Some(442), None, None, None)
            .line_spacing(spacing(0, 40)),
        para("ToC4", "toc 4")
            .indent(Some(663), None, None, None)
            .line_spacing(spacing(0, 40)),
        para("ListParagraph", "List Paragraph").line_spacing(spacing(0, 60)),
        para("Tabellrubrik", "Tabellrubrik")
            .bold()
            .size(22)
            .line_spacing(spacing(240, 40)),
        para("Teckenforklaring", "Teckenförklaring")
            .italic()
            .size(16)
            .color("404040")
            .line_spacing(spacing(0, 80)),
        para("Tabellhuvud", "Tabellhuvud")
            .bold()
            .size(18)
            .line_spacing(spacing(0, 0).line(240).line_rule(LineSpacingType::Auto)),
        para("Tabelltext", "Tabelltext")
            .size(18)
            .line_spacing(spacing(0, 0).line(240).line_rule(LineSpacingType::Auto)),
        para("Tabellnot", "Tabellnot")
            .size(16)
            .color("404040")
            .line_spacing(spacing(40, 0)),
        para("Eftertabell", "Efter tabell")
            .size(12)
            .line_spacing(spacing(0, 120)),
        para("Efterruta", "Efter ruta")
            .size(12)
            .line_spacing(spacing(0, 120)),
        para("Rutrubrik", "Rutrubrik")
            .bold()
            .color(look.primary.as_str())
            .line_spacing(spacing(0, 80)),
        para("Rutbrodtext", "Rutbrödtext").line_spacing(spacing(0, 80)),
        para("Diagram", "Diagram").line_spacing(spacing(240, 0)),
        para("Caption", "caption")
            .italic()
            .size(18)
            .color("404040")
            .line_spacing(spacing(60, 240)),
        para("Sidhuvud", "header").size(16).color("595959"),
        para("Sidfot", "footer").size(16).color("595959"),
    ]
}

/// Cell borders: only the given sides, single lines of the given size (eighths of a point)
/// and colour; the other sides come from the table.
fn borders(sides: &[(TableCellBorderPosition, usize, &str)]) -> TableCellBorders {
    sides
        .iter()
        .fold(TableCellBorders::with_empty(), |b, (pos, size, colour)| {
            b.set(
                TableCellBorder::new(pos.clone())
                    .border_type(BorderType::Single)
                    .size(*size)
                    .color(*colour),
            )
        })
}

#[cfg(test)]
mod tests {
    use super::*;
    use delar_report::{Column, Format, Row};

    fn wide_table(columns: usize) -> ModelTable {
        let mut t = delar_report::fixture::sample()
            .table("drift")
            .unwrap()
            .clone();
        t.groups.clear();
        t.columns = (0..columns)
            .map(|i| Column {
                key: format!("k{i}"),
                label: if i == 0 {
                    "Nämnd".into()
                } else {
                    format!("Kostnadsbudget {i}")
                },
                format: if i == 0 {
                    Format::Text
                } else {
                    Format::Number { decimals: 1 }
                },
            })
            .collect();
        t.rows = vec![Row {
            key: "r".into(),
            kind: RowKind::Total,
            level: 0,
            cells: (0..columns)
                .map(|i| {
                    if i == 0 {
                        Cell::text("Summa programområde social välfärd")
                    } else {
                        Cell::new(Value::Number(-1358.24), &Format::Number { decimals: 1 })
                    }
                })
                .collect(),
            includes: vec![],
        }];
        t
    }

    #[test]
    fn tables_fill_the_text_width_and_figures_fit() {
        // Nine columns under long header words do not fit a portrait page even at 7 pt:
        // they go on a landscape page, where every figure and header word has room.
        let portrait = column_widths(&wide_table(9), TEXT_WIDTH);
        assert!(!portrait.fits);
        assert_eq!(portrait.widths.iter().sum::<usize>(), TEXT_WIDTH);
        let landscape = column_widths(&wide_table(9), LANDSCAPE_TEXT_WIDTH);
        assert!(landscape.fits);
        assert_eq!(landscape.widths.iter().sum::<usize>(), LANDSCAPE_TEXT_WIDTH);
        for n in [2, 4, 5] {
            let t = wide_table(n);
            let layout = column_widths(&t, TEXT_WIDTH);
            assert!(layout.fits, "{n} columns");
            assert_eq!(
                layout.widths.iter().sum::<usize>(),
                TEXT_WIDTH,
                "{n} columns"
            );
            let pt = layout.size / 2;
            let per_char = pt as f64 * 20.0 * 0.62;
            // Every figure (−1 358,2: 8 characters) and the bold header word
            // "Kostnadsbudget" (14 letters, hyphenated above 13) have room on one line.
            for w in &layout.widths[1..] {
                assert!(
                    *w as f64 >= 8.0 * per_char + 230.0,
                    "{n} columns: {w} at {pt} pt"
                );
                assert!(
                    *w as f64 >= 13.0 * 1.15 * per_char,
                    "{n} columns: {w} at {pt} pt"
                );
            }
            // The label column keeps at least its longest word.
            assert!(layout.widths[0] as f64 >= "programområde".chars().count() as f64 * per_char);
        }
        // Narrow tables keep the normal size, wider ones get smaller.
        assert_eq!(column_widths(&wide_table(3), TEXT_WIDTH).size, 18);
        assert!(column_widths(&wide_table(5), TEXT_WIDTH).size < 18);
    }

    #[test]
    fn header_ranges_hold_and_long_words_hyphenate() {
        assert_eq!(
            header_text("Utfall jan–aug 2025"),
            "Utfall jan\u{2060}–\u{2060}aug 2025"
        );
        assert_eq!(header_text("Prognos 2025"), "Prognos 2025");
        assert_eq!(
            header_text("i % av kostnadsbudget").replace('\u{ad}', "-"),
            "i % av kost-nads-budget"
        );
    }

    #[test]
    fn bookmark_names_are_valid() {
        assert_eq!(bookmark_name("mal-1"), "s_mal_1");
        assert!(bookmark_name(&"x".repeat(100)).len() <= 40);
    }
}
