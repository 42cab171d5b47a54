//! The values the store hands back and takes: import options and reports, ledger rows and the
//! batch log.

use delar_core::{Amount, Date, FinancialYear};
use delar_sie::Finding;
use serde::Serialize;
use std::fmt;

/// Options for an import.
#[derive(Clone, Debug, Default)]
pub struct ImportOptions {
    /// Source identity; default the file's #ORGNR, else #FNAMN, else the file name. Batches
    /// of the same source replace each other per financial year and kind of data.
    pub source: Option<String>,
    /// Strict reading: treat deviations from the SIE standard that the lenient reader accepts
    /// as errors.
    pub strict: bool,
}

/// What an import did.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum ImportStatus {
    /// New data; nothing earlier was replaced.
    Imported,
    /// The byte-identical file is already imported and in force; nothing changed.
    Unchanged,
    /// New data that replaced parts of earlier batches (see `replaced_batches`).
    Replaced,
}

/// The summary of an import, printed by the CLI through `Display` (Swedish).
#[derive(Clone, Debug, Serialize)]
pub struct ImportReport {
    /// The batch created (or, when unchanged, the batch already holding the file).
    pub batch_id: i64,
    /// Source identity.
    pub source: String,
    /// File name as given.
    pub file_name: String,
    /// SHA-256 of the file's bytes (hex).
    pub sha256: String,
    /// Imported, unchanged or replaced.
    pub status: ImportStatus,
    /// Earlier batches of which at least one part was replaced by this import.
    pub replaced_batches: Vec<i64>,
    /// SIE type label (`1`, `2`, `3`, `4E`, `4I`), empty when the file has no #SIETYP.
    pub sie_type: String,
    /// The character encoding detected, as a readable label.
    pub encoding: String,
    /// The exporting program (#PROGRAM).
    pub program: Option<String>,
    /// The financial years of the file's data, earliest first: those it declares (#RAR), or,
    /// without #RAR, those taken from its dates.
    pub years: Vec<FinancialYear>,
    /// Accounts in the file (declared or used).
    pub accounts: u64,
    /// Objects in the file (declared or used).
    pub objects: u64,
    /// Vouchers imported.
    pub vouchers: u64,
    /// Transaction lines imported (including removed #BTRANS lines, kept for the audit trail).
    pub transactions: u64,
    /// Distinct (financial year, month) with outcome stored by this batch.
    pub months_outcome: u64,
    /// Distinct (financial year, month) with budget stored by this batch.
    pub months_budget: u64,
    /// Number of warnings (also those not kept in `findings`).
    pub warnings: u64,
    /// Warnings and notes from reading the file (no errors: a file with errors is not
    /// imported).
    pub findings: Vec<Finding>,
}

/// How many findings `Display` of an import report lists.
const SHOWN_FINDINGS: usize = 10;

impl fmt::Display for ImportReport {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if self.status == ImportStatus::Unchanged {
            return write!(
                f,
                "Filen är redan importerad (batch {}); inget ändrades.",
                self.batch_id
            );
        }
        writeln!(
            f,
            "Importerade {} som batch {} (källa {}).",
            self.file_name, self.batch_id, self.source
        )?;
        let sie = if self.sie_type.is_empty() {
            "okänd"
        } else {
            &self.sie_type
        };
        write!(f, "SIE-typ {sie}, teckenkodning {}", self.encoding)?;
        if let Some(p) = &self.program {
            write!(f, ", program {p}")?;
        }
        writeln!(f, ".")?;
        if !self.years.is_empty() {
            let ys: Vec<String> = self
                .years
                .iter()
                .map(|y| format!("{}–{}", y.start, y.end))
                .collect();
            writeln!(f, "Räkenskapsår: {}.", ys.join(", "))?;
        }
        writeln!(
            f,
            "{} konton, {} objekt, {} verifikationer, {} transaktioner.",
            count(self.accounts),
            count(self.objects),
            count(self.vouchers),
            count(self.transactions)
        )?;
        write!(
            f,
            "Utfall för {} {}, budget för {} {}.",
            self.months_outcome,
            months(self.months_outcome),
            self.months_budget,
            months(self.months_budget)
        )?;
        if !self.replaced_batches.is_empty() {
            let ids: Vec<String> = self
                .replaced_batches
                .iter()
                .map(|b| b.to_string())
                .collect();
            let noun = if ids.len() == 1 { "batch" } else { "batcher" };
            write!(
                f,
                "\nErsatte data för samma räkenskapsår från tidigare {noun} {}.",
                ids.join(", ")
            )?;
        }
        if self.warnings > 0 {
            let noun = if self.warnings == 1 {
                "varning"
            } else {
                "varningar"
            };
            write!(f, "\n{} {noun}:", count(self.warnings))?;
            let warns: Vec<&Finding> = self
                .findings
                .iter()
                .filter(|x| x.severity == delar_sie::Severity::Warning)
                .collect();
            for w in warns.iter().take(SHOWN_FINDINGS) {
                write!(f, "\n  {}", w.render(&self.file_name))?;
            }
            let shown = warns.len().min(SHOWN_FINDINGS) as u64;
            if self.warnings > shown {
                write!(
                    f,
                    "\n  … och {} varningar till",
                    count(self.warnings - shown)
                )?;
            }
        }
        Ok(())
    }
}

/// A count the Swedish way (`69 168`).
fn count(n: u64) -> String {
    delar_core::money::format_int(i64::try_from(n).unwrap_or(i64::MAX))
}

fn months(n: u64) -> &'static str {
    if n == 1 {
        "månad"
    } else {
        "månader"
    }
}

/// How ledger rows are keyed.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum LedgerBy {
    /// One row per account group (kontogrupp), in mapping order.
    Group,
    /// One row per account, in account-number order.
    Account,
}

/// One row of the ledger: monthly outcome and budget for a group or an account.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct LedgerRow {
    /// Group code or account number.
    pub key: String,
    /// Group name or account name (empty when the file gave no name).
    pub name: String,
    /// The account group's code (for a group row, the same as `key`).
    pub group: String,
    /// Outcome per month; index 0 is the first month of the financial year (January for a
    /// calendar year); one entry per month of the year (12 for a calendar year).
    pub outcome: Vec<Amount>,
    /// Budget per month, indexed as `outcome`.
    pub budget: Vec<Amount>,
    /// Sum of `outcome`.
    pub outcome_total: Amount,
    /// Sum of `budget`.
    pub budget_total: Amount,
}

/// One row of the ledger per node: monthly outcome and budget for an organisation node ×
/// group or account × counterparty.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct CounterpartyLedgerRow {
    /// Organisation code (the ansvar object); empty for amounts without ansvar.
    pub node: String,
    /// Group code or account number.
    pub key: String,
    /// Group name or account name.
    pub name: String,
    /// The account group's code.
    pub group: String,
    /// The counterparty object's code, when the amounts carry one.
    pub counterparty: Option<String>,
    /// Outcome per month of the financial year (zero after the `through` month).
    pub outcome: Vec<Amount>,
    /// Budget per month of the financial year.
    pub budget: Vec<Amount>,
    /// Sum of `outcome`.
    pub outcome_total: Amount,
    /// Sum of `budget`.
    pub budget_total: Amount,
}

/// The status of a batch in the log.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum BatchStatus {
    /// At least one of its parts is in force.
    Active,
    /// All its parts have been replaced by newer batches.
    Replaced,
}

impl BatchStatus {
    /// Swedish label.
    pub fn label(self) -> &'static str {
        match self {
            BatchStatus::Active => "aktiv",
            BatchStatus::Replaced => "ersatt",
        }
    }
}

/// One entry of the import log.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct BatchInfo {
    /// Batch id.
    pub id: i64,
    /// Source identity.
    pub source: String,
    /// File name as given.
    pub file_name: String,
    /// SHA-256 of the file (hex).
    pub sha256: String,
    /// When it was imported (UTC, `YYYY-MM-DDTHH:MM:SSZ`).
    pub imported_at: String,
    /// SIE type label.
    pub sie_type: Option<String>,
    /// Encoding label.
    pub encoding: Option<String>,
    /// Exporting program.
    pub program: Option<String>,
    /// Vouchers.
    pub vouchers: u64,
    /// Transaction lines.
    pub transactions: u64,
    /// Accounts in the file.
    pub accounts: u64,
    /// Objects in the file.
    pub objects: u64,
    /// Months with outcome.
    pub months_outcome: u64,
    /// Months with budget.
    pub months_budget: u64,
    /// Warnings found when reading.
    pub warnings: u64,
    /// Active or replaced.
    pub status: BatchStatus,
    /// The batch that replaced its last part in force.
    pub replaced_by: Option<i64>,
    /// What was imported: `sie` or a template's name (`organisation`, `volymserier`,
    /// `volymer`, `budget`).
    pub kind: String,
    /// Data rows of a template file (0 for SIE).
    pub rows: u64,
}

/// The import templates the store knows (see docs/IMPORT.md).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum TemplateKind {
    /// `organisation.csv`: the versioned organisation tree.
    Organisation,
    /// `volymserier.csv`: volume series.
    VolumeSeries,
    /// `volymer.csv`: monthly volume values.
    Volumes,
    /// `budget.csv`: budget versions with monthly lines.
    Budget,
    /// `ersattningsmodell.csv`: compensation model rates.
    CompensationModel,
    /// `intraprenader.csv`: intraprenad opening balances and carry-forward rules.
    Intraprenader,
    /// `volymbudget.csv`: budgeted volumes and prices per series and month, in versions.
    VolumeBudget,
}

impl TemplateKind {
    /// The name stored in the batch log (`import_batch.kind`) and used on the command line.
    pub const fn code(self) -> &'static str {
        match self {
            TemplateKind::Organisation => "organisation",
            TemplateKind::VolumeSeries => "volymserier",
            TemplateKind::Volumes => "volymer",
            TemplateKind::Budget => "budget",
            TemplateKind::CompensationModel => "ersattningsmodell",
            TemplateKind::Intraprenader => "intraprenader",
            TemplateKind::VolumeBudget => "volymbudget",
        }
    }
}

/// Where a template's rows come from: the file name (batch log and messages), the SHA-256 of
/// its bytes (hex; an identical file imported again changes nothing), and the file row of
/// each item (`lines[i]` for item `i`; when shorter, item `i` is taken to be on row `i + 2`,
/// as in a file written by the template writer).
#[derive(Clone, Copy, Debug)]
pub struct TemplateSource<'a> {
    /// File name as given.
    pub file_name: &'a str,
    /// SHA-256 of the file's bytes, lowercase hex.
    pub sha256: &'a str,
    /// File row of each item.
    pub lines: &'a [usize],
}

impl TemplateSource<'_> {
    /// The file row of item `i`.
    pub fn line(&self, i: usize) -> usize {
        self.lines.get(i).copied().unwrap_or(i + 2)
    }
}

/// A problem with one row of a template file, found against the database.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct RowError {
    /// Row number in the file (0 = the whole file).
    pub line: usize,
    /// Template column, when the problem is one cell.
    pub column: Option<String>,
    /// What is wrong and what to do, in Swedish.
    pub message: String,
}

impl RowError {
    /// Render as `file, rad N, kolumn "x": message` (the same shape as template read errors).
    pub fn render(&self, file: &str) -> String {
        let mut s = file.to_string();
        if self.line > 0 {
            s.push_str(&format!(", rad {}", self.line));
        }
        if let Some(c) = &self.column {
            s.push_str(&format!(", kolumn \"{c}\""));
        }
        s.push_str(": ");
        s.push_str(&self.message);
        s
    }
}

/// What a template import did; `Display` gives the Swedish summary.
#[derive(Clone, Debug, Serialize)]
pub struct TemplateReport {
    /// Which template.
    pub kind: TemplateKind,
    /// The batch created (or, when unchanged, the batch already holding the file).
    pub batch_id: i64,
    /// File name as given.
    pub file_name: String,
    /// SHA-256 of the file (hex).
    pub sha256: String,
    /// Imported, unchanged or replaced.
    pub status: ImportStatus,
    /// Earlier batches of the same template none of whose data is in force any more.
    pub replaced_batches: Vec<i64>,
    /// Data rows in the file.
    pub rows: u64,
    /// What was stored, in Swedish (one or more sentences).
    pub summary: String,
}

impl fmt::Display for TemplateReport {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if self.status == ImportStatus::Unchanged {
            return write!(
                f,
                "{} är redan importerad (batch {}); inget ändrades.",
                self.file_name, self.batch_id
            );
        }
        write!(
            f,
            "Importerade {} ({}) som batch {}: {}",
            self.file_name,
            self.kind.code(),
            self.batch_id,
            self.summary
        )?;
        if !self.replaced_batches.is_empty() {
            let ids: Vec<String> = self
                .replaced_batches
                .iter()
                .map(|b| b.to_string())
                .collect();
            // "Batch 3 är helt ersatt." / "Batcherna 3, 4 är helt ersatta."
            let (noun, adjective) = if ids.len() == 1 {
                ("Batch", "ersatt")
            } else {
                ("Batcherna", "ersatta")
            };
            write!(f, "\n{noun} {} är helt {adjective}.", ids.join(", "))?;
        }
        Ok(())
    }
}

/// One stored budget version.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct BudgetVersionInfo {
    /// Name, e.g. `Tilläggsbudget 1`.
    pub name: String,
    /// Decision date.
    pub decided: Date,
    /// The batch that imported it.
    pub batch_id: i64,
    /// Lines in the requested year.
    pub lines: u64,
    /// Sum per month of the year (index 0 = the year's first month), ledger sign; annual
    /// amounts not included.
    pub months: Vec<Amount>,
    /// Sum of the annual amounts (`månad` = the year), periodised when the budget is read.
    pub annual: Amount,
    /// Sum of `months` and `annual`.
    pub total: Amount,
    /// `total` per ansvar (the CSV lines' organisation node), sorted by code; nodes whose
    /// lines cancel out are kept (a move between two nodes shows on both).
    pub by_responsible: Vec<(String, Amount)>,
}

/// One row of the budget in force: monthly budget for an account group or an account.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct BudgetRow {
    /// Group code or account number.
    pub key: String,
    /// Group name or account name (empty when unknown).
    pub name: String,
    /// The account group's code.
    pub group: String,
    /// Budget per month, index 0 = the year's first month.
    pub budget: Vec<Amount>,
    /// Sum of `budget`.
    pub total: Amount,
}

#[cfg(test)]
mod tests {
    use super::*;

    fn report(replaced: Vec<i64>) -> TemplateReport {
        TemplateReport {
            kind: TemplateKind::Budget,
            batch_id: 12,
            file_name: "budget.csv".into(),
            sha256: String::new(),
            status: ImportStatus::Replaced,
            replaced_batches: replaced,
            rows: 3,
            summary: "3 budgetrader.".into(),
        }
    }

    #[test]
    fn replaced_batches_agree_in_number() {
        assert!(report(vec![10])
            .to_string()
            .ends_with("\nBatch 10 är helt ersatt."));
        assert!(report(vec![10, 11])
            .to_string()
            .ends_with("\nBatcherna 10, 11 är helt ersatta."));
    }

    #[test]
    fn counts_have_thousands_spaces() {
        assert_eq!(count(69_168), "69\u{a0}168");
        assert_eq!(count(12), "12");
    }
}
