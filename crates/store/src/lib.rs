//! Storage for delar: schema, versioned migrations, atomic SIE imports and the ledger queries
//! the reports need.
//!
//! Callers use the [`Store`] trait; [`SqlStore`] is the embedded implementation. The schema
//! (see [`schema`]) is portable SQL so that a PostgreSQL backend can be added behind the same
//! trait without touching callers.
//!
//! # Import semantics
//!
//! An import is one database transaction: all or nothing. A file with errors (from the SIE
//! reader and validator) changes nothing. Result accounts outside the account groups go to
//! the reserved group "Ej kontogrupperat" with a warning. Every import is recorded as a batch
//! with a *source* (by default the file's #ORGNR, else #FNAMN, else the file name; for a file
//! without #RAR, followed by its #PROGRAM, so a subsystem's vouchers go beside the main
//! ledger's). A batch carries *parts*: per financial year, any of vouchers, balances,
//! monthly outcome and monthly budget. A newer batch from the same source replaces exactly the
//! parts it carries; older batches stay in the log, and a batch whose parts have all been
//! replaced gets the status `replaced`. Importing a byte-identical file whose batch is still
//! fully in force changes nothing.
//!
//! Which parts a file carries is decided by its content: vouchers (and the monthly outcome
//! derived from them) for every #RAR year that has vouchers (a file without #RAR: the stored
//! financial year containing each voucher's date, else its calendar year), balances for every year with
//! #IB/#UB/#RES/#OIB/#OUB, outcome from #PSALDO for years with #PSALDO but no vouchers, and
//! budget for years with #PBUDGET. So a file with only #RES for the previous year replaces
//! that year's balances and leaves its vouchers alone.
//!
//! # Templates
//!
//! The organisation, volume series, volumes and budget templates (read by `delar-templates`)
//! are imported with [`Store::import_organisation`], [`Store::import_volume_series`],
//! [`Store::import_volumes`] and [`Store::import_budget`]: one transaction and one batch each
//! (kind = the template's name), checked against the database first (all problems reported
//! with file and row, nothing stored on any problem). Replacement: the organisation as a
//! whole; volume series by code (upsert); volumes per series × month in the file; budget per
//! version name. A file identical to the last one imported for the same template changes
//! nothing.
//!
//! # Budget
//!
//! The budget a query shows is the SIE files' #PBUDGET plus the CSV budget versions: all of
//! them in [`Store::ledger`], those decided on or before a date in
//! [`Store::budget_in_force`]. Versions add up (a supplementary budget holds only the changes),
//! so a budget must not be imported both as #PBUDGET and as a CSV version.

pub mod copy;
pub mod db;
mod error;
mod followup;
mod goalflow;
mod goals;
mod identity;
mod import;
#[doc(hidden)]
pub use import::set_spill_threshold;
mod nodes;
mod objset;
pub mod pg;
mod pgcopy;
mod resolve;
mod rounds;
pub mod schema;
mod sqlite;
mod templates;
mod texts;
mod time;
mod types;
mod users;
mod volbudget;
mod workflow;

pub use error::StoreError;
pub use followup::{
    FollowupError, FollowupFilter, FollowupReport, FollowupStore, KpiReport, StoredRegister,
};
pub use goalflow::{
    text_kind_code, text_kind_parse, EntryKind, GoalAuditEntry, GoalRoundStore, GoalTextEntry,
    IndicatorEntry,
};
pub use goals::{GoalOverrideError, GoalStore, StoredGoalStatus};
pub use rounds::{
    locked_message, next_round, AuditEntry, CommentKind, ComputedLine, Edited, ForecastStore,
    LineChange, LineDetail, LineEdit, MethodEstimate, NodeLedgerRow, ReviewNote, RoundInfo,
    RoundStatus, SaveSummary,
};
pub use sqlite::SqlStore;

/// The store on an SQLite file: the same type as [`SqlStore`] (kept under this name for
/// callers that open files).
pub type SqliteStore = SqlStore;

/// The store on a PostgreSQL database ([`SqlStore::connect`]): the same type as [`SqlStore`].
pub type PgStore = SqlStore;

/// The environment variable that names the database when `--db` is not given.
pub const DB_ENV: &str = "DELAR_DB";

/// Open the database a connection string names: `postgres://…` or `postgresql://…` is a
/// PostgreSQL database (created schema on first use), anything else an SQLite file path
/// (optionally written `sqlite:PATH`), which must exist ([`SqlStore::open`]).
pub fn open(db: &str) -> Result<SqlStore, StoreError> {
    if pg::is_url(db) {
        SqlStore::connect(db)
    } else {
        SqlStore::open(Path::new(sqlite_path(db)))
    }
}

/// Like [`open`], but an SQLite file that does not exist is created ([`SqlStore::create`]).
pub fn open_or_create(db: &str) -> Result<SqlStore, StoreError> {
    if pg::is_url(db) {
        return SqlStore::connect(db);
    }
    let path = Path::new(sqlite_path(db));
    if path.exists() {
        SqlStore::open(path)
    } else {
        SqlStore::create(path)
    }
}

/// The file path of an SQLite connection string (`sqlite:` prefix removed).
pub fn sqlite_path(db: &str) -> &str {
    db.strip_prefix("sqlite://")
        .or_else(|| db.strip_prefix("sqlite:"))
        .unwrap_or(db)
}
pub use identity::{
    AddressFailures, AddressRule, AdminEvent, ExternalIdentity, IdentityStore, PendingSignIn,
};
pub use templates::{Periodised, MAX_ROW_ERRORS};
pub use texts::{TextChange, TextStore};
pub use types::{
    BatchInfo, BatchStatus, BudgetRow, BudgetVersionInfo, CounterpartyLedgerRow, ImportOptions,
    ImportReport, ImportStatus, LedgerBy, LedgerRow, RowError, TemplateKind, TemplateReport,
    TemplateSource,
};
pub use users::{SessionRecord, StoredGrant, UserRecord, UserStore};
pub use volbudget::{VolumeBudgetStore, VolumeBudgetVersion};
pub use workflow::{not_editable, NodeState, Transition, WorkflowState, WorkflowStore};

use delar_core::{
    AccountMapping, BudgetLine, Date, FinancialYear, OrgNode, Organisation, PeriodRange,
    VolumeSeries, VolumeValue,
};
use std::io::Read;
use std::path::Path;

/// Progress callback: receives the number of bytes of the file read so far.
pub type Progress<'a> = &'a mut dyn FnMut(u64);

/// The operations the CLI needs from a store, independent of the database behind it.
pub trait Store {
    /// Replace the account mapping (kontogrupper) in force and reclassify every stored account
    /// (by its `#KTYP` when the file gave one, else by its class); a result account no range
    /// covers goes to the reserved group "Ej kontogrupperat" ([`delar_core::UNGROUPED`]).
    fn set_account_mapping(&mut self, mapping: &AccountMapping) -> Result<(), StoreError>;

    /// The account mapping in force (Kommun-Bas when none has been set).
    fn account_mapping(&self) -> Result<AccountMapping, StoreError>;

    /// Import an SIE file from a reader. `file_name` is recorded in the batch log; `sha256`
    /// (lowercase hex of the file's bytes) may be given when already known, otherwise the
    /// bytes are hashed while they are read. `progress` is called now and then with the
    /// number of bytes read.
    fn import_sie_reader(
        &mut self,
        input: &mut (dyn Read + Send),
        file_name: &str,
        sha256: Option<&str>,
        options: &ImportOptions,
        progress: Option<Progress<'_>>,
    ) -> Result<ImportReport, StoreError>;

    /// Import an SIE file from disk: a first pass hashes it (so an unchanged file is
    /// recognised without parsing it all), a second pass imports it.
    fn import_sie(
        &mut self,
        path: &Path,
        options: &ImportOptions,
        progress: Option<Progress<'_>>,
    ) -> Result<ImportReport, StoreError> {
        let sha = sha256_file(path)?;
        let mut file = std::fs::File::open(path).map_err(|e| StoreError::io(path, e))?;
        let name = path
            .file_name()
            .map(|n| n.to_string_lossy().into_owned())
            .unwrap_or_else(|| path.display().to_string());
        self.import_sie_reader(&mut file, &name, Some(&sha), options, progress)
    }

    /// Monthly outcome and budget for the financial year named `year` (the year of its last
    /// day), by account group or by account, from batch parts in force only (summed over
    /// sources when several sources have data for the year).
    ///
    /// Only result accounts (those with an account group) are included. Without an object
    /// filter, outcome derived from transactions counts on every object set, while #PSALDO and
    /// #PBUDGET amounts count only on the empty object set (the file's account totals, which
    /// the per-object lines break down). With an object filter `(dim, code)`, transaction
    /// amounts count when their object set contains that object, and #PSALDO/#PBUDGET amounts
    /// when their object set is exactly that one object. Rows without any amounts are left
    /// out; groups come in mapping order, accounts in account-number order.
    ///
    /// The budget is #PBUDGET plus every CSV budget version imported (whatever its decision
    /// date; see [`Store::budget_in_force`] for the budget at a date). CSV lines always count
    /// without an object filter; with one, dimension 1 matches their ansvar and dimension 2
    /// their verksamhet. A year known only from CSV budget lines is the calendar year.
    fn ledger(
        &self,
        year: i32,
        by: LedgerBy,
        object: Option<(u32, &str)>,
    ) -> Result<Vec<LedgerRow>, StoreError>;

    /// The annual CSV budget amounts of the financial year named `year` (versions decided on
    /// or before `as_of`, all when `None`) and how each was spread over the months when read.
    fn budget_periodisation(
        &self,
        year: i32,
        as_of: Option<Date>,
    ) -> Result<Vec<Periodised>, StoreError>;

    /// Import the organisation (all rows, validated again here); replaces the stored one.
    fn import_organisation(
        &mut self,
        source: &TemplateSource<'_>,
        nodes: &[OrgNode],
    ) -> Result<TemplateReport, StoreError>;

    /// Import volume series, upserting by code. Fails, storing nothing, when a `prisserie` is
    /// neither in the file nor stored, or is not of typ pris, or (with an organisation
    /// imported) an `ansvar` is not in it.
    fn import_volume_series(
        &mut self,
        source: &TemplateSource<'_>,
        series: &[VolumeSeries],
    ) -> Result<TemplateReport, StoreError>;

    /// Import monthly volume values, replacing each (series, month) in the file. Fails,
    /// storing nothing, when a series is not imported or a pair appears twice.
    fn import_volumes(
        &mut self,
        source: &TemplateSource<'_>,
        values: &[VolumeValue],
    ) -> Result<TemplateReport, StoreError>;

    /// Import budget lines, replacing each version (by name) in the file. Fails, storing
    /// nothing, when an account maps to no kontogrupp in the mapping in force, a version has
    /// two decision dates, or (with an organisation imported) an ansvar is not in force in the
    /// line's month.
    fn import_budget(
        &mut self,
        source: &TemplateSource<'_>,
        lines: &[BudgetLine],
    ) -> Result<TemplateReport, StoreError>;

    /// The organisation imported (empty when none).
    fn organisation(&self) -> Result<Organisation, StoreError>;

    /// The volume series imported, in the order they were first imported.
    fn volume_series(&self) -> Result<Vec<VolumeSeries>, StoreError>;

    /// The values of one series in month order, within `range` when given; fails with
    /// [`StoreError::NoSuchSeries`] for an unknown series.
    fn volumes(
        &self,
        series: &str,
        range: Option<PeriodRange>,
    ) -> Result<Vec<VolumeValue>, StoreError>;

    /// The CSV budget versions with lines in the financial year named `year` (the calendar
    /// year when no SIE file declares it), by decision date; amounts summed within the year.
    fn budget_versions(&self, year: i32) -> Result<Vec<BudgetVersionInfo>, StoreError>;

    /// The budget in force at `as_of` for the financial year named `year`: the SIE files'
    /// #PBUDGET plus every CSV budget version decided on or before `as_of`, per account group
    /// or account, with the same object rules as [`Store::ledger`] (CSV lines match dimension 1
    /// on ansvar and dimension 2 on verksamhet). Rows without budget are left out.
    fn budget_in_force(
        &self,
        year: i32,
        as_of: Date,
        by: LedgerBy,
        object: Option<(u32, &str)>,
    ) -> Result<Vec<BudgetRow>, StoreError>;

    /// The ledger of the financial year named `year` per organisation node (dimension 1,
    /// ansvar) × kontogrupp or account × counterparty (the object in `counterparty_dim`, e.g.
    /// 21), for consolidation. Outcome up to and including `through` (all months when `None`),
    /// budget for the whole year (#PBUDGET plus every CSV budget version; CSV lines carry no
    /// counterparty). Outcome from transactions counts on every object set (rows without an
    /// ansvar get the node `""`); #PSALDO and #PBUDGET count only on object sets made of an
    /// ansvar and at most a counterparty. Rows without amounts are left out; sorted by node,
    /// group (mapping order), key, counterparty. The node rows add up to [`Store::ledger`]
    /// for transactions.
    fn ledger_by_counterparty(
        &self,
        year: i32,
        through: Option<delar_core::YearMonth>,
        by: LedgerBy,
        counterparty_dim: u32,
    ) -> Result<Vec<CounterpartyLedgerRow>, StoreError>;

    /// Import compensation model rates (`ersattningsmodell.csv`); replaces every stored rate.
    /// Fails, storing nothing, when (with an organisation imported) a purchaser or provider is
    /// not in it, purchaser and provider are the same, or (with volume series imported) a
    /// named series is unknown.
    fn import_compensation_rates(
        &mut self,
        source: &TemplateSource<'_>,
        rates: &[delar_consolidate::purchase::CompensationRate],
    ) -> Result<TemplateReport, StoreError>;

    /// The compensation model rates imported, in file order.
    fn compensation_rates(
        &self,
    ) -> Result<Vec<delar_consolidate::purchase::CompensationRate>, StoreError>;

    /// Import intraprenad opening balances and rules (`intraprenader.csv`), replacing each
    /// (intraprenad, year) in the file. Fails, storing nothing, when (with an organisation
    /// imported) a code is not an intraprenad in it.
    fn import_intraprenader(
        &mut self,
        source: &TemplateSource<'_>,
        rows: &[delar_consolidate::intraprenad::IntraprenadOpening],
    ) -> Result<TemplateReport, StoreError>;

    /// The intraprenad opening balances of `year` (all years when `None`), by code and year.
    fn intraprenader(
        &self,
        year: Option<i32>,
    ) -> Result<Vec<delar_consolidate::intraprenad::IntraprenadOpening>, StoreError>;

    /// The import log, oldest batch first.
    fn batches(&self) -> Result<Vec<BatchInfo>, StoreError>;

    /// The accounts in the reserved group "Ej kontogrupperat" ([`delar_core::UNGROUPED`]):
    /// number, name (empty when the file gave none) and outcome in the financial year named
    /// `year` (as [`Store::ledger`] counts it), or summed over every stored year when `None`.
    /// Every account in the group is listed, also those without outcome (amount zero), in
    /// account-number order.
    fn ungrouped_accounts(
        &self,
        year: Option<i32>,
    ) -> Result<Vec<(String, String, delar_core::Amount)>, StoreError>;

    /// The name of the organisation whose ledger is in force (`#FNAMN` of the active batch
    /// with the most transactions), `None` when no SIE file named one.
    fn organisation_name(&self) -> Result<Option<String>, StoreError>;

    /// The financial years known to the store, earliest first.
    fn years(&self) -> Result<Vec<FinancialYear>, StoreError>;
}

/// SHA-256 of a file's bytes as lowercase hex, read in blocks (constant memory).
pub fn sha256_file(path: &Path) -> Result<String, StoreError> {
    use sha2::{Digest, Sha256};
    let mut file = std::fs::File::open(path).map_err(|e| StoreError::io(path, e))?;
    let mut hasher = Sha256::new();
    let mut buf = vec![0u8; 1 << 16];
    loop {
        let n = match file.read(&mut buf) {
            Ok(0) => break,
            Ok(n) => n,
            Err(e) if e.kind() == std::io::ErrorKind::Interrupted => continue,
            Err(e) => return Err(StoreError::io(path, e)),
        };
        hasher.update(&buf[..n]);
    }
    Ok(hex(&hasher.finalize()))
}

/// Lowercase hex of bytes.
pub(crate) fn hex(bytes: &[u8]) -> String {
    const DIGITS: &[u8; 16] = b"0123456789abcdef";
    let mut s = String::with_capacity(bytes.len() * 2);
    for b in bytes {
        s.push(DIGITS[(b >> 4) as usize] as char);
        s.push(DIGITS[(b & 15) as usize] as char);
    }
    s
}

/// Everything delar keeps, behind one interface: the ledger and templates ([`Store`]),
/// forecast rounds ([`ForecastStore`]), follow-up registers ([`FollowupStore`]), goal
/// statuses ([`GoalStore`]), report texts ([`TextStore`]), the volume budget
/// ([`VolumeBudgetStore`]), the people who use the web application ([`UserStore`]) and the
/// rounds' workflow ([`WorkflowStore`]), external sign-in identities and the administrators'
/// log ([`IdentityStore`]). The application layer works on `dyn Backend`; every
/// backend implements all of it.
pub trait Backend:
    Store
    + ForecastStore
    + FollowupStore
    + GoalStore
    + TextStore
    + VolumeBudgetStore
    + UserStore
    + WorkflowStore
    + GoalRoundStore
    + IdentityStore
{
}

impl<T> Backend for T where
    T: Store
        + ForecastStore
        + FollowupStore
        + GoalStore
        + TextStore
        + VolumeBudgetStore
        + UserStore
        + WorkflowStore
        + GoalRoundStore
        + IdentityStore
        + ?Sized
{
}

/// The store's traits, for `use delar_store::prelude::*`.
pub mod prelude {
    pub use crate::{
        Backend, FollowupStore, ForecastStore, GoalRoundStore, GoalStore, IdentityStore, Store,
        TextStore, UserStore, VolumeBudgetStore, WorkflowStore,
    };
}
