//! The PostgreSQL schema mirrors SQLite's: the same migrations (versions and names), the same
//! tables, and in each the same columns in the same order with compatible types and the same
//! NOT NULL. Runs when `DELAR_TEST_PG` names a server (see tests/common).

mod common;

use delar_store::SqlStore;
use std::collections::BTreeMap;

/// Table → [(column, type class, not null)].
type Shape = BTreeMap<String, Vec<(String, &'static str, bool)>>;

fn class_sqlite(decl: &str) -> &'static str {
    let d = decl.to_ascii_uppercase();
    if d.contains("INT") {
        "integer"
    } else if d.contains("REAL") || d.contains("DOUB") || d.contains("FLOA") {
        "float"
    } else if d.contains("TEXT") || d.contains("CHAR") {
        "text"
    } else if d.contains("BLOB") {
        "blob"
    } else {
        "other"
    }
}

fn class_pg(ty: &str) -> &'static str {
    match ty {
        "bigint" => "integer",
        "double precision" => "float",
        "text" => "text",
        "bytea" => "blob",
        // Anything else (integer, real, varchar…) is a type the mirror must not use.
        _ => "other",
    }
}

fn sqlite_shape(s: &SqlStore) -> Shape {
    let conn = s.connection();
    let tables: Vec<String> = conn
        .prepare("SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%'")
        .unwrap()
        .query_map([], |r| r.get(0))
        .unwrap()
        .collect::<Result<_, _>>()
        .unwrap();
    let mut shape = Shape::new();
    for t in tables {
        let cols = conn
            .prepare(&format!(
                "SELECT name, type, \"notnull\", pk FROM pragma_table_info('{t}') ORDER BY cid"
            ))
            .unwrap()
            .query_map([], |r| {
                let name: String = r.get(0)?;
                let ty: String = r.get(1)?;
                let not_null: i64 = r.get(2)?;
                let pk: i64 = r.get(3)?;
                // A primary key column is NOT NULL in PostgreSQL whether or not it says so.
                Ok((name, class_sqlite(&ty), not_null == 1 || pk > 0))
            })
            .unwrap()
            .collect::<Result<Vec<_>, _>>()
            .unwrap();
        shape.insert(t, cols);
    }
    shape
}

fn pg_shape(s: &SqlStore) -> Shape {
    let rows: Vec<(String, String, String, String)> = s
        .connection()
        .prepare(
            "SELECT table_name, column_name, data_type, is_nullable
             FROM information_schema.columns WHERE table_schema = current_schema()
             ORDER BY table_name, ordinal_position",
        )
        .unwrap()
        .query_map([], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?)))
        .unwrap()
        .collect::<Result<_, _>>()
        .unwrap();
    let mut shape = Shape::new();
    for (t, c, ty, nullable) in rows {
        shape
            .entry(t)
            .or_default()
            .push((c, class_pg(&ty), nullable == "NO"));
    }
    shape
}

fn migrations(s: &SqlStore) -> Vec<(i64, String)> {
    s.connection()
        .prepare("SELECT version, name FROM schema_migrations ORDER BY version")
        .unwrap()
        .query_map([], |r| Ok((r.get(0)?, r.get(1)?)))
        .unwrap()
        .collect::<Result<_, _>>()
        .unwrap()
}

#[test]
fn the_postgres_schema_has_the_same_tables_and_columns_as_sqlite() {
    let lite = SqlStore::open_in_memory().unwrap();
    let lite_shape = sqlite_shape(&lite);
    assert!(lite_shape.len() > 30, "{:?}", lite_shape.keys());
    assert!(lite_shape
        .values()
        .flatten()
        .all(|(c, class, _)| *class != "other" || c.is_empty()));
    let versions: Vec<i64> = delar_store::schema::MIGRATIONS
        .iter()
        .map(|m| m.version)
        .collect();
    let pg_versions: Vec<i64> = delar_store::pg::schema::MIGRATIONS
        .iter()
        .map(|m| m.version)
        .collect();
    assert_eq!(versions, pg_versions, "the same migration versions");
    for (a, b) in delar_store::schema::MIGRATIONS
        .iter()
        .zip(delar_store::pg::schema::MIGRATIONS)
    {
        assert_eq!(a.name, b.name, "migration {}", a.version);
    }

    if !common::set_backend(common::Backend::Postgres) {
        return;
    }
    let pg = common::store();
    assert_eq!(migrations(&lite), migrations(&pg));
    let pg_shape = pg_shape(&pg);
    let lite_tables: Vec<&String> = lite_shape.keys().collect();
    let pg_tables: Vec<&String> = pg_shape.keys().collect();
    assert_eq!(lite_tables, pg_tables, "the same tables");
    for (table, cols) in &lite_shape {
        assert_eq!(cols, &pg_shape[table], "the columns of {table}");
    }
}
