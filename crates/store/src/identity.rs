//! Sign-in through the municipality's identity provider and the administrators' log
//! (migration 25): which account an external identity (an OpenID Connect issuer and the value
//! of the claim that identifies a person there) belongs to, and every change made on the
//! administration pages (who, when, what).
//!
//! An account created at a first external sign-in has an empty password hash: no password
//! matches it, so it signs in only through its provider.

use crate::db::{params, OptionalExtension};
use crate::rounds::write_tx;
use crate::time::now_utc;
use crate::{SqlStore, StoreError};

/// Migration 25: external identities and the administrators' log.
pub(crate) const MIGRATION_IDENTITY: crate::schema::Migration = crate::schema::Migration {
    version: 25,
    name: "externa identiteter och administrationslogg",
    sql: r#"
-- An account's identity at an OpenID Connect provider: the issuer exactly as configured and
-- the value of the identifying claim (claim names which one, e.g. oid or sub).
CREATE TABLE external_identity (
    issuer        TEXT NOT NULL,
    subject       TEXT NOT NULL,
    claim         TEXT NOT NULL,
    user_name     TEXT NOT NULL REFERENCES app_user (name) ON DELETE CASCADE,
    created_at    TEXT NOT NULL,
    last_login_at TEXT,
    PRIMARY KEY (issuer, subject)
);
CREATE INDEX external_identity_user ON external_identity (user_name);

-- Every change made on the administration pages, oldest first.
CREATE TABLE admin_audit (
    id        INTEGER PRIMARY KEY,
    at        TEXT NOT NULL,
    user_name TEXT NOT NULL,
    action    TEXT NOT NULL,
    detail    TEXT NOT NULL
);
"#,
};

/// An account's identity at an external provider.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ExternalIdentity {
    /// The provider's issuer URL, as configured.
    pub issuer: String,
    /// The identifying claim's value.
    pub subject: String,
    /// The identifying claim's name (`oid`, `sub`, `preferred_username` …).
    pub claim: String,
    /// The account.
    pub user: String,
    /// When the identity was first seen (UTC).
    pub created_at: String,
    /// The latest sign-in with it (UTC).
    pub last_login_at: Option<String>,
}

/// One entry of the administrators' log.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct AdminEvent {
    /// When (UTC, `YYYY-MM-DDTHH:MM:SSZ`).
    pub at: String,
    /// Who.
    pub user: String,
    /// What, as a short code (`lagg-till-anvandare`, `behorighet`, …).
    pub action: String,
    /// The details in Swedish.
    pub detail: String,
}

/// External identities and the administrators' log in a store.
pub trait IdentityStore {
    /// The identity kept for `issuer` × `subject`, `None` when unknown.
    fn external_identity(
        &self,
        issuer: &str,
        subject: &str,
    ) -> Result<Option<ExternalIdentity>, StoreError>;

    /// Every external identity, by account.
    fn external_identities(&self) -> Result<Vec<ExternalIdentity>, StoreError>;

    /// Create an account that signs in only through a provider (an empty password hash),
    /// with its identity and the given grants (role code, node), in one transaction.
    /// Refused when the name is taken or the identity belongs to another account.
    fn add_external_user(
        &mut self,
        name: &str,
        identity: (&str, &str, &str),
        grants: &[(String, String)],
        by: &str,
    ) -> Result<(), StoreError>;

    /// Record a sign-in with an identity (its latest sign-in time).
    fn touch_external_identity(&mut self, issuer: &str, subject: &str) -> Result<(), StoreError>;

    /// Append to the administrators' log.
    fn log_admin(&mut self, user: &str, action: &str, detail: &str) -> Result<(), StoreError>;

    /// The administrators' log, newest first, at most `limit` entries.
    fn admin_events(&self, limit: usize) -> Result<Vec<AdminEvent>, StoreError>;
}

fn identity_row(r: &crate::db::Row<'_>) -> crate::db::Result<ExternalIdentity> {
    Ok(ExternalIdentity {
        issuer: r.get(0)?,
        subject: r.get(1)?,
        claim: r.get(2)?,
        user: r.get(3)?,
        created_at: r.get(4)?,
        last_login_at: r.get(5)?,
    })
}

const IDENTITY_COLUMNS: &str =
    "SELECT issuer, subject, claim, user_name, created_at, last_login_at FROM external_identity";

impl IdentityStore for SqlStore {
    fn external_identity(
        &self,
        issuer: &str,
        subject: &str,
    ) -> Result<Option<ExternalIdentity>, StoreError> {
        let sql = format!("{IDENTITY_COLUMNS} WHERE issuer = ?1 AND subject = ?2");
        Ok(self
            .conn
            .prepare_cached(&sql)?
            .query_row(params![issuer, subject], identity_row)
            .optional()?)
    }

    fn external_identities(&self) -> Result<Vec<ExternalIdentity>, StoreError> {
        let sql = format!("{IDENTITY_COLUMNS} ORDER BY user_name, issuer, subject");
        let mut stmt = self.conn.prepare_cached(&sql)?;
        let rows = stmt.query_map([], identity_row)?;
        Ok(rows.collect::<Result<Vec<_>, _>>()?)
    }

    fn add_external_user(
        &mut self,
        name: &str,
        identity: (&str, &str, &str),
        grants: &[(String, String)],
        by: &str,
    ) -> Result<(), StoreError> {
        let (issuer, subject, claim) = identity;
        let tx = write_tx(&mut self.conn)?;
        let taken: Option<i64> = tx
            .query_row(
                "SELECT 1 FROM app_user WHERE name = ?1",
                params![name],
                |r| r.get(0),
            )
            .optional()?;
        if taken.is_some() {
            return Err(StoreError::Refused(format!(
                "användaren {name} finns redan; välj ett annat namn"
            )));
        }
        let owner: Option<String> = tx
            .query_row(
                "SELECT user_name FROM external_identity WHERE issuer = ?1 AND subject = ?2",
                params![issuer, subject],
                |r| r.get(0),
            )
            .optional()?;
        if let Some(owner) = owner {
            return Err(StoreError::Refused(format!(
                "identiteten {claim}={subject} hos {issuer} hör redan till användaren {owner}"
            )));
        }
        let now = now_utc();
        tx.execute(
            "INSERT INTO app_user (name, password_hash, created_by, created_at)
             VALUES (?1, '', ?2, ?3)",
            params![name, by, now],
        )?;
        tx.execute(
            "INSERT INTO external_identity (issuer, subject, claim, user_name, created_at,
                 last_login_at)
             VALUES (?1, ?2, ?3, ?4, ?5, ?5)",
            params![issuer, subject, claim, name, now],
        )?;
        for (role, node) in grants {
            tx.execute(
                "INSERT INTO role_grant (user_name, role, node, granted_by, granted_at)
                 VALUES (?1, ?2, ?3, ?4, ?5) ON CONFLICT (user_name, role, node) DO NOTHING",
                params![name, role, node, by, now],
            )?;
        }
        tx.commit()?;
        Ok(())
    }

    fn touch_external_identity(&mut self, issuer: &str, subject: &str) -> Result<(), StoreError> {
        self.conn.execute(
            "UPDATE external_identity SET last_login_at = ?3 WHERE issuer = ?1 AND subject = ?2",
            params![issuer, subject, now_utc()],
        )?;
        Ok(())
    }

    fn log_admin(&mut self, user: &str, action: &str, detail: &str) -> Result<(), StoreError> {
        self.conn.execute(
            "INSERT INTO admin_audit (at, user_name, action, detail) VALUES (?1, ?2, ?3, ?4)",
            params![now_utc(), user, action, detail],
        )?;
        Ok(())
    }

    fn admin_events(&self, limit: usize) -> Result<Vec<AdminEvent>, StoreError> {
        let mut stmt = self.conn.prepare_cached(
            "SELECT at, user_name, action, detail FROM admin_audit ORDER BY id DESC LIMIT ?1",
        )?;
        let rows = stmt.query_map(params![limit.min(i64::MAX as usize) as i64], |r| {
            Ok(AdminEvent {
                at: r.get(0)?,
                user: r.get(1)?,
                action: r.get(2)?,
                detail: r.get(3)?,
            })
        })?;
        Ok(rows.collect::<Result<Vec<_>, _>>()?)
    }
}
