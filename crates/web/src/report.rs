//! The report where people are: `/rapport/{omgång}` as a page (the report's HTML inside the
//! application's layout) and as PDF, Word and Excel downloads, built by the application
//! layer's report use case from the data as it stands (nothing cached).

use crate::pages::{error_page, render, Layout};
use crate::session::Viewer;
use crate::view;
use crate::AppState;
use askama::Template;
use axum::extract::{Path, Query, State};
use axum::http::{header, HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};
use delar_app::report::{OutFormat, PersonReport};
use delar_app::AppError;
use serde::Deserialize;

/// A download format of the report.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Download {
    /// PDF (PDF/UA-1).
    Pdf,
    /// Word.
    Word,
    /// Excel.
    Excel,
}

impl Download {
    /// Every download, in the order the page offers them.
    pub const ALL: [Download; 3] = [Download::Pdf, Download::Word, Download::Excel];

    /// By a file extension or a `format` value (`pdf`, `docx`/`word`, `xlsx`/`excel`).
    pub fn parse(s: &str) -> Option<Download> {
        match s.trim().to_lowercase().as_str() {
            "pdf" => Some(Download::Pdf),
            "docx" | "word" => Some(Download::Word),
            "xlsx" | "excel" => Some(Download::Excel),
            _ => None,
        }
    }

    /// The renderer's format.
    pub fn format(self) -> OutFormat {
        match self {
            Download::Pdf => OutFormat::Pdf,
            Download::Word => OutFormat::Docx,
            Download::Excel => OutFormat::Xlsx,
        }
    }

    /// The MIME type.
    pub fn content_type(self) -> &'static str {
        match self {
            Download::Pdf => "application/pdf",
            Download::Word => {
                "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
            }
            Download::Excel => "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        }
    }

    /// The words on the link.
    pub fn label(self) -> &'static str {
        match self {
            Download::Pdf => "PDF",
            Download::Word => "Word",
            Download::Excel => "Excel",
        }
    }
}

/// A file download: the content type and `Content-Disposition: attachment` with the Swedish
/// file name (RFC 6266: an ASCII fallback and the UTF-8 name).
pub fn download(bytes: Vec<u8>, content_type: &str, file_name: &str) -> Response {
    let ascii: String = file_name
        .chars()
        .map(|c| match c {
            'å' | 'ä' => 'a',
            'Å' | 'Ä' => 'A',
            'ö' => 'o',
            'Ö' => 'O',
            c if c.is_ascii_alphanumeric() || "-_.".contains(c) => c,
            _ => '_',
        })
        .collect();
    let disposition = format!(
        "attachment; filename=\"{ascii}\"; filename*=UTF-8''{}",
        view::url_encode(file_name)
    );
    let mut res = bytes.into_response();
    let h = res.headers_mut();
    if let Ok(v) = HeaderValue::from_str(content_type) {
        h.insert(header::CONTENT_TYPE, v);
    }
    if let Ok(v) = HeaderValue::from_str(&disposition) {
        h.insert(header::CONTENT_DISPOSITION, v);
    }
    res
}

/// The report page's query.
#[derive(Deserialize)]
pub struct ReportQuery {
    /// The node whose report to show (the programme area or a committee); default: the
    /// person's highest node.
    nod: Option<String>,
    /// A download instead of the page: `pdf`, `word`, `excel`.
    format: Option<String>,
}

/// A link to another report.
pub struct OtherReport {
    /// Where.
    pub href: String,
    /// What.
    pub label: String,
}

#[derive(Template)]
#[template(path = "report.html")]
struct ReportPage {
    layout: Layout,
    round: String,
    node: String,
    name: String,
    draft: bool,
    downloads: Vec<(String, &'static str)>,
    others: Vec<OtherReport>,
    findings: usize,
    errors: usize,
    sheet_href: String,
    body: String,
}

/// The report's HTML between `<body>` and `</body>`, fit to sit in the page's `<main>`: the
/// report's own skip link goes (the layout has one) and its `<main>` becomes a `<div>`.
pub fn body_of(html: &str) -> String {
    let start = html
        .find("<body")
        .and_then(|i| html[i..].find('>').map(|j| i + j + 1))
        .unwrap_or(0);
    let end = html.rfind("</body>").unwrap_or(html.len()).max(start);
    let mut body = html[start..end].to_string();
    if let Some(i) = body.find("<a class=\"skip\"") {
        if let Some(j) = body[i..].find("</a>") {
            body.replace_range(i..i + j + 4, "");
        }
    }
    body.replace("<main id=\"delar-rapport\">", "<div id=\"delar-rapport\">")
        .replace("</main>", "</div>")
}

/// `GET /rapport/{omgång}` (`?nod=SN`): the report as a page, or with `.pdf`, `.docx`,
/// `.xlsx` after the round (or `?format=pdf|word|excel`) as a download.
pub async fn report(
    State(st): State<AppState>,
    viewer: Viewer,
    Path(omgang): Path<String>,
    Query(q): Query<ReportQuery>,
) -> Response {
    let (omgang, format) = match omgang.rsplit_once('.') {
        Some((r, ext)) => match Download::parse(ext) {
            Some(d) => (r.to_string(), Some(d)),
            None => {
                let e = AppError::NotFound(format!(
                    "rapporten finns inte som \".{ext}\"; välj PDF (.pdf), Word (.docx) eller \
                     Excel (.xlsx)"
                ));
                return error_page(&e, Some(&viewer));
            }
        },
        None => match q.format.as_deref().filter(|f| !f.trim().is_empty()) {
            Some(f) => match Download::parse(f) {
                Some(d) => (omgang, Some(d)),
                None => {
                    let e = AppError::Invalid(format!(
                        "formatet \"{f}\" finns inte; välj pdf, word eller excel"
                    ));
                    return error_page(&e, Some(&viewer));
                }
            },
            None => (omgang, None),
        },
    };
    let user = viewer.user.clone();
    let (o, nod) = (omgang.clone(), q.nod.clone());
    let built = st
        .pool
        .run(move |s| {
            let round = crate::pages::parse_round(&o)?;
            delar_app::report::for_person(s, &user, round, nod.as_deref())
        })
        .await;
    let built = match built {
        Ok(b) => b,
        Err(e) => return error_page(&e, Some(&viewer)),
    };
    match format {
        Some(d) => file(built, d)
            .await
            .unwrap_or_else(|e| error_page(&e, Some(&viewer))),
        None => page(&viewer, &omgang, built).await,
    }
}

/// A download, rendered off the async runtime (a PDF takes seconds).
async fn file(built: PersonReport, d: Download) -> Result<Response, AppError> {
    let name = format!("{}.{}", built.stem(), d.format().extension());
    let bytes =
        tokio::task::spawn_blocking(move || delar_app::report::render(&built.report, d.format()))
            .await
            .map_err(|e| AppError::Io(format!("rapporten kunde inte skrivas: {e}")))??;
    Ok(download(bytes, d.content_type(), &name))
}

/// The page: the report's HTML in the layout, with the downloads and the other reports.
async fn page(viewer: &Viewer, omgang: &str, built: PersonReport) -> Response {
    let report = built.report;
    let rendered = tokio::task::spawn_blocking(move || {
        delar_app::report::render(&report, OutFormat::Html)
            .map(|b| String::from_utf8_lossy(&b).into_owned())
    })
    .await
    .map_err(|e| AppError::Io(format!("rapporten kunde inte visas: {e}")))
    .and_then(|r| r);
    let html = match rendered {
        Ok(h) => h,
        Err(e) => return error_page(&e, Some(viewer)),
    };
    let base = format!("/rapport/{}", view::url_encode(omgang));
    let nod_q = format!("?nod={}", view::url_encode(&built.node));
    let downloads = Download::ALL
        .iter()
        .map(|d| {
            (
                format!("{base}.{}{nod_q}", d.format().extension()),
                d.label(),
            )
        })
        .collect();
    let others = built
        .others
        .iter()
        .map(|(c, n)| OtherReport {
            href: format!("{base}?nod={}", view::url_encode(c)),
            label: format!("{c} {n}"),
        })
        .collect();
    let errors = built
        .findings
        .iter()
        .filter(|f| f.severity == delar_report::check::Severity::Error)
        .count();
    let body = body_of(&html);
    let csp = crate::security::csp_allowing_styles_of(&body);
    let page = ReportPage {
        layout: Layout::of(viewer),
        round: omgang.to_string(),
        sheet_href: format!(
            "/prognos/{}/{}",
            view::url_encode(omgang),
            view::url_encode(&built.node)
        ),
        node: built.node,
        name: built.name,
        draft: built.draft,
        downloads,
        others,
        findings: built.findings.len(),
        errors,
        body,
    };
    let mut res = render(&page, StatusCode::OK);
    if let Ok(v) = HeaderValue::from_str(&csp) {
        res.headers_mut().insert(header::CONTENT_SECURITY_POLICY, v);
    }
    res
}
