//! The SIE import into SQLite: one transaction, streaming, with surrogate keys cached in
//! memory and monthly aggregates written at the end.
//!
//! Monthly outcome for a financial year comes from the file's transactions when the file has
//! vouchers for that year: result accounts only (by #KTYP when given, else classes 3–9 and 0;
//! every one has an account group, "Ej kontogrupperat" when no range covers it), summed per
//! voucher-date month, account and object set; removed lines (#BTRANS) do
//! not count. Balance accounts are left out because their monthly change is not what the
//! reports show. When the file has no vouchers for a year, outcome comes from #PSALDO, stored
//! as given (for balance accounts #PSALDO is a balance, not a change). #PSALDO for a year that
//! also has vouchers is not stored (the validator compares the two). Budgets come from
//! #PBUDGET. A file without #RAR takes its years from its dates (see `derived_year`).
//!
//! Speed: the file is read, parsed and validated on a thread of its own, so the parse runs
//! while this thread writes (and, on PostgreSQL, while the server stores the previous rows).
//! On SQLite vouchers and transaction lines are written with 64-row INSERTs from typed binds;
//! on PostgreSQL they are encoded straight into binary `COPY` data (`pgcopy.rs`) and sent a
//! few megabytes at a time. Voucher ids (on PostgreSQL line ids too) are handed out by the
//! import (it holds the write lock), accounts and object sets are looked up once and then
//! found in in-memory maps, and foreign keys are not enforced while the import writes (the
//! keys all come from rows it just found or wrote).

use crate::db::{params, Connection, Dialect, OptionalExtension, TransactionBehavior};
use crate::objset;
use crate::pgcopy::CopyRows;
use crate::time::now_utc;
use crate::types::{ImportOptions, ImportReport, ImportStatus};
use crate::{hex, Progress, StoreError};
use delar_core::accounts::is_balance_typed;
use delar_core::{AccountMapping, Date, FinancialYear};
use delar_sie::{
    BalanceKind, Checked, Encoding, Finding, Findings, ObjectRef, PeriodKind, ReadOptions, Record,
    Severity, SieStream, TransKind, Voucher,
};
use postgres::types::Type as PgType;
use rusqlite::Statement;
use sha2::{Digest, Sha256};
use std::cell::RefCell;
use std::collections::{BTreeMap, BTreeSet, HashMap, HashSet};
use std::io::{BufReader, Read};

/// How often (in records) the progress callback is called.
const PROGRESS_EVERY: u64 = 65_536;

/// The kinds of data a batch carries per financial year; a newer batch replaces an older one's
/// part of the same kind and year.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub(crate) enum Part {
    Vouchers,
    Balances,
    Outcome,
    Budget,
}

impl Part {
    fn as_str(self) -> &'static str {
        match self {
            Part::Vouchers => "vouchers",
            Part::Balances => "balances",
            Part::Outcome => "outcome",
            Part::Budget => "budget",
        }
    }
}

/// Reads through to an inner reader and, when asked, hashes every byte read.
struct Tee<'a> {
    inner: &'a mut dyn Read,
    hasher: Option<&'a RefCell<Sha256>>,
}

impl Read for Tee<'_> {
    fn read(&mut self, buf: &mut [u8]) -> std::io::Result<usize> {
        let n = self.inner.read(buf)?;
        if let Some(h) = self.hasher {
            h.borrow_mut().update(&buf[..n]);
        }
        Ok(n)
    }
}

/// Key of a monthly aggregate: (financial year id, period YYYYMM, account id, object set id).
type MonthKey = (i64, i32, i64, i64);

/// Monthly aggregates kept in memory per kind before they are written to a temporary table and
/// the map is emptied: bounds the import's memory whatever the number of account × object-set
/// × month combinations (a large municipality has millions). About 10 MB per map.
const SPILL_AT: usize = 200_000;

thread_local! {
    static SPILL_OVERRIDE: std::cell::Cell<Option<usize>> = const { std::cell::Cell::new(None) };
}

/// For tests: spill the monthly sums after `n` keys in imports on this thread (`None`: the
/// default), so the spilled path can be compared with the in-memory one on small files.
#[doc(hidden)]
pub fn set_spill_threshold(n: Option<usize>) {
    SPILL_OVERRIDE.with(|c| c.set(n));
}

fn spill_at() -> usize {
    SPILL_OVERRIDE.with(|c| c.get()).unwrap_or(SPILL_AT)
}

/// Which monthly map: outcome from transactions, #PSALDO, #PBUDGET.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Sums {
    Trans = 0,
    Psaldo = 1,
    Pbudget = 2,
}

/// The import's in-memory maps index caches by keys from the file: the Fx hash, not SipHash.
type FxMap<K, V> = delar_sie::intern::FxHashMap<K, V>;

/// An account seen in this import.
#[derive(Clone, Copy)]
struct AccountEntry {
    id: i64,
    /// True for result accounts (they have a group; their transactions feed monthly outcome).
    result: bool,
}

/// How a financial year was found for data the file gives no #RAR for.
#[derive(Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
enum Derived {
    /// A financial year already in the database contains the dates.
    Stored,
    /// The calendar year of the dates.
    Calendar,
    /// A broken year before the current one (the same months, whole years earlier).
    Shifted,
}

/// A balance record (#IB, #UB, #RES, #OIB, #OUB) of a file without #RAR, kept until the
/// vouchers have told which year is the current one: (kind label, year index, account id,
/// object set id, amount in öre, quantity).
type PendingBalance = (&'static str, i32, i64, i64, i64, Option<f64>);

/// How an import ended before commit.
enum Done {
    Imported(Box<ImportReport>),
    Unchanged(Box<ImportReport>),
    Invalid(StoreError),
}

/// Import an SIE file into the database; see the module documentation for the semantics.
pub(crate) fn import(
    conn: &mut Connection,
    input: &mut (dyn Read + Send),
    file_name: &str,
    sha256: Option<&str>,
    options: &ImportOptions,
    progress: Option<Progress<'_>>,
) -> Result<ImportReport, StoreError> {
    let Some(lite) = conn.sqlite() else {
        // PostgreSQL: the bulk tables have no foreign keys to switch off (see pg/schema.rs).
        return import_in_transaction(conn, input, file_name, sha256, options, progress);
    };
    // Foreign keys are not enforced during the bulk insert (every key the import writes comes
    // from a row it found or inserted in the same transaction); enforcing them costs three
    // index lookups per transaction line. The pragma is a no-op inside a transaction, so it
    // is switched around it, and back on whatever happens.
    lite.pragma_update(None, "foreign_keys", "OFF")?;
    let result = import_in_transaction(conn, input, file_name, sha256, options, progress);
    let restored =
        conn.sqlite()
            .expect("an SQLite connection")
            .pragma_update(None, "foreign_keys", "ON");
    let report = result?;
    restored?;
    Ok(report)
}

fn import_in_transaction(
    conn: &mut Connection,
    input: &mut (dyn Read + Send),
    file_name: &str,
    sha256: Option<&str>,
    options: &ImportOptions,
    progress: Option<Progress<'_>>,
) -> Result<ImportReport, StoreError> {
    let tx = conn.transaction_with_behavior(TransactionBehavior::Immediate)?;
    let done = {
        let mapping = crate::sqlite::ensure_mapping(&tx)?;
        let mut imp = Importer::new(&tx, mapping, file_name, sha256)?;
        imp.run(input, options, progress)?
    };
    match done {
        Done::Imported(report) => {
            tx.commit()?;
            Ok(*report)
        }
        Done::Unchanged(report) => {
            tx.rollback()?;
            Ok(*report)
        }
        Done::Invalid(err) => {
            tx.rollback()?;
            Err(err)
        }
    }
}

/// Records per message from the parser thread to the importer.
const PARSED_BATCH: usize = 1024;

/// Messages the parser thread may run ahead of the importer (bounds the memory in flight: a
/// voucher record with its lines takes a kilobyte or two).
const PARSED_QUEUE: usize = 4;

/// Records read by the parser thread, with the line each was found on.
struct Parsed {
    records: Vec<(Record, u64)>,
    /// Bytes of the file read when the last record was.
    bytes_read: u64,
    /// The encoding detected so far.
    encoding: Encoding,
    /// The encoding detected when the first record after the header was read (in the batch
    /// that has it).
    data_encoding: Option<Encoding>,
}

/// What the parser thread returns once the file is read.
struct ReadDone {
    checked: Checked,
    /// The SHA-256 of every byte of the input, when asked for.
    hash: Option<String>,
    bytes_read: u64,
}

/// How the streaming part of an import ended.
enum Streamed {
    /// The file is already imported and in force.
    Unchanged(Box<ImportReport>),
    /// Every record was handed over.
    Read {
        read: Box<ReadDone>,
        /// Whether a record after the header was seen.
        header_done: bool,
    },
}

/// The parser thread: reads, parses and validates `input`, sending its records in batches,
/// then hashes what the reader left unread (when `hash`). Stops early, without error, when the
/// receiver is gone.
fn parse(
    input: &mut (dyn Read + Send),
    hash: bool,
    strict: bool,
    mapping: AccountMapping,
    tx: std::sync::mpsc::SyncSender<Parsed>,
) -> std::io::Result<Option<ReadDone>> {
    let hasher = RefCell::new(Sha256::new());
    let tee = Tee {
        inner: &mut *input,
        hasher: if hash { Some(&hasher) } else { None },
    };
    // The validator warns about result accounts outside the groups with their amounts
    // (`ungrouped-account`); the import puts them in "Ej kontogrupperat".
    let mut stream = SieStream::with_mapping(
        BufReader::with_capacity(1 << 16, tee),
        ReadOptions { strict },
        mapping,
    );
    let mut records = Vec::with_capacity(PARSED_BATCH);
    let mut data_encoding = None;
    let mut data_seen = false;
    while let Some(rec) = stream.next() {
        if !data_seen && !is_header(&rec) {
            data_seen = true;
            data_encoding = Some(stream.encoding());
        }
        records.push((rec, stream.line()));
        if records.len() == PARSED_BATCH {
            let batch = Parsed {
                records: std::mem::replace(&mut records, Vec::with_capacity(PARSED_BATCH)),
                bytes_read: stream.bytes_read(),
                encoding: stream.encoding(),
                data_encoding: data_encoding.take(),
            };
            if tx.send(batch).is_err() {
                // The importer stopped (an unchanged file, an error): nothing more to read.
                return Ok(None);
            }
        }
    }
    let bytes_read = stream.bytes_read();
    if !records.is_empty() {
        let batch = Parsed {
            records,
            bytes_read,
            encoding: stream.encoding(),
            data_encoding,
        };
        if tx.send(batch).is_err() {
            return Ok(None);
        }
    }
    drop(tx);
    let checked = stream.finish();
    // The reader may stop before the end of the input; the hash covers every byte.
    let hash = if hash {
        let mut rest = Tee {
            inner: input,
            hasher: Some(&hasher),
        };
        std::io::copy(&mut rest, &mut std::io::sink())?;
        Some(hex(&hasher.into_inner().finalize()))
    } else {
        None
    };
    Ok(Some(ReadDone {
        checked,
        hash,
        bytes_read,
    }))
}

struct Importer<'c> {
    conn: &'c Connection,
    mapping: AccountMapping,
    file_name: String,
    sha256: Option<String>,
    batch_id: i64,

    // Header.
    orgnr: Option<String>,
    company: Option<String>,
    /// #PROGRAM's name: part of the source of a file without #RAR.
    program: Option<String>,
    source: Option<String>,
    /// #RAR index → (financial year id, year), and the same in file order.
    years: HashMap<i32, (i64, FinancialYear)>,
    year_list: Vec<(i64, FinancialYear)>,
    last_voucher_year: Option<(i64, FinancialYear)>,

    // Caches of surrogate keys (everything in them was seen in this file).
    accounts: FxMap<String, AccountEntry>,
    objects: HashMap<(u32, String), i64>,
    dims: HashSet<u32>,
    sets: FxMap<Vec<ObjectRef>, i64>,
    empty_set: Option<i64>,

    // Data gathered while streaming.
    trans_monthly: FxMap<MonthKey, i64>,
    psaldo: FxMap<MonthKey, i64>,
    pbudget: FxMap<MonthKey, i64>,
    part_rows: BTreeMap<(i64, Part), u64>,
    /// Whether a map has been spilled to `temp.monthly_spill` (index: [`Sums`]).
    spilled: [bool; 3],
    vouchers: u64,
    transactions: u64,
    /// The store's own findings, capped like the reader's (counted past the cap, not kept).
    findings: Findings,
    /// Year indexes already reported as missing (each once).
    missing_years: HashSet<i32>,
    /// Financial years found from dates because the file has no #RAR for them.
    derived: Vec<(FinancialYear, i64, Derived)>,
    /// The latest voucher date and period, for the current year of a file without #RAR.
    latest_date: Option<Date>,
    /// Balance records of a file without #RAR 0, stored once the year is known.
    pending_balances: Vec<PendingBalance>,
    line: u64,

    // Hot statements and the rows waiting for a multi-row insert (SQLite).
    bulk: Option<SqliteBulk<'c>>,
    next_voucher_id: i64,
    voucher_buf: Vec<VoucherRow>,
    trans_buf: Vec<TransRow>,
    /// PostgreSQL: the vouchers and transaction lines waiting for their `COPY`, encoded.
    pg: Option<PgRows>,
}

/// PostgreSQL: rows encoded for `COPY … FROM STDIN BINARY` as they are read.
struct PgRows {
    vouchers: CopyRows,
    trans: CopyRows,
    /// The next transaction line's id: handed out here like the vouchers' (the import holds
    /// the write lock), so the server evaluates no identity default per row.
    next_trans_id: i64,
    /// Whether the primary keys of `voucher` and `trans` were dropped for this import (both
    /// tables were empty) and are built again at its end.
    keys_deferred: bool,
}

/// Rows per multi-row INSERT: one statement execution per 64 rows costs far less than 64.
const BATCH: usize = 64;

/// Bytes of encoded transaction lines per `COPY … FROM STDIN BINARY` on PostgreSQL (the
/// vouchers buffered meanwhile go in a `COPY` of their own just before): large enough that
/// the round trips do not count, small enough that the parser thread's queue covers the time
/// the server takes to store them.
const PG_COPY_BYTES: usize = 4 << 20;

/// SQLite's prepared multi-row inserts of vouchers and transaction lines.
struct SqliteBulk<'c> {
    ins_voucher: Statement<'c>,
    ins_vouchers: Statement<'c>,
    ins_trans: Statement<'c>,
    ins_transes: Statement<'c>,
}

/// Where [`Importer::copy_monthly`] writes.
enum MonthlyCopy<'a> {
    /// The spill table, for one map.
    Spill(Sums),
    /// The `monthly` table, with its kind and origin.
    Monthly { kind: &'a str, origin: &'a str },
}

/// The error of a write to a `COPY`: `postgres::CopyInWriter` fails only with the driver's
/// error (a lost connection, say), which it wraps in an `io::Error`.
fn copy_error(e: std::io::Error) -> StoreError {
    match e
        .into_inner()
        .map(|inner| inner.downcast::<postgres::Error>())
    {
        Some(Ok(pg)) => StoreError::from(*pg),
        _ => unreachable!("postgres::CopyInWriter fails only with postgres::Error"),
    }
}

/// PostgreSQL: when `voucher` and `trans` are empty (a first import), drop their primary keys
/// so that the `COPY`s only append, and say so; the import builds them again before it
/// commits (one sorted pass instead of an index insert per row), and a rollback restores
/// them. The drop holds an exclusive lock on the two tables until the import ends.
fn defer_keys(conn: &Connection) -> Result<bool, StoreError> {
    let empty: bool = conn.query_row(
        "SELECT NOT EXISTS (SELECT 1 FROM voucher) AND NOT EXISTS (SELECT 1 FROM trans)",
        [],
        |r| r.get(0),
    )?;
    if empty {
        conn.execute_batch(
            "ALTER TABLE voucher DROP CONSTRAINT voucher_pkey;
             ALTER TABLE trans DROP CONSTRAINT trans_pkey;",
        )?;
    }
    Ok(empty)
}

/// Whether an error is an integer overflow (a sum too large for 64 bits).
fn is_overflow(e: &crate::db::Error) -> bool {
    match e {
        crate::db::Error::Sqlite(rusqlite::Error::SqliteFailure(_, Some(m))) => {
            m.contains("overflow")
        }
        crate::db::Error::Pg(p) => {
            p.code() == Some(&postgres::error::SqlState::NUMERIC_VALUE_OUT_OF_RANGE)
        }
        _ => false,
    }
}

/// The temporary table of spilled monthly sums, as named on each backend.
fn spill_table(conn: &Connection) -> &'static str {
    match conn.dialect() {
        Dialect::Sqlite => "temp.monthly_spill",
        Dialect::Postgres => "pg_temp.monthly_spill",
    }
}

const VOUCHER_COLS: &str =
    "INSERT INTO voucher (id, batch_id, financial_year_id, series, number, date, text, reg_date, sign) VALUES ";
const VOUCHER_PARAMS: usize = 9;
const TRANS_COLS: &str =
    "INSERT INTO trans (voucher_id, kind, account_id, object_set_id, amount_ore, date, text, quantity, sign) VALUES ";
const TRANS_PARAMS: usize = 9;

/// `INSERT … VALUES (?, …), (?, …)` for `rows` rows of `params` parameters.
fn multi_insert(head: &str, params: usize, rows: usize) -> String {
    let one = format!("({})", vec!["?"; params].join(", "));
    format!("{head}{}", vec![one; rows].join(", "))
}

/// A voucher waiting to be inserted (its id is assigned up front).
struct VoucherRow {
    id: i64,
    year: i64,
    series: String,
    number: Option<String>,
    date: String,
    text: Option<String>,
    reg_date: Option<String>,
    sign: Option<String>,
}

/// A transaction line waiting to be inserted.
struct TransRow {
    voucher_id: i64,
    kind: &'static str,
    account_id: i64,
    set_id: i64,
    amount: i64,
    date: Option<String>,
    text: Option<delar_sie::Code>,
    quantity: Option<f64>,
    sign: Option<delar_sie::Code>,
}

fn bind_voucher(
    st: &mut Statement<'_>,
    base: usize,
    batch: i64,
    r: &VoucherRow,
) -> rusqlite::Result<()> {
    st.raw_bind_parameter(base + 1, r.id)?;
    st.raw_bind_parameter(base + 2, batch)?;
    st.raw_bind_parameter(base + 3, r.year)?;
    st.raw_bind_parameter(base + 4, r.series.as_str())?;
    st.raw_bind_parameter(base + 5, r.number.as_deref())?;
    st.raw_bind_parameter(base + 6, r.date.as_str())?;
    st.raw_bind_parameter(base + 7, r.text.as_deref())?;
    st.raw_bind_parameter(base + 8, r.reg_date.as_deref())?;
    st.raw_bind_parameter(base + 9, r.sign.as_deref())
}

fn bind_trans(st: &mut Statement<'_>, base: usize, r: &TransRow) -> rusqlite::Result<()> {
    st.raw_bind_parameter(base + 1, r.voucher_id)?;
    st.raw_bind_parameter(base + 2, r.kind)?;
    st.raw_bind_parameter(base + 3, r.account_id)?;
    st.raw_bind_parameter(base + 4, r.set_id)?;
    st.raw_bind_parameter(base + 5, r.amount)?;
    st.raw_bind_parameter(base + 6, r.date.as_deref())?;
    st.raw_bind_parameter(base + 7, r.text.as_deref())?;
    st.raw_bind_parameter(base + 8, r.quantity)?;
    st.raw_bind_parameter(base + 9, r.sign.as_deref())
}

impl<'c> Importer<'c> {
    fn new(
        conn: &'c Connection,
        mapping: AccountMapping,
        file_name: &str,
        sha256: Option<&str>,
    ) -> Result<Importer<'c>, StoreError> {
        let batch_id: i64 = conn.query_row(
            "INSERT INTO import_batch (source, file_name, sha256, imported_at, status)
             VALUES ('', ?1, ?2, ?3, 'active') RETURNING id",
            params![file_name, sha256.unwrap_or(""), now_utc()],
            |r| r.get(0),
        )?;
        conn.execute_batch(&format!(
            "CREATE TEMP TABLE IF NOT EXISTS monthly_spill (
                 sums BIGINT NOT NULL, fy BIGINT NOT NULL, period BIGINT NOT NULL,
                 account BIGINT NOT NULL, object_set BIGINT NOT NULL, amount BIGINT NOT NULL);
             DELETE FROM {};",
            spill_table(conn)
        ))?;
        let bulk = match conn.sqlite() {
            Some(lite) => Some(SqliteBulk {
                ins_voucher: lite.prepare(&multi_insert(VOUCHER_COLS, VOUCHER_PARAMS, 1))?,
                ins_vouchers: lite.prepare(&multi_insert(VOUCHER_COLS, VOUCHER_PARAMS, BATCH))?,
                ins_trans: lite.prepare(&multi_insert(TRANS_COLS, TRANS_PARAMS, 1))?,
                ins_transes: lite.prepare(&multi_insert(TRANS_COLS, TRANS_PARAMS, BATCH))?,
            }),
            None => None,
        };
        let pg = match conn.dialect() {
            Dialect::Sqlite => None,
            Dialect::Postgres => Some(PgRows {
                keys_deferred: defer_keys(conn)?,
                vouchers: CopyRows::with_capacity(PG_COPY_BYTES / 2),
                trans: CopyRows::with_capacity(PG_COPY_BYTES + (64 << 10)),
                next_trans_id: conn.query_row(
                    "SELECT COALESCE(MAX(id), 0) + 1 FROM trans",
                    [],
                    |r| r.get(0),
                )?,
            }),
        };
        Ok(Importer {
            conn,
            mapping,
            file_name: file_name.to_string(),
            sha256: sha256.map(str::to_string),
            batch_id,
            orgnr: None,
            company: None,
            program: None,
            source: None,
            years: HashMap::new(),
            year_list: Vec::new(),
            last_voucher_year: None,
            accounts: FxMap::default(),
            objects: HashMap::new(),
            dims: HashSet::new(),
            sets: FxMap::default(),
            empty_set: None,
            trans_monthly: FxMap::default(),
            psaldo: FxMap::default(),
            pbudget: FxMap::default(),
            part_rows: BTreeMap::new(),
            spilled: [false; 3],
            vouchers: 0,
            transactions: 0,
            findings: Findings::default(),
            missing_years: HashSet::new(),
            derived: Vec::new(),
            latest_date: None,
            pending_balances: Vec::new(),
            line: 0,
            bulk,
            // The import holds the write lock, so ids can be handed out here.
            next_voucher_id: conn.query_row(
                "SELECT COALESCE(MAX(id), 0) + 1 FROM voucher",
                [],
                |r| r.get(0),
            )?,
            voucher_buf: Vec::with_capacity(BATCH),
            trans_buf: Vec::with_capacity(BATCH),
            pg,
        })
    }

    fn run(
        &mut self,
        input: &mut (dyn Read + Send),
        options: &ImportOptions,
        mut progress: Option<Progress<'_>>,
    ) -> Result<Done, StoreError> {
        // The file is read, parsed and validated on a thread of its own while this one looks
        // up keys and writes rows: on PostgreSQL the parse runs while the server takes in the
        // previous rows, on SQLite while the rows go into the B-trees.
        let hash_here = self.sha256.is_none();
        let strict = options.strict;
        let mapping = self.mapping.clone();
        let streamed = std::thread::scope(|scope| -> Result<Streamed, StoreError> {
            let (tx, rx) = std::sync::mpsc::sync_channel::<Parsed>(PARSED_QUEUE);
            let parser = scope.spawn(move || parse(input, hash_here, strict, mapping, tx));
            let mut header_done = false;
            let mut since_progress: u64 = 0;
            for parsed in &rx {
                since_progress += parsed.records.len() as u64;
                for (rec, line) in parsed.records {
                    self.line = line;
                    if !header_done && !is_header(&rec) {
                        header_done = true;
                        let encoding = parsed.data_encoding.unwrap_or(parsed.encoding);
                        if let Some(report) = self.header_done(options, encoding.label())? {
                            // Dropping the receiver stops the parser.
                            return Ok(Streamed::Unchanged(report));
                        }
                    }
                    self.record(rec)?;
                }
                if since_progress >= PROGRESS_EVERY {
                    since_progress = 0;
                    if let Some(p) = progress.as_mut() {
                        p(parsed.bytes_read);
                    }
                }
            }
            let read = match parser.join() {
                Ok(Ok(Some(read))) => read,
                // The parser stops early only when nobody receives, and this loop did.
                Ok(Ok(None)) => unreachable!("the parser stopped while its records were read"),
                Ok(Err(e)) => return Err(StoreError::io(std::path::Path::new(&self.file_name), e)),
                Err(panic) => std::panic::resume_unwind(panic),
            };
            if let Some(p) = progress.as_mut() {
                p(read.bytes_read);
            }
            Ok(Streamed::Read {
                read: Box::new(read),
                header_done,
            })
        })?;
        let (checked, late_hash, header_done) = match streamed {
            Streamed::Unchanged(report) => return Ok(Done::Unchanged(report)),
            Streamed::Read { read, header_done } => (read.checked, read.hash, header_done),
        };
        self.flush_vouchers()?;
        self.flush_trans()?;
        if self.pg.as_ref().is_some_and(|pg| pg.keys_deferred) {
            self.conn.execute_batch(
                "ALTER TABLE voucher ADD CONSTRAINT voucher_pkey PRIMARY KEY (id);
                 ALTER TABLE trans ADD CONSTRAINT trans_pkey PRIMARY KEY (id);",
            )?;
        }
        self.store_pending_balances()?;
        let hashed_late = late_hash.is_some();
        if let Some(hash) = late_hash {
            self.sha256 = Some(hash);
            self.conn.execute(
                "UPDATE import_batch SET sha256 = ?1 WHERE id = ?2",
                params![self.sha256, self.batch_id],
            )?;
        }
        let encoding = checked.encoding.label();
        if !header_done {
            if let Some(report) = self.header_done(options, encoding)? {
                return Ok(Done::Unchanged(report));
            }
        } else if hashed_late {
            if let Some(report) = self.unchanged(encoding)? {
                return Ok(Done::Unchanged(report));
            }
        }

        let mut findings: Findings = checked.findings;
        if let Some(f) = self.derived_year_finding() {
            // Says exactly which year was used, where the validator could only say how.
            findings.retain(|f| f.code != "no-year");
            findings.push_kept(f);
        }
        for f in std::mem::take(&mut self.findings).list() {
            findings.push(f.clone());
        }
        findings.sort();
        if findings.errors() > 0 {
            return Ok(Done::Invalid(StoreError::Invalid {
                file: self.file_name.clone(),
                errors: findings.errors(),
                findings: findings.list().to_vec(),
            }));
        }

        // Monthly aggregates.
        let voucher_years: HashSet<i64> = self
            .part_rows
            .keys()
            .filter(|(_, p)| *p == Part::Vouchers)
            .map(|(y, _)| *y)
            .collect();
        for &y in &voucher_years {
            self.part_rows.entry((y, Part::Outcome)).or_insert(0);
        }
        let months_trans = self.insert_monthly(Sums::Trans, "outcome", "trans", Part::Outcome)?;
        // #PSALDO is not stored for years whose vouchers the file has.
        let mut skipped_years: BTreeSet<i64> = BTreeSet::new();
        self.psaldo.retain(|k, _| {
            let keep = !voucher_years.contains(&k.0);
            if !keep {
                skipped_years.insert(k.0);
            }
            keep
        });
        if self.spilled[Sums::Psaldo as usize] {
            for &y in &voucher_years {
                let n = self.conn.execute(
                    &format!(
                        "DELETE FROM {} WHERE sums = ?1 AND fy = ?2",
                        spill_table(self.conn)
                    ),
                    params![Sums::Psaldo as i64, y],
                )?;
                if n > 0 {
                    skipped_years.insert(y);
                }
            }
        }
        for y in skipped_years {
            let fy = self.year_by_id(y);
            findings.push(Finding::file(
                Severity::Info,
                "psaldo-ignored",
                format!(
                    "#PSALDO för räkenskapsåret {} lagras inte eftersom filen har \
                     verifikationer för året; utfallet per månad räknas från transaktionerna",
                    fy.map(|f| format!("{}–{}", f.start, f.end))
                        .unwrap_or_default()
                ),
            ));
        }
        let months_psaldo =
            self.insert_monthly(Sums::Psaldo, "outcome", "psaldo", Part::Outcome)?;
        let months_budget =
            self.insert_monthly(Sums::Pbudget, "budget", "pbudget", Part::Budget)?;
        let months_outcome = months_trans.union(&months_psaldo).count() as u64;
        let months_budget = months_budget.len() as u64;

        // Replace earlier batches' parts.
        let source = self.source.clone().unwrap_or_default();
        let mut replaced: BTreeSet<i64> = BTreeSet::new();
        {
            let mut upd = self.conn.prepare(
                "UPDATE batch_part SET replaced_by = ?1
                 WHERE financial_year_id = ?2 AND part = ?3 AND replaced_by IS NULL
                   AND batch_id <> ?1
                   AND batch_id IN (SELECT id FROM import_batch WHERE source = ?4)
                 RETURNING batch_id",
            )?;
            let mut ins = self.conn.prepare(
                "INSERT INTO batch_part (batch_id, financial_year_id, part, rows_count)
                 VALUES (?1, ?2, ?3, ?4)",
            )?;
            for (&(year, part), &rows) in &self.part_rows {
                let ids = upd
                    .query_map(params![self.batch_id, year, part.as_str(), source], |r| {
                        r.get::<_, i64>(0)
                    })?
                    .collect::<Result<Vec<i64>, _>>()?;
                replaced.extend(ids);
                ins.execute(params![self.batch_id, year, part.as_str(), rows as i64])?;
            }
            let mut retire = self.conn.prepare(
                "UPDATE import_batch SET status = 'replaced', replaced_by = ?1
                 WHERE id = ?2 AND NOT EXISTS
                   (SELECT 1 FROM batch_part p WHERE p.batch_id = ?2 AND p.replaced_by IS NULL)",
            )?;
            for &b in &replaced {
                retire.execute(params![self.batch_id, b])?;
            }
        }

        // Organisation and the batch row.
        let organisation = self.organisation()?;
        let summary = &checked.summary;
        let warnings = findings.warnings();
        let report = ImportReport {
            batch_id: self.batch_id,
            source,
            file_name: self.file_name.clone(),
            sha256: self.sha256.clone().unwrap_or_default(),
            status: if replaced.is_empty() {
                ImportStatus::Imported
            } else {
                ImportStatus::Replaced
            },
            replaced_batches: replaced.into_iter().collect(),
            sie_type: summary.sie_type_label.clone(),
            encoding: encoding.to_string(),
            program: summary.program.clone(),
            years: self.sorted_years(),
            accounts: self.accounts.len() as u64,
            objects: self.objects.len() as u64,
            vouchers: self.vouchers,
            transactions: self.transactions,
            months_outcome,
            months_budget,
            warnings,
            findings: findings.list().to_vec(),
        };
        self.conn.execute(
            "UPDATE import_batch SET source = ?2, organisation_id = ?3, sie_type = ?4,
               encoding = ?5, program = ?6, vouchers = ?7, transactions = ?8, accounts = ?9,
               objects = ?10, months_outcome = ?11, months_budget = ?12, warnings = ?13
             WHERE id = ?1",
            params![
                self.batch_id,
                report.source,
                organisation,
                if report.sie_type.is_empty() {
                    None
                } else {
                    Some(&report.sie_type)
                },
                report.encoding,
                report.program,
                report.vouchers as i64,
                report.transactions as i64,
                report.accounts as i64,
                report.objects as i64,
                report.months_outcome as i64,
                report.months_budget as i64,
                report.warnings as i64,
            ],
        )?;
        Ok(Done::Imported(Box::new(report)))
    }

    /// Called once the header records are read: fixes the source and, when the hash is
    /// already known, stops early if the file is already imported and in force.
    fn header_done(
        &mut self,
        options: &ImportOptions,
        encoding: &str,
    ) -> Result<Option<Box<ImportReport>>, StoreError> {
        let base = self
            .orgnr
            .clone()
            .filter(|s| !s.trim().is_empty())
            .or_else(|| self.company.clone().filter(|s| !s.trim().is_empty()))
            .unwrap_or_else(|| self.file_name.clone());
        // A file without #RAR is an export from a subsystem (payroll, invoicing, a cash
        // register): its vouchers go beside the main ledger's, not in place of them, so its
        // source names the program as well.
        let base = if self.years.is_empty() {
            let program = self
                .program
                .clone()
                .filter(|s| !s.trim().is_empty())
                .unwrap_or_else(|| "utan #RAR".to_string());
            format!("{base} – {program}")
        } else {
            base
        };
        let source = options
            .source
            .clone()
            .filter(|s| !s.trim().is_empty())
            .unwrap_or(base);
        self.conn.execute(
            "UPDATE import_batch SET source = ?1 WHERE id = ?2",
            params![source, self.batch_id],
        )?;
        self.source = Some(source);
        if self.sha256.is_some() {
            self.unchanged(encoding)
        } else {
            Ok(None)
        }
    }

    /// The report for an unchanged file, when a batch of the same source with the same hash
    /// is fully in force.
    fn unchanged(&self, encoding: &str) -> Result<Option<Box<ImportReport>>, StoreError> {
        let row = self
            .conn
            .query_row(
                "SELECT b.id, b.sie_type, b.program, b.accounts, b.objects, b.vouchers,
                        b.transactions, b.months_outcome, b.months_budget, b.warnings
                 FROM import_batch b
                 WHERE b.source = ?1 AND b.sha256 = ?2 AND b.status = 'active' AND b.id <> ?3
                   AND NOT EXISTS (SELECT 1 FROM batch_part p
                                   WHERE p.batch_id = b.id AND p.replaced_by IS NOT NULL)
                 ORDER BY b.id DESC LIMIT 1",
                params![self.source, self.sha256, self.batch_id],
                |r| {
                    Ok(ImportReport {
                        batch_id: r.get(0)?,
                        source: self.source.clone().unwrap_or_default(),
                        file_name: self.file_name.clone(),
                        sha256: self.sha256.clone().unwrap_or_default(),
                        status: ImportStatus::Unchanged,
                        replaced_batches: Vec::new(),
                        sie_type: r.get::<_, Option<String>>(1)?.unwrap_or_default(),
                        encoding: encoding.to_string(),
                        program: r.get(2)?,
                        years: self.sorted_years(),
                        accounts: r.get::<_, i64>(3)? as u64,
                        objects: r.get::<_, i64>(4)? as u64,
                        vouchers: r.get::<_, i64>(5)? as u64,
                        transactions: r.get::<_, i64>(6)? as u64,
                        months_outcome: r.get::<_, i64>(7)? as u64,
                        months_budget: r.get::<_, i64>(8)? as u64,
                        warnings: r.get::<_, i64>(9)? as u64,
                        findings: Vec::new(),
                    })
                },
            )
            .optional()?;
        Ok(row.map(Box::new))
    }

    fn record(&mut self, rec: Record) -> Result<(), StoreError> {
        match rec {
            Record::OrgNumber { orgnr, .. } => self.orgnr = Some(orgnr),
            Record::Program { name, .. } => self.program = Some(name),
            Record::CompanyName(name) => self.company = Some(name),
            Record::FinancialYear { index, start, end } => {
                let id: i64 = self.conn.prepare_cached(
                    "INSERT INTO financial_year (start_date, end_date) VALUES (?1, ?2)
                     ON CONFLICT (start_date, end_date) DO UPDATE SET start_date = excluded.start_date
                     RETURNING id",
                )?
                .query_row(params![start.to_string(), end.to_string()], |r| r.get(0))?;
                let fy = FinancialYear { start, end };
                self.years.insert(index, (id, fy));
                self.year_list.push((id, fy));
            }
            Record::Account { account, name } => {
                self.account(&account, Some(&name))?;
            }
            Record::AccountType { account, kind } => {
                let e = self.account(&account, None)?;
                let kind = kind.trim().to_ascii_uppercase();
                if matches!(kind.as_str(), "T" | "S" | "K" | "I") {
                    // #KTYP decides balance or result whatever the number: T/S balance
                    // accounts have no group, K/I result accounts one (or "Ej kontogrupperat").
                    let balance = is_balance_typed(&account, Some(&kind));
                    let group = self
                        .mapping
                        .classify_as(&account, balance)
                        .map(|g| g.code.clone());
                    self.conn
                        .prepare_cached(
                            "UPDATE account SET kind = ?2, group_code = ?3 WHERE id = ?1",
                        )?
                        .execute(params![e.id, kind, group])?;
                    self.accounts.insert(
                        account,
                        AccountEntry {
                            id: e.id,
                            result: !balance,
                        },
                    );
                }
            }
            Record::AccountUnit { account, unit } => {
                self.account(&account, None)?;
                self.conn
                    .prepare_cached("UPDATE account SET unit = ?2 WHERE number = ?1")?
                    .execute(params![account, unit])?;
            }
            Record::Sru { account, code } => {
                self.account(&account, None)?;
                self.conn
                    .prepare_cached("UPDATE account SET sru = ?2 WHERE number = ?1")?
                    .execute(params![account, code])?;
            }
            Record::Dimension { dim, name } => {
                self.conn
                    .prepare_cached(
                        "INSERT INTO dimension (dim, name) VALUES (?1, ?2)
                         ON CONFLICT (dim) DO UPDATE SET name = excluded.name",
                    )?
                    .execute(params![dim, name])?;
                self.dims.insert(dim);
            }
            Record::SubDimension { dim, name, parent } => {
                self.conn
                    .prepare_cached(
                        "INSERT INTO dimension (dim, name, parent) VALUES (?1, ?2, ?3)
                         ON CONFLICT (dim) DO UPDATE SET name = excluded.name,
                         parent = excluded.parent",
                    )?
                    .execute(params![dim, name, parent])?;
                self.dims.insert(dim);
            }
            Record::Object { dim, code, name } => {
                self.object(dim, &code, Some(&name))?;
            }
            Record::Balance {
                kind,
                year,
                account,
                amount,
                quantity,
            } => {
                let label = match kind {
                    BalanceKind::Opening => "IB",
                    BalanceKind::Closing => "UB",
                    BalanceKind::Result => "RES",
                };
                self.balance(label, year, &account, &[], amount.ore(), quantity)?;
            }
            Record::ObjectBalance {
                kind,
                year,
                account,
                object,
                amount,
                quantity,
            } => {
                let label = match kind {
                    BalanceKind::Opening => "OIB",
                    BalanceKind::Closing => "OUB",
                    BalanceKind::Result => "RES",
                };
                self.balance(label, year, &account, &[object], amount.ore(), quantity)?;
            }
            Record::Period {
                kind,
                year,
                period,
                account,
                objects,
                amount,
                quantity: _,
            } => {
                let fy = if self.derives_years(year) {
                    // No #RAR for the year: the month tells which financial year it is.
                    let first = period.first_day();
                    self.note_date(first);
                    self.derived_year(first)?.0
                } else {
                    let Some((fy, _)) = self.year_index(year) else {
                        return Ok(());
                    };
                    fy
                };
                let acc = self.account(&account, None)?;
                let set = self.object_set(&objects)?;
                // An annual #PBUDGET is stored with the month 00 (`YYYY00`) and periodised
                // when the budget is read.
                let period_int = match kind {
                    PeriodKind::AnnualBudget => period.year() * 100,
                    _ => period.as_int(),
                };
                let key = (fy, period_int, acc.id, set);
                let which = match kind {
                    PeriodKind::Outcome => Sums::Psaldo,
                    PeriodKind::Budget | PeriodKind::AnnualBudget => Sums::Pbudget,
                };
                if self.map(which).len() >= spill_at() {
                    self.spill(which)?;
                }
                let (map, what) = match kind {
                    PeriodKind::Outcome => (&mut self.psaldo, "#PSALDO"),
                    PeriodKind::Budget | PeriodKind::AnnualBudget => {
                        (&mut self.pbudget, "#PBUDGET")
                    }
                };
                let slot = map.entry(key).or_insert(0);
                match slot.checked_add(amount.ore()) {
                    Some(v) => *slot = v,
                    None => {
                        let message = format!(
                            "summan av {what} för konto {account} {period} blir för stor för \
                             att lagras; kontrollera beloppen (ett decimaltecken kan ha fallit \
                             bort) och exportera filen igen"
                        );
                        self.findings
                            .push(Finding::error(self.line, "amount-overflow", message));
                    }
                }
            }
            Record::Voucher(v) => self.voucher(v)?,
            _ => {}
        }
        Ok(())
    }

    fn voucher(&mut self, v: Voucher) -> Result<(), StoreError> {
        let fy = match self.voucher_year(v.date) {
            Some((fy, _)) => fy,
            // Without #RAR 0 the voucher's date gives the year (a 4I file from a payroll or
            // invoicing system); with it, the validator reports a date outside the years.
            None if !self.years.contains_key(&0) => {
                self.note_date(v.date);
                self.derived_year(v.date)?.0
            }
            None => return Ok(()),
        };
        let voucher_id = self.next_voucher_id;
        self.next_voucher_id += 1;
        let period = v.date.year_month().as_int();
        let n_trans = v.transactions.len() as u64;
        if self.pg.is_some() {
            return self.pg_voucher(v, fy, voucher_id, period, n_trans);
        }
        self.voucher_buf.push(VoucherRow {
            id: voucher_id,
            year: fy,
            series: v.series,
            number: v.number,
            date: v.date.to_string(),
            text: v.text,
            reg_date: v.reg_date.map(|d| d.to_string()),
            sign: v.sign,
        });
        if self.voucher_buf.len() >= BATCH {
            self.flush_vouchers()?;
        }
        for t in v.transactions {
            let acc = self.account(&t.account, None)?;
            let set = self.object_set(&t.objects)?;
            let kind = match t.kind {
                TransKind::Normal => "normal",
                TransKind::Added => "added",
                TransKind::Removed => "removed",
            };
            let counts = t.counts();
            let amount = t.amount.ore();
            self.trans_buf.push(TransRow {
                voucher_id,
                kind,
                account_id: acc.id,
                set_id: set,
                amount,
                date: t.date.map(|d| d.to_string()),
                text: t.text,
                quantity: t.quantity,
                sign: t.sign,
            });
            if self.trans_buf.len() >= BATCH {
                self.flush_vouchers()?;
                self.flush_trans()?;
            }
            if acc.result && counts {
                self.add_outcome(
                    (fy, period, acc.id, set),
                    amount,
                    &t.account,
                    v.line,
                    v.date.year_month(),
                )?;
            }
        }
        self.vouchers += 1;
        self.transactions += n_trans;
        *self.part_rows.entry((fy, Part::Vouchers)).or_insert(0) += 1;
        Ok(())
    }

    /// PostgreSQL: a voucher and its transaction lines encoded for their `COPY`s, its
    /// outcome added to the monthly sums (as [`Importer::voucher`] does for SQLite).
    fn pg_voucher(
        &mut self,
        v: Voucher,
        fy: i64,
        voucher_id: i64,
        period: i32,
        n_trans: u64,
    ) -> Result<(), StoreError> {
        let batch_id = self.batch_id;
        {
            let r = &mut self.pg.as_mut().expect("a PostgreSQL import").vouchers;
            r.row(9);
            r.int8(voucher_id);
            r.int8(batch_id);
            r.int8(fy);
            r.text(&v.series);
            r.opt_text(v.number.as_deref());
            r.date(v.date);
            r.opt_text(v.text.as_deref());
            r.opt_date(v.reg_date);
            r.opt_text(v.sign.as_deref());
        }
        for t in &v.transactions {
            let acc = self.account(&t.account, None)?;
            let set = self.object_set(&t.objects)?;
            let kind = match t.kind {
                TransKind::Normal => "normal",
                TransKind::Added => "added",
                TransKind::Removed => "removed",
            };
            let amount = t.amount.ore();
            let pg = self.pg.as_mut().expect("a PostgreSQL import");
            let r = &mut pg.trans;
            r.row(10);
            r.int8(pg.next_trans_id);
            r.int8(voucher_id);
            r.text(kind);
            r.int8(acc.id);
            r.int8(set);
            r.int8(amount);
            r.opt_date(t.date);
            r.opt_text(t.text.as_deref());
            r.opt_float8(t.quantity);
            r.opt_text(t.sign.as_deref());
            pg.next_trans_id += 1;
            if acc.result && t.counts() {
                self.add_outcome(
                    (fy, period, acc.id, set),
                    amount,
                    &t.account,
                    v.line,
                    v.date.year_month(),
                )?;
            }
        }
        if self
            .pg
            .as_ref()
            .is_some_and(|pg| pg.trans.len() >= PG_COPY_BYTES)
        {
            self.flush_vouchers()?;
            self.flush_trans()?;
        }
        self.vouchers += 1;
        self.transactions += n_trans;
        *self.part_rows.entry((fy, Part::Vouchers)).or_insert(0) += 1;
        Ok(())
    }

    /// Add a transaction line's amount to the monthly outcome (spilling the map when full);
    /// a sum too large for 64 bits is an error finding.
    fn add_outcome(
        &mut self,
        key: MonthKey,
        amount: i64,
        account: &str,
        line: u64,
        month: delar_core::YearMonth,
    ) -> Result<(), StoreError> {
        if self.trans_monthly.len() >= spill_at() {
            self.spill(Sums::Trans)?;
        }
        let slot = self.trans_monthly.entry(key).or_insert(0);
        match slot.checked_add(amount) {
            Some(s) => *slot = s,
            None => self.findings.push(Finding::error(
                line,
                "amount-overflow",
                format!(
                    "summan för konto {account} i {month} blir för stor för att lagras; \
                     kontrollera beloppen (ett decimaltecken kan ha fallit bort) och exportera \
                     filen igen"
                ),
            )),
        }
        Ok(())
    }

    /// Insert the buffered vouchers.
    fn flush_vouchers(&mut self) -> Result<(), StoreError> {
        let Some(bulk) = self.bulk.as_mut() else {
            return self.copy_rows(
                "COPY voucher (id, batch_id, financial_year_id, series, number, date, text,
                 reg_date, sign) FROM STDIN BINARY",
                |pg| &mut pg.vouchers,
            );
        };
        let rows = std::mem::take(&mut self.voucher_buf);
        let mut chunks = rows.chunks_exact(BATCH);
        for chunk in &mut chunks {
            for (i, r) in chunk.iter().enumerate() {
                bind_voucher(&mut bulk.ins_vouchers, i * VOUCHER_PARAMS, self.batch_id, r)?;
            }
            bulk.ins_vouchers.raw_execute()?;
        }
        for r in chunks.remainder() {
            bind_voucher(&mut bulk.ins_voucher, 0, self.batch_id, r)?;
            bulk.ins_voucher.raw_execute()?;
        }
        self.voucher_buf = rows;
        self.voucher_buf.clear();
        Ok(())
    }

    /// Insert the buffered transaction lines.
    fn flush_trans(&mut self) -> Result<(), StoreError> {
        let Some(bulk) = self.bulk.as_mut() else {
            return self.copy_rows(
                "COPY trans (id, voucher_id, kind, account_id, object_set_id, amount_ore, date,
                 text, quantity, sign) FROM STDIN BINARY",
                |pg| &mut pg.trans,
            );
        };
        let rows = std::mem::take(&mut self.trans_buf);
        let mut chunks = rows.chunks_exact(BATCH);
        for chunk in &mut chunks {
            for (i, r) in chunk.iter().enumerate() {
                bind_trans(&mut bulk.ins_transes, i * TRANS_PARAMS, r)?;
            }
            bulk.ins_transes.raw_execute()?;
        }
        for r in chunks.remainder() {
            bind_trans(&mut bulk.ins_trans, 0, r)?;
            bulk.ins_trans.raw_execute()?;
        }
        self.trans_buf = rows;
        self.trans_buf.clear();
        Ok(())
    }

    fn balance(
        &mut self,
        label: &'static str,
        year: i32,
        account: &str,
        objects: &[ObjectRef],
        ore: i64,
        quantity: Option<f64>,
    ) -> Result<(), StoreError> {
        if self.derives_years(year) {
            // No #RAR for the year: stored at the end, once the vouchers tell which it is.
            let acc = self.account(account, None)?;
            let set = self.object_set(objects)?;
            self.pending_balances
                .push((label, year, acc.id, set, ore, quantity));
            return Ok(());
        }
        let Some((fy, _)) = self.year_index(year) else {
            return Ok(());
        };
        let acc = self.account(account, None)?;
        let set = self.object_set(objects)?;
        self.insert_balance(fy, label, acc.id, set, ore, quantity)?;
        *self.part_rows.entry((fy, Part::Balances)).or_insert(0) += 1;
        Ok(())
    }

    /// The financial year of a #RAR index, or an error finding when the file lacks it.
    fn year_index(&mut self, index: i32) -> Option<(i64, FinancialYear)> {
        let found = self.years.get(&index).copied();
        if found.is_none() && self.missing_years.insert(index) {
            self.findings.push(Finding::error(
                self.line,
                "missing-year",
                format!(
                    "årsindex {index} används men filen har ingen #RAR {index}, så raden kan \
                     inte lagras; lägg till #RAR {index} med räkenskapsårets första och sista \
                     dag, eller exportera filen igen med alla räkenskapsår"
                ),
            ));
        }
        found
    }

    /// The financial year containing a voucher date.
    fn voucher_year(&mut self, date: Date) -> Option<(i64, FinancialYear)> {
        if let Some((id, fy)) = self.last_voucher_year {
            if fy.contains(date) {
                return Some((id, fy));
            }
        }
        let found = self
            .year_list
            .iter()
            .find(|(_, fy)| fy.contains(date))
            .copied();
        if found.is_some() {
            self.last_voucher_year = found;
        }
        found
    }

    /// True when data of year `index` gets its financial year from dates: the file has no
    /// #RAR for it and no #RAR 0 either (a file without #RAR, or with `#RAR 0` without dates).
    fn derives_years(&self, index: i32) -> bool {
        !self.years.contains_key(&index) && !self.years.contains_key(&0)
    }

    /// Remember the latest date seen in a file without #RAR (its current year ends there).
    fn note_date(&mut self, date: Date) {
        if self.latest_date.is_none_or(|d| d < date) {
            self.latest_date = Some(date);
        }
    }

    /// The financial year for a date in a file without #RAR: one derived already, else the
    /// stored financial year containing it, else its calendar year (created).
    fn derived_year(&mut self, date: Date) -> Result<(i64, FinancialYear), StoreError> {
        self.derived_year_or(date, FinancialYear::calendar(date.year()))
    }

    /// The financial year for a date in a file without #RAR: one derived already, else the
    /// stored financial year containing it, else `new` (created).
    fn derived_year_or(
        &mut self,
        date: Date,
        new: FinancialYear,
    ) -> Result<(i64, FinancialYear), StoreError> {
        if let Some((fy, id, _)) = self.derived.iter().find(|(fy, _, _)| fy.contains(date)) {
            return Ok((*id, *fy));
        }
        let stored: Option<(i64, String, String)> = self
            .conn
            .prepare_cached(
                "SELECT id, start_date, end_date FROM financial_year
                 WHERE start_date <= ?1 AND end_date >= ?1
                 ORDER BY start_date DESC, end_date LIMIT 1",
            )?
            .query_row(params![date.to_string()], |r| {
                Ok((r.get(0)?, r.get(1)?, r.get(2)?))
            })
            .optional()?;
        let (id, fy, how) = match stored {
            Some((id, start, end)) => {
                let bad = |_| StoreError::Corrupt(format!("räkenskapsåret {start}–{end}"));
                let fy = FinancialYear {
                    start: Date::parse(&start).map_err(bad)?,
                    end: Date::parse(&end).map_err(bad)?,
                };
                (id, fy, Derived::Stored)
            }
            None => {
                let fy = new;
                let id: i64 = self
                    .conn
                    .prepare_cached(
                        "INSERT INTO financial_year (start_date, end_date) VALUES (?1, ?2)
                         ON CONFLICT (start_date, end_date) DO UPDATE
                         SET start_date = excluded.start_date RETURNING id",
                    )?
                    .query_row(params![fy.start.to_string(), fy.end.to_string()], |r| {
                        r.get(0)
                    })?;
                let how = if fy.is_calendar() {
                    Derived::Calendar
                } else {
                    Derived::Shifted
                };
                (id, fy, how)
            }
        };
        self.derived.push((fy, id, how));
        self.year_list.push((id, fy));
        Ok((id, fy))
    }

    /// Store the balance records of a file without #RAR: year 0 is the derived year of the
    /// latest voucher date (or #PSALDO month), year −n the year n years before it.
    fn store_pending_balances(&mut self) -> Result<(), StoreError> {
        if self.pending_balances.is_empty() {
            return Ok(());
        }
        let Some(latest) = self.latest_date else {
            self.findings.push(Finding::file(
                Severity::Error,
                "no-year",
                "filen saknar #RAR (räkenskapsår) och har varken verifikationer eller \
                 periodsaldon att ta året från, så saldona (#IB, #UB, #RES) kan inte lagras; \
                 lägg till #RAR 0 med räkenskapsårets första och sista dag, eller exportera \
                 filen igen med räkenskapsår",
            ));
            return Ok(());
        };
        let (_, current) = self.derived_year(latest)?;
        for (label, index, acc, set, ore, quantity) in std::mem::take(&mut self.pending_balances) {
            let fy = if index == 0 {
                self.derived_year(latest)?.0
            } else {
                // The same months, whole years earlier (a broken year stays broken).
                let back = |d: Date| {
                    let y = d.year() + index;
                    let day = d.day().min(delar_core::period::days_in_month(y, d.month()));
                    Date::new(y, d.month(), day).expect("a day within its month")
                };
                let earlier = FinancialYear {
                    start: back(current.start),
                    end: back(current.end),
                };
                self.derived_year_or(earlier.start, earlier)?.0
            };
            self.insert_balance(fy, label, acc, set, ore, quantity)?;
            *self.part_rows.entry((fy, Part::Balances)).or_insert(0) += 1;
        }
        Ok(())
    }

    /// The warning naming the financial years taken from dates, when the file has no #RAR.
    fn derived_year_finding(&self) -> Option<Finding> {
        if self.derived.is_empty() {
            return None;
        }
        let mut derived = self.derived.clone();
        derived.sort_by_key(|(fy, _, _)| (fy.start, fy.end));
        let years: Vec<String> = derived
            .iter()
            .map(|(fy, _, how)| {
                let how = match how {
                    Derived::Stored => "räkenskapsåret som redan finns i databasen",
                    Derived::Calendar => "kalenderåret",
                    Derived::Shifted => "året före",
                };
                format!("{}–{} ({how})", fy.start, fy.end)
            })
            .collect();
        Some(Finding::file(
            Severity::Warning,
            "no-rar-derived-year",
            format!(
                "filen saknar #RAR (räkenskapsår), så året togs från verifikationernas datum \
                 och periodernas månader: {}. Stämmer det inte, lägg till #RAR 0 med \
                 räkenskapsårets första och sista dag och importera filen igen. Filen lagras \
                 som en egen källa (\"{}\") bredvid huvudboken; importera den inte om \
                 huvudboken redan har samma verifikationer, då räknas de två gånger",
                years.join(", "),
                self.source.as_deref().unwrap_or_default()
            ),
        ))
    }

    fn year_by_id(&self, id: i64) -> Option<FinancialYear> {
        self.year_list
            .iter()
            .find(|(i, _)| *i == id)
            .map(|(_, fy)| *fy)
    }

    fn sorted_years(&self) -> Vec<FinancialYear> {
        let mut v: Vec<FinancialYear> = self.year_list.iter().map(|(_, fy)| *fy).collect();
        v.sort_by_key(|fy| (fy.start, fy.end));
        v.dedup();
        v
    }

    /// The id of an account, creating or renaming it; the first time an account is seen in
    /// this import it is classified with the account mapping.
    fn account(&mut self, number: &str, name: Option<&str>) -> Result<AccountEntry, StoreError> {
        if let Some(e) = self.accounts.get(number) {
            let e = *e;
            if let Some(name) = name {
                self.conn
                    .prepare_cached("UPDATE account SET name = ?2 WHERE id = ?1")?
                    .execute(params![e.id, name])?;
            }
            return Ok(e);
        }
        // The kind a #KTYP of an earlier file gave decides until this file's #KTYP says
        // otherwise; a result account no range covers goes to "Ej kontogrupperat" (the
        // validator's `ungrouped-account` warning lists those with amounts).
        let stored_kind: Option<String> = self
            .conn
            .prepare_cached("SELECT kind FROM account WHERE number = ?1")?
            .query_row(params![number], |r| r.get(0))
            .optional()?
            .flatten();
        let balance = is_balance_typed(number, stored_kind.as_deref());
        let group = self
            .mapping
            .classify_as(number, balance)
            .map(|g| g.code.clone());
        let id: i64 = self
            .conn
            .prepare_cached(
                "INSERT INTO account (number, name, group_code) VALUES (?1, ?2, ?3)
                 ON CONFLICT (number) DO UPDATE SET name = COALESCE(excluded.name, account.name),
                 group_code = excluded.group_code
                 RETURNING id",
            )?
            .query_row(params![number, name, group], |r| r.get(0))?;
        let e = AccountEntry {
            id,
            result: !balance,
        };
        self.accounts.insert(number.to_string(), e);
        Ok(e)
    }

    /// Make sure a dimension exists (dimensions used without #DIM get a standard name).
    fn dimension(&mut self, dim: u32) -> Result<(), StoreError> {
        if self.dims.insert(dim) {
            self.conn
                .prepare_cached(
                    "INSERT INTO dimension (dim, name) VALUES (?1, ?2) ON CONFLICT (dim) DO NOTHING",
                )?
                .execute(params![dim, default_dimension_name(dim)])?;
        }
        Ok(())
    }

    /// The id of an object, creating or renaming it.
    fn object(&mut self, dim: u32, code: &str, name: Option<&str>) -> Result<i64, StoreError> {
        if let Some(&id) = self.objects.get(&(dim, code.to_string())) {
            if let Some(name) = name {
                self.conn
                    .prepare_cached("UPDATE object SET name = ?2 WHERE id = ?1")?
                    .execute(params![id, name])?;
            }
            return Ok(id);
        }
        self.dimension(dim)?;
        let id: i64 = self
            .conn
            .prepare_cached(
                "INSERT INTO object (dim, code, name) VALUES (?1, ?2, ?3)
                 ON CONFLICT (dim, code) DO UPDATE SET name = COALESCE(excluded.name, object.name)
                 RETURNING id",
            )?
            .query_row(params![dim, code, name], |r| r.get(0))?;
        self.objects.insert((dim, code.to_string()), id);
        Ok(id)
    }

    /// The id of an object set (objects in any order), creating it and its objects.
    fn object_set(&mut self, objects: &[ObjectRef]) -> Result<i64, StoreError> {
        if objects.is_empty() {
            if let Some(id) = self.empty_set {
                return Ok(id);
            }
        } else if let Some(&id) = self.sets.get(objects) {
            return Ok(id);
        }
        let canon = objset::canonical(objects);
        let key = objset::key(&canon);
        let mut member_ids = Vec::with_capacity(canon.len());
        for o in &canon {
            member_ids.push(self.object(o.dim, &o.code, None)?);
        }
        let existing: Option<i64> = self
            .conn
            .prepare_cached("SELECT id FROM object_set WHERE key = ?1")?
            .query_row(params![key], |r| r.get(0))
            .optional()?;
        let id = match existing {
            Some(id) => id,
            None => {
                let id: i64 = self
                    .conn
                    .prepare_cached("INSERT INTO object_set (key) VALUES (?1) RETURNING id")?
                    .query_row(params![key], |r| r.get(0))?;
                let mut ins = self.conn.prepare_cached(
                    "INSERT INTO object_set_member (object_set_id, object_id) VALUES (?1, ?2)",
                )?;
                for m in member_ids {
                    ins.execute(params![id, m])?;
                }
                id
            }
        };
        if objects.is_empty() {
            self.empty_set = Some(id);
        } else {
            self.sets.insert(objects.to_vec(), id);
        }
        Ok(id)
    }

    fn insert_balance(
        &mut self,
        fy: i64,
        label: &str,
        account: i64,
        set: i64,
        ore: i64,
        quantity: Option<f64>,
    ) -> Result<(), StoreError> {
        self.conn
            .prepare_cached(
                "INSERT INTO balance (batch_id, financial_year_id, kind, account_id,
                 object_set_id, amount_ore, quantity) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)",
            )?
            .execute(params![
                self.batch_id,
                fy,
                label,
                account,
                set,
                ore,
                quantity
            ])?;
        Ok(())
    }

    /// PostgreSQL: the rows encoded in one of [`PgRows`]' buffers in one `COPY`.
    fn copy_rows(
        &mut self,
        sql: &str,
        rows: impl Fn(&mut PgRows) -> &mut CopyRows,
    ) -> Result<(), StoreError> {
        let rows = rows(self.pg.as_mut().expect("a PostgreSQL import"));
        if rows.rows() == 0 {
            return Ok(());
        }
        let mut client = self.conn.pg_client().expect("a PostgreSQL connection");
        let mut w = client.copy_in(sql)?;
        rows.write_to(&mut w).map_err(copy_error)?;
        w.finish()?;
        Ok(())
    }

    /// PostgreSQL: monthly sums in one `COPY … FROM STDIN BINARY`, to the spill table or to
    /// `monthly`.
    fn copy_monthly(
        &self,
        rows: &[(MonthKey, i64)],
        to: MonthlyCopy<'_>,
    ) -> Result<(), StoreError> {
        if rows.is_empty() {
            return Ok(());
        }
        let mut client = self.conn.pg_client().expect("a PostgreSQL connection");
        match to {
            MonthlyCopy::Spill(which) => {
                let sink = client.copy_in(
                    "COPY pg_temp.monthly_spill (sums, fy, period, account, object_set, amount)
                     FROM STDIN BINARY",
                )?;
                let mut w =
                    postgres::binary_copy::BinaryCopyInWriter::new(sink, &[PgType::INT8; 6]);
                let which = which as i64;
                for ((fy, period, acc, set), amount) in rows {
                    let period = *period as i64;
                    w.write(&[&which, fy, &period, acc, set, amount])?;
                }
                w.finish()?;
            }
            MonthlyCopy::Monthly { kind, origin } => {
                let sink = client.copy_in(
                    "COPY monthly (batch_id, financial_year_id, kind, period, account_id,
                     object_set_id, amount_ore, origin) FROM STDIN BINARY",
                )?;
                let mut w = postgres::binary_copy::BinaryCopyInWriter::new(
                    sink,
                    &[
                        PgType::INT8,
                        PgType::INT8,
                        PgType::TEXT,
                        PgType::INT8,
                        PgType::INT8,
                        PgType::INT8,
                        PgType::INT8,
                        PgType::TEXT,
                    ],
                );
                for ((fy, period, acc, set), amount) in rows {
                    let period = *period as i64;
                    w.write(&[
                        &self.batch_id,
                        fy,
                        &kind,
                        &period,
                        acc,
                        set,
                        amount,
                        &origin,
                    ])?;
                }
                w.finish()?;
            }
        }
        Ok(())
    }

    fn map(&mut self, which: Sums) -> &mut FxMap<MonthKey, i64> {
        match which {
            Sums::Trans => &mut self.trans_monthly,
            Sums::Psaldo => &mut self.psaldo,
            Sums::Pbudget => &mut self.pbudget,
        }
    }

    /// Move a map's sums to `temp.monthly_spill` and empty it (its capacity is kept).
    fn spill(&mut self, which: Sums) -> Result<(), StoreError> {
        let mut map = std::mem::take(self.map(which));
        if self.bulk.is_none() {
            let rows: Vec<(MonthKey, i64)> = map.drain().collect();
            self.copy_monthly(&rows, MonthlyCopy::Spill(which))?;
        } else {
            let mut ins = self.conn.prepare_cached(
                "INSERT INTO temp.monthly_spill (sums, fy, period, account, object_set, amount)
                 VALUES (?1, ?2, ?3, ?4, ?5, ?6)",
            )?;
            for ((fy, period, acc, set), amount) in map.drain() {
                ins.execute(params![which as i64, fy, period, acc, set, amount])?;
            }
        }
        *self.map(which) = map;
        self.spilled[which as usize] = true;
        Ok(())
    }

    /// Write a kind's monthly aggregates (zeros left out) and return the distinct (year,
    /// month) written. Sums spilled during the import are added up in SQL with the rest.
    fn insert_monthly(
        &mut self,
        which: Sums,
        kind: &str,
        origin: &str,
        part: Part,
    ) -> Result<HashSet<(i64, i32)>, StoreError> {
        let mut months = HashSet::new();
        if self.spilled[which as usize] {
            self.spill(which)?;
            *self.map(which) = FxMap::default();
            let added = self.conn.execute(
                &format!(
                    "INSERT INTO monthly (batch_id, financial_year_id, kind, period, account_id,
                         object_set_id, amount_ore, origin)
                     SELECT CAST(?1 AS BIGINT), fy, CAST(?2 AS TEXT), period, account,
                            object_set, SUM(amount), CAST(?3 AS TEXT)
                     FROM {} WHERE sums = ?4
                     GROUP BY fy, period, account, object_set
                     HAVING SUM(amount) <> 0
                     ORDER BY fy, period, account, object_set",
                    spill_table(self.conn)
                ),
                params![self.batch_id, kind, origin, which as i64],
            );
            match added {
                Ok(_) => {}
                Err(e) if is_overflow(&e) => {
                    // Found only when the spilled parts are added up: the import stops.
                    return Err(StoreError::Invalid {
                        file: self.file_name.clone(),
                        errors: 1,
                        findings: vec![Finding::file(
                            Severity::Error,
                            "amount-overflow",
                            format!(
                                "en månadssumma ({origin}) blir för stor för att lagras; \
                                 kontrollera beloppen i filen (ett decimaltecken kan ha \
                                 fallit bort) och exportera den igen"
                            ),
                        )],
                    });
                }
                Err(e) => return Err(e.into()),
            }
            self.conn.execute(
                &format!("DELETE FROM {} WHERE sums = ?1", spill_table(self.conn)),
                params![which as i64],
            )?;
            let mut q = self.conn.prepare_cached(
                "SELECT financial_year_id, period, COUNT(*) FROM monthly
                 WHERE batch_id = ?1 AND kind = ?2 AND origin = ?3
                 GROUP BY financial_year_id, period",
            )?;
            let rows = q
                .query_map(params![self.batch_id, kind, origin], |r| {
                    Ok((
                        r.get::<_, i64>(0)?,
                        r.get::<_, i32>(1)?,
                        r.get::<_, i64>(2)?,
                    ))
                })?
                .collect::<Result<Vec<_>, _>>()?;
            drop(q);
            for (fy, period, n) in rows {
                months.insert((fy, period));
                *self.part_rows.entry((fy, part)).or_insert(0) += n as u64;
            }
            return Ok(months);
        }
        let map = std::mem::take(self.map(which));
        let mut rows: Vec<(MonthKey, i64)> = map.into_iter().filter(|(_, v)| *v != 0).collect();
        rows.sort_unstable();
        if self.bulk.is_none() {
            self.copy_monthly(&rows, MonthlyCopy::Monthly { kind, origin })?;
            for ((fy, period, _, _), _) in rows {
                months.insert((fy, period));
                *self.part_rows.entry((fy, part)).or_insert(0) += 1;
            }
            return Ok(months);
        }
        let mut ins = self.conn.prepare_cached(
            "INSERT INTO monthly (batch_id, financial_year_id, kind, period, account_id,
             object_set_id, amount_ore, origin) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)",
        )?;
        for ((fy, period, acc, set), amount) in rows {
            ins.execute(params![
                self.batch_id,
                fy,
                kind,
                period,
                acc,
                set,
                amount,
                origin
            ])?;
            months.insert((fy, period));
            *self.part_rows.entry((fy, part)).or_insert(0) += 1;
        }
        Ok(months)
    }

    /// The organisation the file belongs to (by #ORGNR, else by #FNAMN), created or renamed.
    fn organisation(&self) -> Result<Option<i64>, StoreError> {
        let orgnr = self.orgnr.as_deref().filter(|s| !s.trim().is_empty());
        let name = self.company.as_deref().filter(|s| !s.trim().is_empty());
        if let Some(orgnr) = orgnr {
            let id = self.conn.query_row(
                "INSERT INTO organisation (orgnr, name) VALUES (?1, ?2)
                 ON CONFLICT (orgnr) DO UPDATE SET name = COALESCE(excluded.name, organisation.name)
                 RETURNING id",
                params![orgnr, name],
                |r| r.get(0),
            )?;
            return Ok(Some(id));
        }
        let Some(name) = name else { return Ok(None) };
        let existing = self
            .conn
            .query_row(
                "SELECT id FROM organisation WHERE orgnr IS NULL AND name = ?1",
                params![name],
                |r| r.get(0),
            )
            .optional()?;
        match existing {
            Some(id) => Ok(Some(id)),
            None => Ok(Some(self.conn.query_row(
                "INSERT INTO organisation (name) VALUES (?1) RETURNING id",
                params![name],
                |r| r.get(0),
            )?)),
        }
    }
}

/// True for the records that come before the chart and the data (identification, years).
fn is_header(rec: &Record) -> bool {
    matches!(
        rec,
        Record::Flag(_)
            | Record::Program { .. }
            | Record::Format(_)
            | Record::Generated { .. }
            | Record::SieType(_)
            | Record::Prose(_)
            | Record::CompanyType(_)
            | Record::CompanyId(_)
            | Record::OrgNumber { .. }
            | Record::IndustryCode(_)
            | Record::Address { .. }
            | Record::CompanyName(_)
            | Record::FinancialYear { .. }
            | Record::TaxYear(_)
            | Record::Extent(_)
            | Record::ChartType(_)
            | Record::Currency(_)
    )
}

/// Names for the dimensions SIE reserves, used when a file uses one without #DIM.
fn default_dimension_name(dim: u32) -> String {
    match dim {
        1 => "Kostnadsställe / resultatenhet".into(),
        2 => "Kostnadsbärare".into(),
        6 => "Projekt".into(),
        7 => "Anställd".into(),
        8 => "Kund".into(),
        9 => "Leverantör".into(),
        10 => "Faktura".into(),
        _ => format!("Dimension {dim}"),
    }
}
