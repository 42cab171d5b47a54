//! Renders a [`delar_report::Report`] to PDF through embedded Typst.
//!
//! The report is turned into Typst markup (all user text as string literals, so nothing in it
//! is read as markup) and compiled in a closed world: one in-memory source, fonts embedded in
//! the binary, no file system, no network, and "today" fixed to the report's date, so the same
//! report always gives the same bytes. The PDF is tagged and conforms to PDF/UA-1 and
//! PDF/A-2a (Typst checks both while exporting).

mod markup;
mod world;

use std::fmt;

use delar_report::svg::chart_svg;
use delar_report::{Chart, Report};
use typst::diag::{Severity, SourceDiagnostic};
use typst::foundations::{Datetime, Smart};
use typst_layout::PagedDocument;
use typst_pdf::{PdfOptions, PdfStandard, PdfStandards, Timestamp};

/// Why a PDF could not be made.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum PdfError {
    /// `meta.date` is not a date `ÅÅÅÅ-MM-DD`.
    Date(String),
    /// Typst could not lay out the generated document (a bug in this crate or odd content).
    Layout(Vec<String>),
    /// The laid-out document could not be written as PDF/UA-1 (e.g. missing alt text).
    Export(Vec<String>),
}

impl fmt::Display for PdfError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            PdfError::Date(d) => write!(
                f,
                "rapportens datum \"{d}\" är inte ett datum (ÅÅÅÅ-MM-DD); ange datumet i rapportens metadata"
            ),
            PdfError::Layout(m) => write!(
                f,
                "PDF-filen kunde inte sättas (Typst): {}",
                m.join("; ")
            ),
            PdfError::Export(m) => write!(
                f,
                "PDF-filen kunde inte skrivas som tillgänglig PDF (PDF/UA-1): {}",
                m.join("; ")
            ),
        }
    }
}

impl std::error::Error for PdfError {}

/// Render the report as an A4 PDF (PDF/UA-1, PDF/A-2a) with title page, table of contents,
/// running header, page numbers and, for drafts, an `UTKAST` mark on every page.
pub fn render(report: &Report) -> Result<Vec<u8>, PdfError> {
    render_with(report, &chart_svg)
}

/// The Typst markup [`render`] compiles (for debugging layouts).
pub fn typst_source(report: &Report) -> Result<String, PdfError> {
    let date = markup::parse_date(&report.meta.date)
        .ok_or_else(|| PdfError::Date(report.meta.date.clone()))?;
    Ok(markup::document(report, date, &chart_svg))
}

fn render_with(report: &Report, chart_svg: &dyn Fn(&Chart) -> String) -> Result<Vec<u8>, PdfError> {
    let (y, m, d) = markup::parse_date(&report.meta.date)
        .ok_or_else(|| PdfError::Date(report.meta.date.clone()))?;
    let today =
        Datetime::from_ymd(y, m, d).ok_or_else(|| PdfError::Date(report.meta.date.clone()))?;
    let source = markup::document(report, (y, m, d), chart_svg);
    let world = world::ReportWorld::new(source, today);
    let compiled = typst::compile::<PagedDocument>(&world);
    let document = compiled
        .output
        .map_err(|e| PdfError::Layout(messages(&e)))?;
    let standards = PdfStandards::new(&[PdfStandard::Ua_1, PdfStandard::A_2a])
        .map_err(|e| PdfError::Export(vec![e.message().to_string()]))?;
    let options = PdfOptions {
        ident: Smart::Custom(format!(
            "delar/{}/{}/{}",
            report.meta.organisation,
            report.meta.round,
            markup::document_title(report)
        )),
        creator: Smart::Custom(Some("delar".to_string())),
        timestamp: Some(Timestamp::new_utc(today)),
        standards,
        ..PdfOptions::default()
    };
    let pdf = typst_pdf::pdf(&document, &options).map_err(|e| PdfError::Export(messages(&e)));
    // Typst memoises across compilations; keep the cache from growing without bound.
    typst::comemo::evict(10);
    pdf
}

fn messages(diags: &[SourceDiagnostic]) -> Vec<String> {
    diags
        .iter()
        .filter(|d| d.severity == Severity::Error)
        .map(|d| {
            let mut m = d.message.to_string();
            for h in &d.hints {
                m.push_str(" (");
                m.push_str(&h.v);
                m.push(')');
            }
            m
        })
        .collect()
}
