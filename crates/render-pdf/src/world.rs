//! A minimal Typst world: one in-memory source file, embedded fonts, a fixed date.
//!
//! Nothing is read from the file system and nothing is downloaded: every `read`, `image`
//! path or `@preview` import fails with "not found". Fonts come from `typst-assets`
//! (Libertinus Serif, New Computer Modern, DejaVu Sans Mono) and are parsed once per process.

use std::sync::OnceLock;

use typst::diag::{FileError, FileResult};
use typst::foundations::{Bytes, Datetime, Duration};
use typst::syntax::{FileId, Source};
use typst::text::{Font, FontBook};
use typst::utils::LazyHash;
use typst::{Library, LibraryExt, World};

/// The embedded fonts and their book, shared by every render in the process.
struct Fonts {
    book: LazyHash<FontBook>,
    fonts: Vec<Font>,
}

fn fonts() -> &'static Fonts {
    static FONTS: OnceLock<Fonts> = OnceLock::new();
    FONTS.get_or_init(|| {
        // The chart SVG asks for DejaVu Sans: the same subset the Word renderer rasterises with.
        let fonts: Vec<Font> = typst_assets::fonts()
            .chain(std::iter::once(delar_report::svg::CHART_FONT))
            .flat_map(|data| Font::iter(Bytes::new(data)))
            .collect();
        Fonts {
            book: LazyHash::new(FontBook::from_fonts(&fonts)),
            fonts,
        }
    })
}

fn library() -> &'static LazyHash<Library> {
    static LIBRARY: OnceLock<LazyHash<Library>> = OnceLock::new();
    LIBRARY.get_or_init(|| LazyHash::new(Library::default()))
}

/// One compilation: the generated markup and the report's date as "today".
pub(crate) struct ReportWorld {
    source: Source,
    today: Datetime,
}

impl ReportWorld {
    /// A world whose only file is `markup` and whose today is `today`.
    pub(crate) fn new(markup: String, today: Datetime) -> ReportWorld {
        ReportWorld {
            source: Source::detached(markup),
            today,
        }
    }
}

impl World for ReportWorld {
    fn library(&self) -> &LazyHash<Library> {
        library()
    }

    fn book(&self) -> &LazyHash<FontBook> {
        &fonts().book
    }

    fn main(&self) -> FileId {
        self.source.id()
    }

    fn source(&self, id: FileId) -> FileResult<Source> {
        if id == self.source.id() {
            Ok(self.source.clone())
        } else {
            Err(FileError::AccessDenied)
        }
    }

    fn file(&self, id: FileId) -> FileResult<Bytes> {
        if id == self.source.id() {
            Ok(Bytes::from_string(self.source.clone()))
        } else {
            Err(FileError::AccessDenied)
        }
    }

    fn font(&self, index: usize) -> Option<Font> {
        fonts().fonts.get(index).cloned()
    }

    fn today(&self, _offset: Option<Duration>) -> Option<Datetime> {
        Some(self.today)
    }
}
