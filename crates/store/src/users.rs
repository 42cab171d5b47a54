//! People who use the web application (migration 17): local accounts with a password hash,
//! role grants on organisation nodes, sessions and failed-login counters.
//!
//! The store keeps what it is given: the password hash is computed by the application layer
//! (Argon2id, PHC string), a session is kept only as the SHA-256 of its token, and every time
//! is given by the caller as seconds since the Unix epoch (so that the rules on expiry and
//! lockout, which the application layer decides, can be tested without waiting).

use crate::db::{params, OptionalExtension};
use crate::rounds::write_tx;
use crate::time::now_utc;
use crate::{SqlStore, StoreError};

/// Migration 17: users, role grants, sessions.
pub(crate) const MIGRATION_USERS: crate::schema::Migration = crate::schema::Migration {
    version: 17,
    name: "användare, behörigheter och sessioner",
    sql: r#"
-- A local account. password_hash is a PHC string (Argon2id); failed_logins counts failed
-- attempts since the last success; locked_until (seconds since the epoch) refuses logins
-- until then.
CREATE TABLE app_user (
    name          TEXT PRIMARY KEY,
    password_hash TEXT NOT NULL,
    created_by    TEXT NOT NULL,
    created_at    TEXT NOT NULL,
    failed_logins INTEGER NOT NULL DEFAULT 0,
    locked_until  BIGINT
);

-- A role on an organisation node, valid for the node's subtree.
CREATE TABLE role_grant (
    user_name  TEXT NOT NULL REFERENCES app_user (name) ON DELETE CASCADE,
    role       TEXT NOT NULL
               CHECK (role IN ('enhetschef', 'ekonom', 'administrator', 'lasare')),
    node       TEXT NOT NULL,
    granted_by TEXT NOT NULL,
    granted_at TEXT NOT NULL,
    PRIMARY KEY (user_name, role, node)
);

-- A session: only the SHA-256 (hex) of the token is kept. Times in seconds since the epoch.
CREATE TABLE app_session (
    token_sha256 TEXT PRIMARY KEY,
    user_name    TEXT NOT NULL REFERENCES app_user (name) ON DELETE CASCADE,
    created_at   BIGINT NOT NULL,
    expires_at   BIGINT NOT NULL
);
CREATE INDEX app_session_user ON app_session (user_name);
"#,
};

/// A stored account.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct UserRecord {
    /// Login name.
    pub name: String,
    /// The password hash (PHC string).
    pub password_hash: String,
    /// Who created the account, and when (UTC).
    pub created_by: String,
    /// When.
    pub created_at: String,
    /// Failed logins since the last successful one.
    pub failed_logins: u32,
    /// Logins are refused until this time (seconds since the epoch).
    pub locked_until: Option<i64>,
    /// The account's grants, by node then role.
    pub grants: Vec<StoredGrant>,
}

/// A role granted on a node.
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub struct StoredGrant {
    /// The role's code: `enhetschef`, `ekonom`, `administrator` or `lasare`.
    pub role: String,
    /// The organisation node; the grant holds for its subtree.
    pub node: String,
}

/// A stored session.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct SessionRecord {
    /// The account.
    pub user: String,
    /// Created (seconds since the epoch).
    pub created_at: i64,
    /// Ends (seconds since the epoch).
    pub expires_at: i64,
}

/// Accounts, grants and sessions in a store.
pub trait UserStore {
    /// Create an account; refused ([`StoreError::Refused`]) when the name is taken.
    fn add_user(&mut self, name: &str, password_hash: &str, by: &str) -> Result<(), StoreError>;

    /// Replace an account's password hash (ends its sessions); `false` for an unknown name.
    fn set_password(&mut self, name: &str, password_hash: &str) -> Result<bool, StoreError>;

    /// Remove an account with its grants and sessions; `false` when there was none.
    fn remove_user(&mut self, name: &str) -> Result<bool, StoreError>;

    /// One account with its grants, `None` when unknown.
    fn user(&self, name: &str) -> Result<Option<UserRecord>, StoreError>;

    /// Every account with its grants, by name.
    fn users(&self) -> Result<Vec<UserRecord>, StoreError>;

    /// Grant a role on a node; `false` when the account already had it. Refused for an
    /// unknown account.
    fn grant(&mut self, name: &str, role: &str, node: &str, by: &str) -> Result<bool, StoreError>;

    /// Withdraw a grant; `false` when there was none.
    fn revoke(&mut self, name: &str, role: &str, node: &str) -> Result<bool, StoreError>;

    /// Record the failed-login counter and lockout of an account (after a failed attempt, or
    /// reset to 0 and `None` after a successful one).
    fn set_login_failures(
        &mut self,
        name: &str,
        failures: u32,
        locked_until: Option<i64>,
    ) -> Result<(), StoreError>;

    /// Keep a new session under the SHA-256 of its token.
    fn create_session(
        &mut self,
        token_sha256: &str,
        user: &str,
        now: i64,
        expires_at: i64,
    ) -> Result<(), StoreError>;

    /// The session kept under a token's hash, `None` when there is none (expired sessions are
    /// returned too: the caller decides).
    fn session(&self, token_sha256: &str) -> Result<Option<SessionRecord>, StoreError>;

    /// Move a session's end (sliding expiry).
    fn extend_session(&mut self, token_sha256: &str, expires_at: i64) -> Result<(), StoreError>;

    /// End a session; `false` when there was none.
    fn end_session(&mut self, token_sha256: &str) -> Result<bool, StoreError>;

    /// Remove sessions that ended before `now`; returns how many.
    fn purge_sessions(&mut self, now: i64) -> Result<usize, StoreError>;
}

impl SqlStore {
    fn grants_of(&self, name: &str) -> Result<Vec<StoredGrant>, StoreError> {
        let mut stmt = self.conn.prepare_cached(
            "SELECT role, node FROM role_grant WHERE user_name = ?1 ORDER BY node, role",
        )?;
        let rows = stmt.query_map(params![name], |r| {
            Ok(StoredGrant {
                role: r.get(0)?,
                node: r.get(1)?,
            })
        })?;
        Ok(rows.collect::<Result<Vec<_>, _>>()?)
    }
}

fn user_row(r: &crate::db::Row<'_>) -> crate::db::Result<UserRecord> {
    Ok(UserRecord {
        name: r.get(0)?,
        password_hash: r.get(1)?,
        created_by: r.get(2)?,
        created_at: r.get(3)?,
        failed_logins: r.get::<_, i64>(4)?.clamp(0, u32::MAX as i64) as u32,
        locked_until: r.get(5)?,
        grants: Vec::new(),
    })
}

const USER_COLUMNS: &str =
    "SELECT name, password_hash, created_by, created_at, failed_logins, locked_until FROM app_user";

impl UserStore for SqlStore {
    fn add_user(&mut self, name: &str, password_hash: &str, by: &str) -> Result<(), StoreError> {
        let tx = write_tx(&mut self.conn)?;
        let exists: Option<i64> = tx
            .query_row(
                "SELECT 1 FROM app_user WHERE name = ?1",
                params![name],
                |r| r.get(0),
            )
            .optional()?;
        if exists.is_some() {
            return Err(StoreError::Refused(format!(
                "användaren {name} finns redan; välj ett annat namn, eller ge användaren fler \
                 behörigheter med \"delar anvandare behorighet {name} --roll ROLL --nod NOD\""
            )));
        }
        tx.execute(
            "INSERT INTO app_user (name, password_hash, created_by, created_at)
             VALUES (?1, ?2, ?3, ?4)",
            params![name, password_hash, by, now_utc()],
        )?;
        tx.commit()?;
        Ok(())
    }

    fn set_password(&mut self, name: &str, password_hash: &str) -> Result<bool, StoreError> {
        let tx = write_tx(&mut self.conn)?;
        let n = tx.execute(
            "UPDATE app_user SET password_hash = ?2, failed_logins = 0, locked_until = NULL
             WHERE name = ?1",
            params![name, password_hash],
        )?;
        tx.execute(
            "DELETE FROM app_session WHERE user_name = ?1",
            params![name],
        )?;
        tx.commit()?;
        Ok(n > 0)
    }

    fn remove_user(&mut self, name: &str) -> Result<bool, StoreError> {
        let tx = write_tx(&mut self.conn)?;
        tx.execute(
            "DELETE FROM app_session WHERE user_name = ?1",
            params![name],
        )?;
        tx.execute("DELETE FROM role_grant WHERE user_name = ?1", params![name])?;
        let n = tx.execute("DELETE FROM app_user WHERE name = ?1", params![name])?;
        tx.commit()?;
        Ok(n > 0)
    }

    fn user(&self, name: &str) -> Result<Option<UserRecord>, StoreError> {
        let sql = format!("{USER_COLUMNS} WHERE name = ?1");
        let mut u = self
            .conn
            .prepare_cached(&sql)?
            .query_row(params![name], user_row)
            .optional()?;
        if let Some(u) = u.as_mut() {
            u.grants = self.grants_of(name)?;
        }
        Ok(u)
    }

    fn users(&self) -> Result<Vec<UserRecord>, StoreError> {
        let sql = format!("{USER_COLUMNS} ORDER BY name");
        let mut stmt = self.conn.prepare_cached(&sql)?;
        let mut users = stmt
            .query_map([], user_row)?
            .collect::<Result<Vec<_>, _>>()?;
        for u in &mut users {
            u.grants = self.grants_of(&u.name)?;
        }
        Ok(users)
    }

    fn grant(&mut self, name: &str, role: &str, node: &str, by: &str) -> Result<bool, StoreError> {
        let tx = write_tx(&mut self.conn)?;
        let exists: Option<i64> = tx
            .query_row(
                "SELECT 1 FROM app_user WHERE name = ?1",
                params![name],
                |r| r.get(0),
            )
            .optional()?;
        if exists.is_none() {
            return Err(unknown_user(name));
        }
        let n = tx.execute(
            "INSERT INTO role_grant (user_name, role, node, granted_by, granted_at)
             VALUES (?1, ?2, ?3, ?4, ?5) ON CONFLICT (user_name, role, node) DO NOTHING",
            params![name, role, node, by, now_utc()],
        )?;
        tx.commit()?;
        Ok(n > 0)
    }

    fn revoke(&mut self, name: &str, role: &str, node: &str) -> Result<bool, StoreError> {
        let n = self.conn.execute(
            "DELETE FROM role_grant WHERE user_name = ?1 AND role = ?2 AND node = ?3",
            params![name, role, node],
        )?;
        Ok(n > 0)
    }

    fn set_login_failures(
        &mut self,
        name: &str,
        failures: u32,
        locked_until: Option<i64>,
    ) -> Result<(), StoreError> {
        self.conn.execute(
            "UPDATE app_user SET failed_logins = ?2, locked_until = ?3 WHERE name = ?1",
            params![name, failures as i64, locked_until],
        )?;
        Ok(())
    }

    fn create_session(
        &mut self,
        token_sha256: &str,
        user: &str,
        now: i64,
        expires_at: i64,
    ) -> Result<(), StoreError> {
        self.conn.execute(
            "INSERT INTO app_session (token_sha256, user_name, created_at, expires_at)
             VALUES (?1, ?2, ?3, ?4)",
            params![token_sha256, user, now, expires_at],
        )?;
        Ok(())
    }

    fn session(&self, token_sha256: &str) -> Result<Option<SessionRecord>, StoreError> {
        Ok(self
            .conn
            .prepare_cached(
                "SELECT user_name, created_at, expires_at FROM app_session
                 WHERE token_sha256 = ?1",
            )?
            .query_row(params![token_sha256], |r| {
                Ok(SessionRecord {
                    user: r.get(0)?,
                    created_at: r.get(1)?,
                    expires_at: r.get(2)?,
                })
            })
            .optional()?)
    }

    fn extend_session(&mut self, token_sha256: &str, expires_at: i64) -> Result<(), StoreError> {
        self.conn.execute(
            "UPDATE app_session SET expires_at = ?2 WHERE token_sha256 = ?1",
            params![token_sha256, expires_at],
        )?;
        Ok(())
    }

    fn end_session(&mut self, token_sha256: &str) -> Result<bool, StoreError> {
        let n = self.conn.execute(
            "DELETE FROM app_session WHERE token_sha256 = ?1",
            params![token_sha256],
        )?;
        Ok(n > 0)
    }

    fn purge_sessions(&mut self, now: i64) -> Result<usize, StoreError> {
        Ok(self.conn.execute(
            "DELETE FROM app_session WHERE expires_at < ?1",
            params![now],
        )?)
    }
}

fn unknown_user(name: &str) -> StoreError {
    StoreError::Refused(format!(
        "användaren {name} finns inte; lägg till den med \"delar anvandare lagg-till {name} \
         --roll ROLL --nod NOD\""
    ))
}
