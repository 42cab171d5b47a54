//! Moving a database between backends (`delar db kopiera`): every table copied in one
//! transaction on the target, then verified (row count and checksum per table) before the
//! commit; and what `delar db status` shows.
//!
//! The target must be an empty delar database at the same schema version as the source (a
//! new SQLite file, or an empty PostgreSQL database; both are migrated when opened). The
//! source is read inside a write transaction, so nothing changes it during the copy. Rows are
//! streamed (constant memory): SQLite through rusqlite, PostgreSQL with `COPY … TO STDOUT
//! BINARY`; they are written with prepared inserts (SQLite) or `COPY … FROM STDIN BINARY`
//! (PostgreSQL).
//!
//! The checksum of a table is independent of row order: the wrapping sum of a 64-bit hash of
//! every row, with each value normalised by its column's type class (integer, float, text,
//! blob), so the same data gives the same checksum on both backends.

use crate::db::{self, Connection, Dialect};
use crate::{SqlStore, StoreError};
use rusqlite::types::Value;

/// Every table of the schema except `schema_migrations`, in an order where a table comes after
/// the tables it refers to (a test checks the list against the schema).
pub const TABLES: &[&str] = &[
    "settings",
    "organisation",
    "financial_year",
    "account_group",
    "account",
    "dimension",
    "object",
    "object_set",
    "object_set_member",
    "import_batch",
    "batch_part",
    "voucher",
    "trans",
    "balance",
    "monthly",
    "org_node",
    "volume_series",
    "volume_value",
    "budget_version",
    "budget_line",
    "followup_batch",
    "fu_goal",
    "fu_goal_class",
    "fu_goal_text",
    "fu_indicator",
    "fu_indicator_value",
    "fu_commitment",
    "fu_efficiency",
    "fu_investment",
    "fu_staff",
    "fu_event",
    "fu_state_grant",
    "fu_population",
    "fu_comparison",
    "forecast_round",
    "forecast_line",
    "forecast_estimate",
    "forecast_adjustment",
    "forecast_audit",
    "compensation_rate",
    "intraprenad_opening",
    "goal_status",
    "fu_queue",
    "volume_budget_version",
    "volume_budget_value",
    "report_text",
    "app_user",
    "role_grant",
    "app_session",
    "workflow_state",
    "workflow_transition",
    "goal_workflow_state",
    "goal_workflow_transition",
    "indicator_entry",
    "goal_audit",
    "external_identity",
    "admin_audit",
    "goal_text_entry",
    "oidc_pending",
    "login_address",
];

/// The tables whose ids come from an identity sequence on PostgreSQL (see `pg/schema.rs`);
/// after a copy the sequences continue after the largest id.
const IDENTITY_TABLES: &[&str] = &["voucher", "trans", "balance", "monthly"];

/// A column's type class, by which values are normalised.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Class {
    Integer,
    Float,
    Text,
    Blob,
}

/// One table copied: rows and checksum, equal on both sides.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct TableCopy {
    /// The table.
    pub table: &'static str,
    /// Rows copied.
    pub rows: u64,
    /// Order-independent checksum of the rows (16 hex digits).
    pub checksum: String,
}

/// What a copy did.
#[derive(Clone, Debug)]
pub struct CopyReport {
    /// The schema version of both databases.
    pub schema_version: i64,
    /// Every table, in copy order.
    pub tables: Vec<TableCopy>,
}

impl CopyReport {
    /// Rows copied in all tables.
    pub fn rows(&self) -> u64 {
        self.tables.iter().map(|t| t.rows).sum()
    }
}

/// A running checksum: count and wrapping sum of row hashes.
#[derive(Clone, Copy, Default, Debug, PartialEq, Eq)]
struct Sum {
    rows: u64,
    hash: u64,
}

impl Sum {
    fn add(&mut self, row: &[Value]) {
        // FNV-1a over a tagged encoding of the values.
        let mut h: u64 = 0xcbf2_9ce4_8422_2325;
        let mut eat = |bytes: &[u8]| {
            for b in bytes {
                h ^= u64::from(*b);
                h = h.wrapping_mul(0x0000_0100_0000_01b3);
            }
        };
        for v in row {
            match v {
                Value::Null => eat(b"N"),
                Value::Integer(i) => {
                    eat(b"I");
                    eat(&i.to_le_bytes());
                }
                Value::Real(f) => {
                    eat(b"R");
                    eat(&f.to_bits().to_le_bytes());
                }
                Value::Text(t) => {
                    eat(b"T");
                    eat(&(t.len() as u64).to_le_bytes());
                    eat(t.as_bytes());
                }
                Value::Blob(b) => {
                    eat(b"B");
                    eat(&(b.len() as u64).to_le_bytes());
                    eat(b);
                }
            }
        }
        self.rows += 1;
        self.hash = self.hash.wrapping_add(h);
    }

    fn checksum(&self) -> String {
        format!("{:016x}", self.hash)
    }
}

/// A value as its column's class has it (SQLite may keep `5` in a REAL column as an integer,
/// or a number in a TEXT column as text).
fn normalise(v: Value, class: Class) -> Value {
    match (v, class) {
        (Value::Integer(i), Class::Float) => Value::Real(i as f64),
        (Value::Real(f), Class::Integer) if f.fract() == 0.0 => Value::Integer(f as i64),
        (Value::Integer(i), Class::Text) => Value::Text(i.to_string()),
        (Value::Real(f), Class::Text) => Value::Text(f.to_string()),
        (v, _) => v,
    }
}

/// The columns of a table in order, with their classes.
fn columns(conn: &Connection, table: &str) -> Result<Vec<(String, Class)>, StoreError> {
    let rows: Vec<(String, String)> = match conn.dialect() {
        Dialect::Sqlite => conn
            .prepare(&format!(
                "SELECT name, type FROM pragma_table_info('{table}') ORDER BY cid"
            ))?
            .query_map([], |r| Ok((r.get(0)?, r.get(1)?)))?
            .collect::<Result<_, _>>()?,
        Dialect::Postgres => conn
            .prepare(
                "SELECT column_name, data_type FROM information_schema.columns
                 WHERE table_schema = current_schema() AND table_name = ?1
                 ORDER BY ordinal_position",
            )?
            .query_map([table], |r| Ok((r.get(0)?, r.get(1)?)))?
            .collect::<Result<_, _>>()?,
    };
    if rows.is_empty() {
        return Err(StoreError::Corrupt(format!("tabellen {table} saknas")));
    }
    Ok(rows
        .into_iter()
        .map(|(name, ty)| {
            let t = ty.to_ascii_uppercase();
            let class = if t.contains("INT") {
                Class::Integer
            } else if t.contains("REAL") || t.contains("DOUBLE") || t.contains("FLOAT") {
                Class::Float
            } else if t.contains("BLOB") || t.contains("BYTEA") {
                Class::Blob
            } else {
                Class::Text
            };
            (name, class)
        })
        .collect())
}

/// Stream every row of a table (values normalised) to `f`.
fn each_row(
    conn: &Connection,
    table: &str,
    cols: &[(String, Class)],
    mut f: impl FnMut(Vec<Value>) -> Result<(), StoreError>,
) -> Result<(), StoreError> {
    let list = cols
        .iter()
        .map(|(c, _)| format!("\"{c}\""))
        .collect::<Vec<_>>()
        .join(", ");
    if let Some(lite) = conn.sqlite() {
        let mut st = lite.prepare(&format!("SELECT {list} FROM \"{table}\""))?;
        let mut rows = st.query([])?;
        while let Some(r) = rows.next()? {
            let mut values = Vec::with_capacity(cols.len());
            for (i, (_, class)) in cols.iter().enumerate() {
                values.push(normalise(r.get::<usize, Value>(i)?, *class));
            }
            f(values)?;
        }
        return Ok(());
    }
    let types: Vec<postgres::types::Type> = cols.iter().map(|(_, c)| pg_type(*c)).collect();
    let mut client = conn.pg_client().expect("a PostgreSQL connection");
    let reader = client.copy_out(&format!(
        "COPY (SELECT {list} FROM \"{table}\") TO STDOUT BINARY"
    ))?;
    let mut rows = postgres::binary_copy::BinaryCopyOutIter::new(reader, &types);
    use postgres::fallible_iterator::FallibleIterator;
    while let Some(r) = rows.next()? {
        let mut values = Vec::with_capacity(cols.len());
        for (i, (_, class)) in cols.iter().enumerate() {
            let v = match class {
                Class::Integer => r.try_get::<Option<i64>>(i)?.map(Value::Integer),
                Class::Float => r.try_get::<Option<f64>>(i)?.map(Value::Real),
                Class::Text => r.try_get::<Option<String>>(i)?.map(Value::Text),
                Class::Blob => r.try_get::<Option<Vec<u8>>>(i)?.map(Value::Blob),
            };
            values.push(v.unwrap_or(Value::Null));
        }
        f(values)?;
    }
    Ok(())
}

fn pg_type(c: Class) -> postgres::types::Type {
    use postgres::types::Type;
    match c {
        Class::Integer => Type::INT8,
        Class::Float => Type::FLOAT8,
        Class::Text => Type::TEXT,
        Class::Blob => Type::BYTEA,
    }
}

/// Rows and checksum of a table as stored.
fn table_sum(conn: &Connection, table: &str) -> Result<Sum, StoreError> {
    let cols = columns(conn, table)?;
    let mut sum = Sum::default();
    each_row(conn, table, &cols, |row| {
        sum.add(&row);
        Ok(())
    })?;
    Ok(sum)
}

/// Copy every table of `from` into `to` (an empty delar database at the same schema version)
/// in one transaction on `to`, verify row counts and checksums, and commit only when all
/// agree. `progress` is told each table as it starts.
pub fn copy_database(
    from: &SqlStore,
    to: &mut SqlStore,
    mut progress: Option<&mut dyn FnMut(&str)>,
) -> Result<CopyReport, StoreError> {
    let version = from.schema_version()?;
    let target_version = to.schema_version()?;
    if version != target_version {
        return Err(StoreError::Copy(format!(
            "källan har schemaversion {version} och målet {target_version}; öppna båda med \
             samma version av delar"
        )));
    }
    let busy: Vec<String> = TABLES
        .iter()
        .map(|t| Ok((*t, count(&to.conn, t)?)))
        .collect::<Result<Vec<_>, StoreError>>()?
        .into_iter()
        .filter(|(_, n)| *n > 0)
        .map(|(t, n)| format!("{t} ({n})"))
        .collect();
    if !busy.is_empty() {
        return Err(StoreError::Copy(format!(
            "måldatabasen är inte tom (rader i {}); kopiera till en ny SQLite-fil eller en tom \
             PostgreSQL-databas",
            busy.join(", ")
        )));
    }

    // The source's write lock keeps it still while it is read.
    let source = from.conn.transaction()?;
    let target = to.conn.transaction()?;
    if let Some(lite) = target.sqlite() {
        // Rows that refer to later rows of their own table (a batch replaced by a newer one).
        lite.execute_batch("PRAGMA defer_foreign_keys = ON")?;
    }
    let mut tables = Vec::with_capacity(TABLES.len());
    for table in TABLES {
        if let Some(p) = progress.as_mut() {
            p(table);
        }
        let cols = columns(&source, table)?;
        let target_cols = columns(&target, table)?;
        let names = |c: &[(String, Class)]| c.iter().map(|(n, _)| n.clone()).collect::<Vec<_>>();
        if names(&cols) != names(&target_cols) {
            return Err(StoreError::Copy(format!(
                "tabellen {table} har olika kolumner i källan och målet"
            )));
        }
        let sum = copy_table(&source, &target, table, &cols)?;
        tables.push((*table, sum));
    }
    if target.dialect() == Dialect::Postgres {
        for t in IDENTITY_TABLES {
            target.execute_batch(&format!(
                "SELECT setval(pg_get_serial_sequence('{t}', 'id'),
                               COALESCE((SELECT MAX(id) FROM {t}), 1),
                               (SELECT MAX(id) FROM {t}) IS NOT NULL)"
            ))?;
        }
    }
    // Verify what the target now holds, before committing.
    let mut report = Vec::with_capacity(tables.len());
    for (table, sum) in tables {
        let got = table_sum(&target, table)?;
        if got != sum {
            return Err(StoreError::Copy(format!(
                "kontrollen av tabellen {table} stämmer inte (källan {} rader, kontrollsumma {}; \
                 målet {} rader, kontrollsumma {}); inget kopierades",
                sum.rows,
                sum.checksum(),
                got.rows,
                got.checksum()
            )));
        }
        report.push(TableCopy {
            table,
            rows: sum.rows,
            checksum: sum.checksum(),
        });
    }
    target.commit()?;
    source.rollback()?;
    Ok(CopyReport {
        schema_version: version,
        tables: report,
    })
}

fn count(conn: &Connection, table: &str) -> Result<i64, StoreError> {
    Ok(
        conn.query_row(&format!("SELECT COUNT(*) FROM \"{table}\""), [], |r| {
            r.get(0)
        })?,
    )
}

/// Copy one table's rows; returns the source's count and checksum.
fn copy_table(
    source: &Connection,
    target: &Connection,
    table: &str,
    cols: &[(String, Class)],
) -> Result<Sum, StoreError> {
    let list = cols
        .iter()
        .map(|(c, _)| format!("\"{c}\""))
        .collect::<Vec<_>>()
        .join(", ");
    let mut sum = Sum::default();
    if let Some(lite) = target.sqlite() {
        let marks = vec!["?"; cols.len()].join(", ");
        let mut ins = lite.prepare(&format!(
            "INSERT INTO \"{table}\" ({list}) VALUES ({marks})"
        ))?;
        each_row(source, table, cols, |row| {
            sum.add(&row);
            ins.execute(rusqlite::params_from_iter(row.iter()))?;
            Ok(())
        })?;
        return Ok(sum);
    }
    let types: Vec<postgres::types::Type> = cols.iter().map(|(_, c)| pg_type(*c)).collect();
    let mut client = target.pg_client().expect("a PostgreSQL connection");
    let sink = client.copy_in(&format!("COPY \"{table}\" ({list}) FROM STDIN BINARY"))?;
    let mut w = postgres::binary_copy::BinaryCopyInWriter::new(sink, &types);
    each_row(source, table, cols, |row| {
        sum.add(&row);
        let cells: Vec<db::PgValue> = row.into_iter().map(db::PgValue).collect();
        let refs: Vec<&(dyn postgres::types::ToSql + Sync)> = cells
            .iter()
            .map(|c| c as &(dyn postgres::types::ToSql + Sync))
            .collect();
        w.write(&refs)?;
        Ok(())
    })?;
    w.finish()?;
    Ok(sum)
}

/// What `delar db status` shows.
#[derive(Clone, Debug)]
pub struct Status {
    /// "SQLite" or "PostgreSQL".
    pub backend: &'static str,
    /// The file or the connection string (without its password).
    pub location: String,
    /// The schema version of the database.
    pub schema_version: i64,
    /// The highest version this program knows.
    pub known_version: i64,
    /// The database's size in bytes (the file with its WAL, or `pg_database_size`).
    pub bytes: u64,
    /// Rows per table, in [`TABLES`] order.
    pub tables: Vec<(&'static str, u64)>,
}

/// The status of a store; `location` is how the caller named it.
pub fn status(store: &SqlStore, location: &str) -> Result<Status, StoreError> {
    let conn = &store.conn;
    let (backend, known, bytes, location) = match conn.dialect() {
        Dialect::Sqlite => {
            let path = crate::sqlite_path(location);
            let size = |p: String| std::fs::metadata(p).map(|m| m.len()).unwrap_or(0);
            (
                "SQLite",
                crate::schema::MIGRATIONS.last().map_or(0, |m| m.version),
                size(path.to_string()) + size(format!("{path}-wal")),
                path.to_string(),
            )
        }
        Dialect::Postgres => (
            "PostgreSQL",
            crate::pg::schema::MIGRATIONS
                .last()
                .map_or(0, |m| m.version),
            conn.query_row("SELECT pg_database_size(current_database())", [], |r| {
                r.get::<_, i64>(0)
            })? as u64,
            crate::pg::redact(location),
        ),
    };
    let tables = TABLES
        .iter()
        .map(|t| Ok((*t, count(conn, t)? as u64)))
        .collect::<Result<_, StoreError>>()?;
    Ok(Status {
        backend,
        location,
        schema_version: store.schema_version()?,
        known_version: known,
        bytes,
        tables,
    })
}
