//! Edited report text per round (migration 10). delar drafts the analysis and the proposal
//! for decision; a person rewrites a drafted paragraph and the edit is kept for that round
//! under the paragraph's key (`analys.SN`, `forslag.godkannande`). Every change is a new row,
//! so the table is also the audit trail: the latest row of a key is in force, and a row
//! without text restores the draft. The texts are part of the round's report, so a locked
//! round's texts never change: both writes are refused with [`crate::locked_message`].

use crate::db::{params, OptionalExtension};
use crate::rounds::{refuse_if_locked, write_tx};
use crate::time::now_utc;
use crate::{SqlStore, StoreError};

/// Migration 10: edited report text.
pub(crate) const MIGRATION_REPORT_TEXT: crate::schema::Migration = crate::schema::Migration {
    version: 10,
    name: "redigerad rapporttext",
    sql: r#"
-- Append-only: one row per change. text NULL = the edit was withdrawn (the draft is used).
CREATE TABLE report_text (
    id          INTEGER PRIMARY KEY,
    round       TEXT NOT NULL,
    key         TEXT NOT NULL,
    text        TEXT,
    changed_by  TEXT NOT NULL,
    changed_at  TEXT NOT NULL,
    CHECK (text IS NULL OR length(trim(text)) > 0)
);
CREATE INDEX report_text_round_key ON report_text (round, key, id);
"#,
};

/// One change of a report text.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct TextChange {
    /// The paragraph's key.
    pub key: String,
    /// The new text (with bound figures `{tabell.rad.kolumn}`), `None` when withdrawn.
    pub text: Option<String>,
    /// Who made the change.
    pub by: String,
    /// When (UTC, `ÅÅÅÅ-MM-DDTHH:MM:SSZ`).
    pub at: String,
}

/// Report texts edited per round, with their history, in a store.
pub trait TextStore {
    /// Keep `text` as the round's text for `key` (an empty text is refused by the caller).
    /// Refused when the round is locked, and with `expected` ([`StoreError::Conflict`], naming
    /// who changed it, when and the text now in force) unless the key is still at that
    /// version ([`TextStore::report_text_version`]).
    fn set_report_text(
        &mut self,
        round: &str,
        key: &str,
        text: &str,
        by: &str,
        expected: Option<i64>,
    ) -> Result<(), StoreError>;

    /// Withdraw the edit of `key` (the draft is used again); `false` when there was none.
    /// Refused when the round is locked (also when there is nothing to withdraw), and on a
    /// stale `expected` version as [`TextStore::set_report_text`].
    fn clear_report_text(
        &mut self,
        round: &str,
        key: &str,
        by: &str,
        expected: Option<i64>,
    ) -> Result<bool, StoreError>;

    /// The version of a key's text in a round: the number of changes so far (0 = never
    /// edited); every change raises it.
    fn report_text_version(&self, round: &str, key: &str) -> Result<i64, StoreError>;

    /// The edited texts in force for a round, by key.
    fn report_texts(
        &self,
        round: &str,
    ) -> Result<std::collections::BTreeMap<String, String>, StoreError>;

    /// Every change of a round's texts, oldest first (the audit trail).
    fn report_text_history(&self, round: &str) -> Result<Vec<TextChange>, StoreError>;
}

/// Refuse a change of `key` based on version `expected` when the key is at another: the
/// message names who changed it, when, and the text now in force.
fn check_text_version(
    tx: &crate::db::Transaction<'_>,
    round: &str,
    key: &str,
    expected: Option<i64>,
) -> Result<(), StoreError> {
    let Some(v) = expected else {
        return Ok(());
    };
    let n: i64 = tx.query_row(
        "SELECT COUNT(*) FROM report_text WHERE round = ?1 AND key = ?2",
        params![round, key],
        |r| r.get(0),
    )?;
    if n == v {
        return Ok(());
    }
    let (text, by, at): (Option<String>, String, String) = tx.query_row(
        "SELECT text, changed_by, changed_at FROM report_text WHERE round = ?1 AND key = ?2
         ORDER BY id DESC LIMIT 1",
        params![round, key],
        |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)),
    )?;
    let now = match text {
        Some(t) => format!("nu gäller texten «{t}»"),
        None => "nu gäller utkastet".to_string(),
    };
    Err(StoreError::Conflict(format!(
        "texten {key} i {round} har ändrats sedan du läste den: {by} ändrade den {} och {now} \
         (version {n}). Din ändring sparades inte; läs in texten igen och gör ändringen på nytt.",
        at.replace('T', " ").trim_end_matches('Z')
    )))
}

impl TextStore for SqlStore {
    /// Keep `text` as the round's text for `key` (an empty text is refused by the caller).
    /// Refused when the round is locked.
    fn set_report_text(
        &mut self,
        round: &str,
        key: &str,
        text: &str,
        by: &str,
        expected: Option<i64>,
    ) -> Result<(), StoreError> {
        let tx = write_tx(&mut self.conn)?;
        refuse_if_locked(&tx, round)?;
        check_text_version(&tx, round, key, expected)?;
        tx.execute(
            "INSERT INTO report_text (round, key, text, changed_by, changed_at)
             VALUES (?1, ?2, ?3, ?4, ?5)",
            params![round, key, text.trim(), by, now_utc()],
        )?;
        tx.commit()?;
        Ok(())
    }

    /// Withdraw the edit of `key` (the draft is used again); `false` when there was none.
    /// Refused when the round is locked (also when there is nothing to withdraw).
    fn clear_report_text(
        &mut self,
        round: &str,
        key: &str,
        by: &str,
        expected: Option<i64>,
    ) -> Result<bool, StoreError> {
        let tx = write_tx(&mut self.conn)?;
        refuse_if_locked(&tx, round)?;
        check_text_version(&tx, round, key, expected)?;
        let in_force: Option<Option<String>> = tx
            .query_row(
                "SELECT text FROM report_text WHERE round = ?1 AND key = ?2
                 ORDER BY id DESC LIMIT 1",
                params![round, key],
                |r| r.get(0),
            )
            .optional()?;
        if !matches!(in_force, Some(Some(_))) {
            return Ok(false);
        }
        tx.execute(
            "INSERT INTO report_text (round, key, text, changed_by, changed_at)
             VALUES (?1, ?2, NULL, ?3, ?4)",
            params![round, key, by, now_utc()],
        )?;
        tx.commit()?;
        Ok(true)
    }

    fn report_text_version(&self, round: &str, key: &str) -> Result<i64, StoreError> {
        Ok(self.conn.query_row(
            "SELECT COUNT(*) FROM report_text WHERE round = ?1 AND key = ?2",
            params![round, key],
            |r| r.get(0),
        )?)
    }

    /// The edited texts in force for a round, by key.
    fn report_texts(
        &self,
        round: &str,
    ) -> Result<std::collections::BTreeMap<String, String>, StoreError> {
        let mut stmt = self.conn.prepare(
            "SELECT key, text FROM report_text r
             WHERE round = ?1
               AND id = (SELECT max(id) FROM report_text WHERE round = r.round AND key = r.key)
               AND text IS NOT NULL
             ORDER BY key",
        )?;
        let rows = stmt.query_map(params![round], |r| Ok((r.get(0)?, r.get(1)?)))?;
        Ok(rows.collect::<Result<_, _>>()?)
    }

    /// Every change of a round's texts, oldest first (the audit trail).
    fn report_text_history(&self, round: &str) -> Result<Vec<TextChange>, StoreError> {
        let mut stmt = self.conn.prepare(
            "SELECT key, text, changed_by, changed_at FROM report_text WHERE round = ?1
             ORDER BY id",
        )?;
        let rows = stmt.query_map(params![round], |r| {
            Ok(TextChange {
                key: r.get(0)?,
                text: r.get(1)?,
                by: r.get(2)?,
                at: r.get(3)?,
            })
        })?;
        Ok(rows.collect::<Result<_, _>>()?)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn edits_are_kept_per_round_and_withdrawn_with_history() {
        let mut s = SqlStore::open_in_memory().unwrap();
        s.set_report_text("2025-P2", "analys.SN", "Första.", "anna", None)
            .unwrap();
        s.set_report_text(
            "2025-P2",
            "analys.SN",
            "  Andra {drift.SN.avvikelse}.  ",
            "bo",
            None,
        )
        .unwrap();
        s.set_report_text("2025-P1", "analys.SN", "Annan omgång.", "anna", None)
            .unwrap();
        let p2 = s.report_texts("2025-P2").unwrap();
        assert_eq!(p2.len(), 1);
        assert_eq!(p2["analys.SN"], "Andra {drift.SN.avvikelse}.");
        assert_eq!(
            s.report_texts("2025-P1").unwrap()["analys.SN"],
            "Annan omgång."
        );
        assert!(s
            .clear_report_text("2025-P2", "analys.SN", "anna", None)
            .unwrap());
        assert!(!s
            .clear_report_text("2025-P2", "analys.SN", "anna", None)
            .unwrap());
        assert!(s.report_texts("2025-P2").unwrap().is_empty());
        let h = s.report_text_history("2025-P2").unwrap();
        assert_eq!(h.len(), 3);
        assert_eq!(h[1].by, "bo");
        assert_eq!(h[2].text, None);
        // Editing again after a withdrawal is in force again.
        s.set_report_text("2025-P2", "analys.SN", "Tredje.", "bo", None)
            .unwrap();
        assert_eq!(s.report_texts("2025-P2").unwrap()["analys.SN"], "Tredje.");
    }
}
