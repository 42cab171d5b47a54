//! `delar report` and `delar check` on the command line: the formats as arguments, and the
//! demo's report. Gathering, building, checking and rendering are the application layer's
//! (`delar_app::report`).

use anyhow::Result;
use delar_app::report as app;
pub use delar_app::report::{
    all_findings, build_all, build_and_check, definition, gather, organisation_name, render,
};
use delar_compose::Definition;
use delar_core::Round;
use delar_store::Backend;
use std::path::{Path, PathBuf};

/// The demo municipality's logo (a simple own drawing).
const DEMO_LOGO: &str = include_str!("demo-logotyp.svg");

/// The demo definition's house style.
const DEMO_STYLE: &str = "[stil]\n\
logotyp = \"logotyp.svg\"\n\
farg = \"#1D4F6E\"\n\
accentfarg = \"#E07B00\"\n\
typsnitt = \"Source Sans 3\"\n\
kommun = \"Exempelkommun\"\n";

/// Output formats on the command line.
#[derive(Clone, Copy, Debug, PartialEq, Eq, clap::ValueEnum)]
pub enum OutFormat {
    /// Rapportmodellen som JSON (för andra verktyg och tester).
    Json,
    /// Ren text för terminalen och för granskning.
    Txt,
    /// En fristående HTML-fil (CSS och SVG-diagram inbäddade).
    Html,
    /// Ett Word-dokument (rubrikformat, innehållsförteckning, tabeller, diagram som bilder).
    Docx,
    /// En Excel-arbetsbok (ett blad per tabell och diagram, tal som tal, egna diagram).
    Xlsx,
    /// En typsatt, taggad PDF (PDF/UA-1) gjord med inbyggd Typst.
    Pdf,
}

impl OutFormat {
    /// Every format, in the order `delar demo` writes them.
    pub const ALL: &'static [OutFormat] = &[
        OutFormat::Txt,
        OutFormat::Json,
        OutFormat::Html,
        OutFormat::Docx,
        OutFormat::Xlsx,
        OutFormat::Pdf,
    ];

    /// The application layer's format.
    pub fn to_app(self) -> app::OutFormat {
        match self {
            OutFormat::Json => app::OutFormat::Json,
            OutFormat::Txt => app::OutFormat::Txt,
            OutFormat::Html => app::OutFormat::Html,
            OutFormat::Docx => app::OutFormat::Docx,
            OutFormat::Xlsx => app::OutFormat::Xlsx,
            OutFormat::Pdf => app::OutFormat::Pdf,
        }
    }
}

/// Build and check the report and its appendices, then (only if none has errors, or
/// `draft`) write each in every format into `out`; the findings are printed on stderr.
pub fn write_all(
    store: &dyn Backend,
    round: Round,
    def: &Definition,
    def_path: Option<&Path>,
    formats: &[OutFormat],
    out: &Path,
    draft: bool,
) -> Result<Vec<PathBuf>> {
    let formats: Vec<app::OutFormat> = formats.iter().map(|f| f.to_app()).collect();
    let built = app::build_all(store, round, def, def_path, draft)?;
    let findings = app::all_findings(&built);
    if !findings.is_empty() {
        eprint!("{}", delar_report::check::render_findings(&findings));
    }
    Ok(app::write_built(&built, &formats, out, draft)?)
}

/// The demo's reports: round 2025-P2 with the default definition (the programme report and
/// the committees' appendices), every format.
pub fn demo_report(store: &dyn Backend, out: &Path) -> Result<Vec<PathBuf>> {
    let round = Round::new(crate::demo::DEMO_YEAR, delar_core::RoundKind::P2)
        .map_err(|e| anyhow::anyhow!("{e}"))?;
    // The demo municipality's house style: the built-in definition with a `[stil]` table and
    // a logo beside it in `indata/`, read back as any definition file is.
    let dir = out.parent().unwrap_or(Path::new(".")).join("indata");
    std::fs::create_dir_all(&dir)?;
    std::fs::write(dir.join("logotyp.svg"), DEMO_LOGO)?;
    let path = dir.join("rapportdefinition.toml");
    std::fs::write(
        &path,
        format!(
            "{}\n{DEMO_STYLE}",
            delar_compose::definition::DEFAULT_DEFINITION
        ),
    )?;
    let def = definition(Some(&path))?;
    let built = app::build_all(store, round, &def, Some(&path), false)?;
    let findings = app::all_findings(&built);
    if !findings.is_empty() {
        eprint!("{}", delar_report::check::render_findings(&findings));
    }
    Ok(app::write_built(&built, app::OutFormat::ALL, out, false)?)
}
