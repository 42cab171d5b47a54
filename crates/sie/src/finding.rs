//! Findings: problems found while reading or validating a file, each with a line and a
//! message in Swedish.

use serde::Serialize;
use std::fmt;

/// How serious a finding is.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Severity {
    /// Worth knowing (for example which encoding was detected).
    Info,
    /// Suspicious but importable (for example a checksum that does not match).
    Warning,
    /// Wrong: the data cannot be trusted (an unbalanced voucher, an impossible date).
    Error,
}

impl Severity {
    /// Swedish label.
    pub fn label(self) -> &'static str {
        match self {
            Severity::Info => "info",
            Severity::Warning => "varning",
            Severity::Error => "fel",
        }
    }
}

/// One finding: severity, line (when it belongs to one), a stable code and a Swedish message.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Finding {
    /// Error, warning or info.
    pub severity: Severity,
    /// 1-based line number in the file, when the finding belongs to a line.
    pub line: Option<u64>,
    /// Stable machine-readable code, e.g. `unbalanced-voucher`.
    pub code: &'static str,
    /// What is wrong and what to do, in Swedish.
    pub message: String,
}

impl Finding {
    /// An error on a line.
    pub fn error(line: u64, code: &'static str, message: impl Into<String>) -> Finding {
        Finding {
            severity: Severity::Error,
            line: Some(line),
            code,
            message: message.into(),
        }
    }
    /// A warning on a line.
    pub fn warning(line: u64, code: &'static str, message: impl Into<String>) -> Finding {
        Finding {
            severity: Severity::Warning,
            line: Some(line),
            code,
            message: message.into(),
        }
    }
    /// A finding about the whole file.
    pub fn file(severity: Severity, code: &'static str, message: impl Into<String>) -> Finding {
        Finding {
            severity,
            line: None,
            code,
            message: message.into(),
        }
    }
    /// Render as `file:line: fel: message` (the form the CLI prints).
    pub fn render(&self, file: &str) -> String {
        match self.line {
            Some(l) => format!("{file}:{l}: {}: {}", self.severity.label(), self.message),
            None => format!("{file}: {}: {}", self.severity.label(), self.message),
        }
    }
}

impl fmt::Display for Finding {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self.line {
            Some(l) => write!(f, "rad {l}: {}: {}", self.severity.label(), self.message),
            None => write!(f, "{}: {}", self.severity.label(), self.message),
        }
    }
}

/// Findings collected while reading, with a cap so a broken 1 GB file cannot fill memory:
/// past the cap, findings are counted but not kept.
#[derive(Clone, Debug, Default)]
pub struct Findings {
    kept: Vec<Finding>,
    errors: u64,
    warnings: u64,
    dropped: u64,
}

/// How many findings are kept in memory; the rest are only counted.
pub const MAX_KEPT_FINDINGS: usize = 10_000;

impl Findings {
    /// Add a finding.
    pub fn push(&mut self, f: Finding) {
        match f.severity {
            Severity::Error => self.errors += 1,
            Severity::Warning => self.warnings += 1,
            Severity::Info => {}
        }
        if self.kept.len() < MAX_KEPT_FINDINGS {
            self.kept.push(f);
        } else {
            self.dropped += 1;
        }
    }
    /// The kept findings in the order found.
    pub fn list(&self) -> &[Finding] {
        &self.kept
    }
    /// Number of errors (kept or not).
    pub fn errors(&self) -> u64 {
        self.errors
    }
    /// Number of warnings (kept or not).
    pub fn warnings(&self) -> u64 {
        self.warnings
    }
    /// Findings counted but not kept because of the cap.
    pub fn dropped(&self) -> u64 {
        self.dropped
    }
    /// Sort kept findings by line (file-level findings first).
    pub fn sort(&mut self) {
        self.kept.sort_by_key(|f| f.line.unwrap_or(0));
    }
}
