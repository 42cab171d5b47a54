//! One connection type for both backends: an SQLite file (rusqlite) or a PostgreSQL server
//! (the synchronous `postgres` client).
//!
//! The store's modules are written once against this module's [`Connection`], whose methods
//! have rusqlite's shapes (`execute`, `query_row`, `prepare_cached` + `query_map`,
//! `transaction`, `params!`), so the same hand-written SQL and the same row handling serve both
//! databases and the two cannot drift. What differs is handled here:
//!
//! - placeholders: SQL is written with SQLite's `?1` (or `?`); for PostgreSQL they become `$1`
//!   (outside string literals and quoted names);
//! - values: parameters are rusqlite values; for PostgreSQL each is encoded as the type the
//!   server inferred for its placeholder (an integer for a `BIGINT`, `INTEGER` or `DOUBLE
//!   PRECISION` column, text for text), and every column read back becomes a rusqlite value
//!   (`NUMERIC`, e.g. `SUM()` of `BIGINT`, becomes an integer when it has no decimals), so one
//!   `FromSql` conversion reads both;
//! - transactions: a write transaction is `BEGIN IMMEDIATE` on SQLite (the write lock up front,
//!   waiting out another writer with the busy timeout) and, on PostgreSQL, `BEGIN` plus a
//!   transaction-scoped advisory lock ([`WRITE_LOCK`]), so writers queue the same way on both
//!   backends;
//! - the few statements that must differ ask [`Connection::dialect`].
//!
//! The SIE import's bulk path does not go through here row by row: it uses rusqlite's raw
//! binds on SQLite and `COPY … FROM STDIN BINARY` on PostgreSQL (see `import.rs`).

use bytes::BytesMut;
use postgres::types::{
    to_sql_checked, FromSql as PgFromSql, IsNull, ToSql as PgToSql, Type as PgType,
};
use std::cell::{Cell, RefCell};
use std::collections::HashMap;
use std::ops::Deref;

pub use rusqlite::types;
pub use rusqlite::{params, ToSql};
use types::{FromSql, Value, ValueRef};

/// The advisory lock every PostgreSQL write transaction takes (`pg_advisory_xact_lock`): the
/// counterpart of SQLite's single writer. The number is "DELR".
pub const WRITE_LOCK: i64 = 0x4445_4C52;

/// The advisory lock a PostgreSQL transaction holding [`WRITE_LOCK`] only shared takes before
/// it adds an audit row (whose id is one more than the largest, as SQLite's rowid): "DELA".
pub const AUDIT_LOCK: i64 = 0x4445_4C41;

/// Which database a connection talks to.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Dialect {
    /// An SQLite file (or memory).
    Sqlite,
    /// A PostgreSQL server.
    Postgres,
}

/// An error from either database engine, or from reading a value.
#[derive(Debug)]
pub enum Error {
    /// From SQLite.
    Sqlite(rusqlite::Error),
    /// From PostgreSQL (or the connection to it).
    Pg(postgres::Error),
    /// A query that must return a row returned none.
    QueryReturnedNoRows,
    /// A column's value could not be read as the type asked for.
    FromSqlConversionFailure(usize, types::Type, Box<dyn std::error::Error + Send + Sync>),
    /// A transaction was begun inside another (a fault in the store).
    Nested,
}

/// A result with [`Error`].
pub type Result<T, E = Error> = std::result::Result<T, E>;

impl std::fmt::Display for Error {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Error::Sqlite(e) => write!(f, "{e}"),
            Error::Pg(e) => write!(f, "{}", pg_message(e)),
            Error::QueryReturnedNoRows => f.write_str("frågan gav ingen rad"),
            Error::FromSqlConversionFailure(i, _, e) => {
                write!(f, "kolumn {i} kan inte läsas: {e}")
            }
            Error::Nested => f.write_str("en transaktion påbörjades inuti en annan"),
        }
    }
}

impl std::error::Error for Error {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        match self {
            Error::Sqlite(e) => Some(e),
            Error::Pg(e) => Some(e),
            _ => None,
        }
    }
}

impl From<rusqlite::Error> for Error {
    fn from(e: rusqlite::Error) -> Error {
        match e {
            rusqlite::Error::QueryReturnedNoRows => Error::QueryReturnedNoRows,
            rusqlite::Error::FromSqlConversionFailure(i, t, e) => {
                Error::FromSqlConversionFailure(i, t, e)
            }
            e => Error::Sqlite(e),
        }
    }
}

impl From<postgres::Error> for Error {
    fn from(e: postgres::Error) -> Error {
        Error::Pg(e)
    }
}

impl Error {
    /// True when the connection to the server was lost (it went away, or the network did).
    pub fn is_connection_lost(&self) -> bool {
        match self {
            Error::Pg(e) => pg_lost(e),
            _ => false,
        }
    }

    /// True when another writer held the database for longer than the wait allows.
    pub fn is_busy(&self) -> bool {
        match self {
            Error::Sqlite(rusqlite::Error::SqliteFailure(f, _)) => matches!(
                f.code,
                rusqlite::ErrorCode::DatabaseBusy | rusqlite::ErrorCode::DatabaseLocked
            ),
            Error::Pg(e) => e.code() == Some(&postgres::error::SqlState::LOCK_NOT_AVAILABLE),
            _ => false,
        }
    }
}

/// True when a PostgreSQL error means the connection is gone.
fn pg_lost(e: &postgres::Error) -> bool {
    use postgres::error::SqlState;
    match e.code() {
        // Connection exceptions (class 08) and the server shutting down.
        Some(c) => {
            c.code().starts_with("08")
                || *c == SqlState::ADMIN_SHUTDOWN
                || *c == SqlState::CRASH_SHUTDOWN
                || *c == SqlState::CANNOT_CONNECT_NOW
        }
        None => {
            e.is_closed() || std::error::Error::source(e).is_some_and(|s| s.is::<std::io::Error>())
        }
    }
}

/// A PostgreSQL error in Swedish where it concerns the connection; the server's own text
/// (in the server's language) otherwise.
fn pg_message(e: &postgres::Error) -> String {
    if pg_lost(e) {
        let detail = e
            .as_db_error()
            .map(|d| d.message().to_string())
            .unwrap_or_else(|| e.to_string());
        return format!(
            "anslutningen till PostgreSQL-servern bröts (servern stängdes eller nätverket föll \
             bort: {detail})"
        );
    }
    if let Some(db) = e.as_db_error() {
        return format!("PostgreSQL: {} ({})", db.message(), db.code().code());
    }
    if e.is_closed() || e.code().is_none() {
        return format!("anslutningen till PostgreSQL-servern bröts ({e})");
    }
    e.to_string()
}

/// `.optional()` on a query that may return no row, as in rusqlite.
pub trait OptionalExtension<T> {
    /// `Ok(None)` for no row, the value otherwise.
    fn optional(self) -> Result<Option<T>>;
}

impl<T> OptionalExtension<T> for Result<T> {
    fn optional(self) -> Result<Option<T>> {
        match self {
            Ok(v) => Ok(Some(v)),
            Err(Error::QueryReturnedNoRows) => Ok(None),
            Err(e) => Err(e),
        }
    }
}

/// Parameters of a statement: `params![…]`, `[]`, or [`params_from_iter`].
pub trait Params {
    /// Each parameter as a value reference.
    fn refs(&self) -> Vec<&dyn ToSql>;
}

impl Params for &[&dyn ToSql] {
    fn refs(&self) -> Vec<&dyn ToSql> {
        self.to_vec()
    }
}

impl Params for [&(dyn ToSql + Send + Sync); 0] {
    fn refs(&self) -> Vec<&dyn ToSql> {
        Vec::new()
    }
}

macro_rules! params_for_arrays {
    ($($n:literal)+) => {$(
        impl<T: ToSql> Params for [T; $n] {
            fn refs(&self) -> Vec<&dyn ToSql> {
                self.iter().map(|v| v as &dyn ToSql).collect()
            }
        }
        impl<T: ToSql> Params for &[&T; $n] {
            fn refs(&self) -> Vec<&dyn ToSql> {
                self.iter().map(|v| *v as &dyn ToSql).collect()
            }
        }
    )+};
}

params_for_arrays!(1 2 3 4 5 6 7 8 9 10 11 12 13 14 15 16);

/// Owned parameters from an iterator of values.
pub struct ParamsFromIter(Vec<Value>);

/// Parameters from an iterator (as rusqlite's `params_from_iter`).
pub fn params_from_iter<I>(iter: I) -> ParamsFromIter
where
    I: IntoIterator,
    I::Item: Into<Value>,
{
    ParamsFromIter(iter.into_iter().map(Into::into).collect())
}

impl Params for ParamsFromIter {
    fn refs(&self) -> Vec<&dyn ToSql> {
        self.0.iter().map(|v| v as &dyn ToSql).collect()
    }
}

/// Whether `BEGIN` takes the write lock at once; both are taken as immediate (every
/// transaction the store opens writes).
#[derive(Clone, Copy, Debug)]
pub enum TransactionBehavior {
    /// Take the write lock at `BEGIN`.
    Immediate,
}

/// A connection to either backend.
pub struct Connection {
    inner: Inner,
}

enum Inner {
    Sqlite(rusqlite::Connection),
    Pg(Box<Pg>),
}

/// A PostgreSQL connection with its prepared statements.
pub struct Pg {
    client: RefCell<postgres::Client>,
    /// Prepared statements by the SQL as written (with `?N`).
    statements: RefCell<HashMap<String, postgres::Statement>>,
    /// Depth of the open transaction (0: none).
    depth: Cell<u32>,
}

impl std::fmt::Debug for Connection {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match &self.inner {
            Inner::Sqlite(c) => f.debug_tuple("Sqlite").field(&c.path()).finish(),
            Inner::Pg(_) => f.write_str("Postgres"),
        }
    }
}

impl From<rusqlite::Connection> for Connection {
    fn from(c: rusqlite::Connection) -> Connection {
        Connection {
            inner: Inner::Sqlite(c),
        }
    }
}

impl From<postgres::Client> for Connection {
    fn from(c: postgres::Client) -> Connection {
        Connection {
            inner: Inner::Pg(Box::new(Pg {
                client: RefCell::new(c),
                statements: RefCell::new(HashMap::new()),
                depth: Cell::new(0),
            })),
        }
    }
}

/// A value read from a row of either backend.
pub enum Row<'a> {
    /// An SQLite row.
    Sqlite(&'a rusqlite::Row<'a>),
    /// A PostgreSQL row, decoded to values.
    Pg(&'a [Value]),
}

impl Row<'_> {
    /// The value of column `idx` as `T` (rusqlite's conversions on both backends).
    pub fn get<I: RowIndex, T: FromSql>(&self, idx: I) -> Result<T> {
        let i = idx.index();
        match self {
            Row::Sqlite(r) => Ok(r.get::<usize, T>(i)?),
            Row::Pg(values) => {
                let v = values.get(i).ok_or_else(|| {
                    Error::FromSqlConversionFailure(
                        i,
                        types::Type::Null,
                        format!("raden har bara {} kolumner", values.len()).into(),
                    )
                })?;
                let r = ValueRef::from(v);
                let ty = r.data_type();
                T::column_result(r).map_err(|e| {
                    Error::FromSqlConversionFailure(i, ty, Box::new(FromSqlErr(e.to_string())))
                })
            }
        }
    }

    /// The raw value of column `idx`.
    pub fn get_ref(&self, idx: usize) -> Result<Value> {
        match self {
            Row::Sqlite(r) => Ok(r.get_ref(idx)?.into()),
            Row::Pg(values) => Ok(values.get(idx).cloned().unwrap_or(Value::Null)),
        }
    }

    /// The number of columns.
    pub fn column_count(&self) -> usize {
        match self {
            Row::Sqlite(r) => r.as_ref().column_count(),
            Row::Pg(values) => values.len(),
        }
    }
}

#[derive(Debug)]
struct FromSqlErr(String);

impl std::fmt::Display for FromSqlErr {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.0)
    }
}

impl std::error::Error for FromSqlErr {}

/// A column index (by position).
pub trait RowIndex {
    /// The position.
    fn index(&self) -> usize;
}

impl RowIndex for usize {
    fn index(&self) -> usize {
        *self
    }
}

/// Rows mapped by a closure; every row has been read when this is returned.
pub type MappedRows<T> = std::vec::IntoIter<Result<T>>;

impl Connection {
    /// Which database this is.
    pub fn dialect(&self) -> Dialect {
        match self.inner {
            Inner::Sqlite(_) => Dialect::Sqlite,
            Inner::Pg(_) => Dialect::Postgres,
        }
    }

    /// The SQLite connection (`None` on PostgreSQL).
    pub fn sqlite(&self) -> Option<&rusqlite::Connection> {
        match &self.inner {
            Inner::Sqlite(c) => Some(c),
            Inner::Pg(_) => None,
        }
    }

    /// The PostgreSQL client, borrowed for a bulk operation (`None` on SQLite). Statements
    /// through this connection must not run while it is borrowed.
    pub fn pg_client(&self) -> Option<std::cell::RefMut<'_, postgres::Client>> {
        match &self.inner {
            Inner::Sqlite(_) => None,
            Inner::Pg(pg) => Some(pg.client.borrow_mut()),
        }
    }

    /// Run several statements without parameters.
    pub fn execute_batch(&self, sql: &str) -> Result<()> {
        match &self.inner {
            Inner::Sqlite(c) => Ok(c.execute_batch(sql)?),
            Inner::Pg(pg) => Ok(pg.client.borrow_mut().batch_execute(sql)?),
        }
    }

    /// Run one statement; returns the number of rows changed.
    pub fn execute<P: Params>(&self, sql: &str, params: P) -> Result<usize> {
        match &self.inner {
            Inner::Sqlite(c) => Ok(c.execute(sql, &*params.refs())?),
            Inner::Pg(pg) => pg.execute(sql, &params.refs()),
        }
    }

    /// The first row of a query, mapped; [`Error::QueryReturnedNoRows`] when there is none.
    pub fn query_row<T, P, F>(&self, sql: &str, params: P, f: F) -> Result<T>
    where
        P: Params,
        F: FnOnce(&Row<'_>) -> Result<T>,
    {
        match &self.inner {
            Inner::Sqlite(c) => {
                let mut st = c.prepare_cached(sql)?;
                let mut rows = st.query(&*params.refs())?;
                match rows.next()? {
                    Some(r) => f(&Row::Sqlite(r)),
                    None => Err(Error::QueryReturnedNoRows),
                }
            }
            Inner::Pg(pg) => {
                let rows = pg.query(sql, &params.refs(), Some(1))?;
                match rows.first() {
                    Some(r) => f(&Row::Pg(r)),
                    None => Err(Error::QueryReturnedNoRows),
                }
            }
        }
    }

    /// A statement (prepared once per connection on both backends).
    pub fn prepare(&self, sql: &str) -> Result<Statement<'_>> {
        self.prepare_cached(sql)
    }

    /// A statement from the connection's cache.
    pub fn prepare_cached(&self, sql: &str) -> Result<Statement<'_>> {
        match &self.inner {
            Inner::Sqlite(c) => Ok(Statement::Sqlite(c.prepare_cached(sql)?)),
            Inner::Pg(pg) => {
                pg.statement(sql)?;
                Ok(Statement::Pg {
                    pg,
                    sql: sql.to_string(),
                })
            }
        }
    }

    /// Begin a write transaction (see the module documentation).
    pub fn transaction(&self) -> Result<Transaction<'_>> {
        self.transaction_with_behavior(TransactionBehavior::Immediate)
    }

    /// Begin a write transaction; the behaviour is always immediate.
    pub fn transaction_with_behavior(&self, _b: TransactionBehavior) -> Result<Transaction<'_>> {
        self.begin("pg_advisory_xact_lock")
    }

    /// Begin a write transaction that may run beside others of its kind: on PostgreSQL it
    /// takes [`WRITE_LOCK`] shared (`pg_advisory_xact_lock_shared`), so such transactions run
    /// side by side while every other write transaction (which takes it exclusively) waits
    /// for them and they for it; on SQLite, with its single writer, it is an ordinary write
    /// transaction. For changes that lock the rows they change (`SELECT … FOR UPDATE`) and
    /// touch nothing another shared transaction could change in a conflicting way: a single
    /// forecast line's save.
    pub fn transaction_shared(&self) -> Result<Transaction<'_>> {
        self.begin("pg_advisory_xact_lock_shared")
    }

    fn begin(&self, lock: &str) -> Result<Transaction<'_>> {
        match &self.inner {
            Inner::Sqlite(c) => c.execute_batch("BEGIN IMMEDIATE")?,
            Inner::Pg(pg) => {
                if pg.depth.get() > 0 {
                    return Err(Error::Nested);
                }
                let mut client = pg.client.borrow_mut();
                // One round trip: the two statements go as one simple query.
                // READ COMMITTED stated, not inherited from the server's default: each
                // statement after the lock must see what the writer before committed (the
                // round's lock, a unit's state, the largest id).
                if let Err(e) = client.batch_execute(&format!(
                    "BEGIN ISOLATION LEVEL READ COMMITTED; SELECT {lock}({WRITE_LOCK})"
                )) {
                    let _ = client.batch_execute("ROLLBACK");
                    return Err(e.into());
                }
                pg.depth.set(1);
            }
        }
        Ok(Transaction {
            conn: self,
            done: false,
        })
    }

    /// The row id of the last insert (SQLite's `last_insert_rowid`, PostgreSQL's `lastval()`).
    pub fn last_insert_rowid(&self) -> i64 {
        match &self.inner {
            Inner::Sqlite(c) => c.last_insert_rowid(),
            Inner::Pg(_) => self
                .query_row("SELECT lastval()", [], |r| r.get(0))
                .unwrap_or(0),
        }
    }

    /// The path of an SQLite file (`None` in memory or on PostgreSQL).
    pub fn path(&self) -> Option<&str> {
        match &self.inner {
            Inner::Sqlite(c) => c.path(),
            Inner::Pg(_) => None,
        }
    }

    /// Forget the prepared statements (after the schema changed).
    pub fn clear_statements(&self) {
        if let Inner::Pg(pg) = &self.inner {
            pg.statements.borrow_mut().clear();
        }
    }
}

impl Pg {
    fn statement(&self, sql: &str) -> Result<postgres::Statement> {
        if let Some(st) = self.statements.borrow().get(sql) {
            return Ok(st.clone());
        }
        let translated = placeholders(sql);
        let st = self.client.borrow_mut().prepare(&translated)?;
        self.statements
            .borrow_mut()
            .insert(sql.to_string(), st.clone());
        Ok(st)
    }

    fn args(st: &postgres::Statement, params: &[&dyn ToSql]) -> Result<Vec<PgValue>> {
        let mut args = Vec::with_capacity(params.len());
        for (i, p) in params.iter().enumerate() {
            let v: Value = match p.to_sql()? {
                types::ToSqlOutput::Borrowed(r) => r.into(),
                types::ToSqlOutput::Owned(v) => v,
                _ => {
                    return Err(Error::FromSqlConversionFailure(
                        i,
                        types::Type::Null,
                        "parametern kan inte skickas till PostgreSQL".into(),
                    ))
                }
            };
            args.push(PgValue(v));
        }
        let _ = st;
        Ok(args)
    }

    fn execute(&self, sql: &str, params: &[&dyn ToSql]) -> Result<usize> {
        let st = self.statement(sql)?;
        let args = Pg::args(&st, params)?;
        let refs: Vec<&(dyn PgToSql + Sync)> = args.iter().map(|a| a as _).collect();
        let n = self.client.borrow_mut().execute(&st, &refs)?;
        Ok(n as usize)
    }

    fn query(
        &self,
        sql: &str,
        params: &[&dyn ToSql],
        limit: Option<usize>,
    ) -> Result<Vec<Vec<Value>>> {
        let st = self.statement(sql)?;
        let args = Pg::args(&st, params)?;
        let refs: Vec<&(dyn PgToSql + Sync)> = args.iter().map(|a| a as _).collect();
        let rows = self.client.borrow_mut().query(&st, &refs)?;
        let take = limit.unwrap_or(rows.len());
        rows.iter().take(take).map(decode_row).collect()
    }
}

/// Every column of a PostgreSQL row as a value.
pub(crate) fn decode_row(row: &postgres::Row) -> Result<Vec<Value>> {
    (0..row.len())
        .map(|i| Ok(row.try_get::<usize, PgCell>(i)?.0))
        .collect()
}

/// A prepared statement of either backend.
pub enum Statement<'c> {
    /// SQLite's.
    Sqlite(rusqlite::CachedStatement<'c>),
    /// PostgreSQL's (looked up in the connection's cache by its SQL).
    Pg {
        /// The connection.
        pg: &'c Pg,
        /// The SQL as written.
        sql: String,
    },
}

impl Statement<'_> {
    /// Run it; returns the number of rows changed.
    pub fn execute<P: Params>(&mut self, params: P) -> Result<usize> {
        match self {
            Statement::Sqlite(st) => Ok(st.execute(&*params.refs())?),
            Statement::Pg { pg, sql } => pg.execute(sql, &params.refs()),
        }
    }

    /// Every row, mapped.
    pub fn query_map<T, P, F>(&mut self, params: P, mut f: F) -> Result<MappedRows<T>>
    where
        P: Params,
        F: FnMut(&Row<'_>) -> Result<T>,
    {
        let out: Vec<Result<T>> = match self {
            Statement::Sqlite(st) => {
                let mut rows = st.query(&*params.refs())?;
                let mut out = Vec::new();
                while let Some(r) = rows.next()? {
                    out.push(f(&Row::Sqlite(r)));
                }
                out
            }
            Statement::Pg { pg, sql } => pg
                .query(sql, &params.refs(), None)?
                .iter()
                .map(|r| f(&Row::Pg(r)))
                .collect(),
        };
        Ok(out.into_iter())
    }

    /// The first row, mapped.
    pub fn query_row<T, P, F>(&mut self, params: P, f: F) -> Result<T>
    where
        P: Params,
        F: FnOnce(&Row<'_>) -> Result<T>,
    {
        match self {
            Statement::Sqlite(st) => {
                let mut rows = st.query(&*params.refs())?;
                match rows.next()? {
                    Some(r) => f(&Row::Sqlite(r)),
                    None => Err(Error::QueryReturnedNoRows),
                }
            }
            Statement::Pg { pg, sql } => {
                let rows = pg.query(sql, &params.refs(), Some(1))?;
                match rows.first() {
                    Some(r) => f(&Row::Pg(r)),
                    None => Err(Error::QueryReturnedNoRows),
                }
            }
        }
    }

    /// The number of columns the statement returns.
    pub fn column_count(&self) -> usize {
        match self {
            Statement::Sqlite(st) => st.column_count(),
            Statement::Pg { pg, sql } => pg.statement(sql).map(|s| s.columns().len()).unwrap_or(0),
        }
    }

    /// Whether the query returns a row.
    pub fn exists<P: Params>(&mut self, params: P) -> Result<bool> {
        self.query_row(params, |_| Ok(()))
            .optional()
            .map(|o| o.is_some())
    }
}

/// A write transaction; rolled back when dropped without [`Transaction::commit`].
pub struct Transaction<'c> {
    conn: &'c Connection,
    done: bool,
}

impl Deref for Transaction<'_> {
    type Target = Connection;
    fn deref(&self) -> &Connection {
        self.conn
    }
}

impl Transaction<'_> {
    /// Commit.
    pub fn commit(mut self) -> Result<()> {
        self.done = true;
        self.end("COMMIT")
    }

    /// Roll back.
    pub fn rollback(mut self) -> Result<()> {
        self.done = true;
        self.end("ROLLBACK")
    }

    fn end(&self, sql: &str) -> Result<()> {
        match &self.conn.inner {
            Inner::Sqlite(c) => Ok(c.execute_batch(sql)?),
            Inner::Pg(pg) => {
                pg.depth.set(0);
                Ok(pg.client.borrow_mut().batch_execute(sql)?)
            }
        }
    }
}

impl Drop for Transaction<'_> {
    fn drop(&mut self) {
        if !self.done {
            let _ = self.end("ROLLBACK");
        }
    }
}

/// SQL with SQLite placeholders (`?1`, `?`) rewritten to PostgreSQL's (`$1`), leaving string
/// literals, quoted names and comments alone.
pub fn placeholders(sql: &str) -> String {
    let mut out = String::with_capacity(sql.len() + 8);
    let mut chars = sql.chars().peekable();
    let mut next = 1u32;
    while let Some(c) = chars.next() {
        match c {
            '\'' | '"' => {
                out.push(c);
                for d in chars.by_ref() {
                    out.push(d);
                    if d == c {
                        break;
                    }
                }
            }
            '-' if chars.peek() == Some(&'-') => {
                out.push(c);
                for d in chars.by_ref() {
                    out.push(d);
                    if d == '\n' {
                        break;
                    }
                }
            }
            '?' => {
                let mut digits = String::new();
                while let Some(d) = chars.peek().copied().filter(char::is_ascii_digit) {
                    digits.push(d);
                    chars.next();
                }
                out.push('$');
                if digits.is_empty() {
                    out.push_str(&next.to_string());
                    next += 1;
                } else {
                    out.push_str(&digits);
                }
            }
            _ => out.push(c),
        }
    }
    out
}

/// A value for PostgreSQL, encoded as the type the server expects (for a placeholder, or a
/// column of a binary `COPY`).
#[derive(Debug)]
pub struct PgValue(pub Value);

fn mismatch(v: &Value, ty: &PgType) -> Box<dyn std::error::Error + Sync + Send> {
    format!("värdet {v:?} kan inte skickas som {ty}").into()
}

impl PgToSql for PgValue {
    fn to_sql(
        &self,
        ty: &PgType,
        out: &mut BytesMut,
    ) -> std::result::Result<IsNull, Box<dyn std::error::Error + Sync + Send>> {
        match &self.0 {
            Value::Null => Ok(IsNull::Yes),
            Value::Integer(i) => match *ty {
                PgType::INT8 => PgToSql::to_sql(&i, ty, out),
                PgType::INT4 => PgToSql::to_sql(&i32::try_from(*i)?, ty, out),
                PgType::INT2 => PgToSql::to_sql(&i16::try_from(*i)?, ty, out),
                PgType::FLOAT8 => PgToSql::to_sql(&(*i as f64), ty, out),
                PgType::FLOAT4 => PgToSql::to_sql(&(*i as f32), ty, out),
                PgType::BOOL => PgToSql::to_sql(&(*i != 0), ty, out),
                PgType::NUMERIC => {
                    encode_numeric(*i, out);
                    Ok(IsNull::No)
                }
                PgType::TEXT
                | PgType::VARCHAR
                | PgType::BPCHAR
                | PgType::NAME
                | PgType::UNKNOWN => PgToSql::to_sql(&i.to_string(), &PgType::TEXT, out),
                _ => Err(mismatch(&self.0, ty)),
            },
            Value::Real(f) => match *ty {
                PgType::FLOAT8 => PgToSql::to_sql(&f, ty, out),
                PgType::FLOAT4 => PgToSql::to_sql(&(*f as f32), ty, out),
                PgType::TEXT | PgType::VARCHAR | PgType::UNKNOWN => {
                    PgToSql::to_sql(&f.to_string(), &PgType::TEXT, out)
                }
                _ => Err(mismatch(&self.0, ty)),
            },
            Value::Text(s) => match *ty {
                PgType::INT8 => PgToSql::to_sql(&s.parse::<i64>()?, ty, out),
                PgType::INT4 => PgToSql::to_sql(&s.parse::<i32>()?, ty, out),
                PgType::FLOAT8 => PgToSql::to_sql(&s.parse::<f64>()?, ty, out),
                _ => PgToSql::to_sql(&s.as_str(), &PgType::TEXT, out),
            },
            Value::Blob(b) => match *ty {
                PgType::BYTEA => PgToSql::to_sql(&b.as_slice(), ty, out),
                _ => Err(mismatch(&self.0, ty)),
            },
        }
    }

    fn accepts(_: &PgType) -> bool {
        true
    }

    to_sql_checked!();
}

/// An integer as PostgreSQL's binary NUMERIC.
fn encode_numeric(v: i64, out: &mut BytesMut) {
    use bytes::BufMut;
    let neg = v < 0;
    let mut n = v.unsigned_abs();
    let mut digits: Vec<i16> = Vec::new();
    while n > 0 {
        digits.push((n % 10_000) as i16);
        n /= 10_000;
    }
    digits.reverse();
    let weight = digits.len() as i16 - 1;
    out.put_i16(digits.len() as i16);
    out.put_i16(if digits.is_empty() { 0 } else { weight });
    out.put_u16(if neg { 0x4000 } else { 0 });
    out.put_u16(0);
    for d in digits {
        out.put_i16(d);
    }
}

/// A column of a PostgreSQL row as a rusqlite value.
struct PgCell(Value);

impl<'a> PgFromSql<'a> for PgCell {
    fn from_sql(
        ty: &PgType,
        raw: &'a [u8],
    ) -> std::result::Result<PgCell, Box<dyn std::error::Error + Sync + Send>> {
        Ok(PgCell(match *ty {
            PgType::INT8 => Value::Integer(i64::from_sql(ty, raw)?),
            PgType::INT4 => Value::Integer(i32::from_sql(ty, raw)?.into()),
            PgType::INT2 => Value::Integer(i16::from_sql(ty, raw)?.into()),
            PgType::OID => Value::Integer(u32::from_sql(ty, raw)?.into()),
            PgType::BOOL => Value::Integer(bool::from_sql(ty, raw)?.into()),
            PgType::FLOAT8 => Value::Real(f64::from_sql(ty, raw)?),
            PgType::FLOAT4 => Value::Real(f32::from_sql(ty, raw)?.into()),
            PgType::NUMERIC => decode_numeric(raw)?,
            PgType::BYTEA => Value::Blob(raw.to_vec()),
            _ => Value::Text(
                std::str::from_utf8(raw)
                    .map_err(|e| format!("kolumnen av typen {ty} kan inte läsas: {e}"))?
                    .to_string(),
            ),
        }))
    }

    fn from_sql_null(
        _: &PgType,
    ) -> std::result::Result<PgCell, Box<dyn std::error::Error + Sync + Send>> {
        Ok(PgCell(Value::Null))
    }

    fn accepts(_: &PgType) -> bool {
        true
    }
}

/// PostgreSQL's binary NUMERIC: an integer when it has no fraction and fits, a float otherwise.
fn decode_numeric(
    raw: &[u8],
) -> std::result::Result<Value, Box<dyn std::error::Error + Sync + Send>> {
    let rd = |i: usize| -> std::result::Result<i16, Box<dyn std::error::Error + Sync + Send>> {
        raw.get(i..i + 2)
            .map(|b| i16::from_be_bytes([b[0], b[1]]))
            .ok_or_else(|| "trasigt NUMERIC-värde".into())
    };
    let ndigits = rd(0)? as usize;
    let weight = rd(2)? as i32;
    let sign = rd(4)? as u16;
    let dscale = rd(6)?;
    if sign == 0xC000 {
        return Ok(Value::Real(f64::NAN));
    }
    let neg = sign == 0x4000;
    let digits: Vec<i16> = (0..ndigits)
        .map(|k| rd(8 + 2 * k))
        .collect::<std::result::Result<_, _>>()?;
    // Integer part: digits at positions 0..=weight; any digit after that is a fraction.
    let has_fraction = digits
        .iter()
        .enumerate()
        .any(|(k, d)| (k as i32) > weight && *d != 0);
    if !has_fraction {
        let mut acc: i128 = 0;
        let mut ok = true;
        for k in 0..=weight.max(-1) {
            let d = digits.get(k as usize).copied().unwrap_or(0) as i128;
            acc = match acc.checked_mul(10_000).and_then(|a| a.checked_add(d)) {
                Some(a) => a,
                None => {
                    ok = false;
                    break;
                }
            };
        }
        if ok {
            let acc = if neg { -acc } else { acc };
            if let Ok(v) = i64::try_from(acc) {
                if dscale == 0 || !has_fraction {
                    return Ok(Value::Integer(v));
                }
            }
        }
    }
    let mut f = 0f64;
    for (k, d) in digits.iter().enumerate() {
        f += *d as f64 * 10_000f64.powi(weight - k as i32);
    }
    Ok(Value::Real(if neg { -f } else { f }))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn placeholders_become_dollars_outside_literals() {
        assert_eq!(
            placeholders("SELECT a FROM t WHERE b = ?1 AND c = '?2' AND d = ?12"),
            "SELECT a FROM t WHERE b = $1 AND c = '?2' AND d = $12"
        );
        assert_eq!(
            placeholders("VALUES (?, ?), (?, ?)"),
            "VALUES ($1, $2), ($3, $4)"
        );
        assert_eq!(
            placeholders("SELECT \"a?\" -- why?\nFROM t WHERE x = ?3"),
            "SELECT \"a?\" -- why?\nFROM t WHERE x = $3"
        );
    }

    fn numeric(v: i64) -> Value {
        let mut b = BytesMut::new();
        encode_numeric(v, &mut b);
        decode_numeric(&b).unwrap()
    }

    #[test]
    fn numeric_integers_round_trip() {
        for v in [
            0,
            1,
            -1,
            9_999,
            10_000,
            -10_001,
            123_456_789_012,
            i64::MAX,
            i64::MIN + 1,
        ] {
            assert_eq!(numeric(v), Value::Integer(v), "{v}");
        }
    }

    #[test]
    fn numeric_with_fraction_is_real() {
        // 12.5: ndigits 2, weight 0, sign +, dscale 1, digits 12, 5000.
        let raw = [0, 2, 0, 0, 0, 0, 0, 1, 0, 12, 0x13, 0x88];
        assert_eq!(decode_numeric(&raw).unwrap(), Value::Real(12.5));
        // 20000 as digits [2] weight 1 (trailing zero groups left out).
        let raw = [0, 1, 0, 1, 0, 0, 0, 0, 0, 2];
        assert_eq!(decode_numeric(&raw).unwrap(), Value::Integer(20_000));
    }
}
