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
use crate::{SqlStore, StoreError, StoredGrant};

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

/// Migration 27: sign-ins under way at the identity provider and failed logins per client
/// address, in the database so that several servers behind a load balancer share them.
pub(crate) const MIGRATION_SIGNIN_STATE: crate::schema::Migration = crate::schema::Migration {
    version: 27,
    name: "pågående inloggningar och misslyckade inloggningar per adress",
    sql: r#"
-- A sign-in begun at the OpenID Connect provider, taken once by its answer. Only the SHA-256
-- of the state and of the browser binding are kept; the nonce and the PKCE verifier are
-- single-use values for that one answer. Times in seconds since the epoch.
CREATE TABLE oidc_pending (
    state_sha256   TEXT PRIMARY KEY,
    nonce          TEXT NOT NULL,
    pkce_verifier  TEXT NOT NULL,
    next_path      TEXT NOT NULL,
    binding_sha256 TEXT NOT NULL,
    created_at     BIGINT NOT NULL,
    expires_at     BIGINT NOT NULL
);
CREATE INDEX oidc_pending_expires ON oidc_pending (expires_at);

-- Failed logins from one client address within a window that began at window_start; logins
-- from it are refused until locked_until.
CREATE TABLE login_address (
    address      TEXT PRIMARY KEY,
    failures     INTEGER NOT NULL,
    window_start BIGINT NOT NULL,
    locked_until BIGINT
);
"#,
};

/// A sign-in under way at the identity provider (migration 27).
#[derive(Clone, PartialEq, Eq)]
pub struct PendingSignIn {
    /// SHA-256 (hex) of the `state` sent to the provider.
    pub state_sha256: String,
    /// The nonce the ID token must carry.
    pub nonce: String,
    /// The PKCE code verifier.
    pub pkce_verifier: String,
    /// The local page to go to afterwards.
    pub next_path: String,
    /// SHA-256 (hex) of the value in the browser's binding cookie.
    pub binding_sha256: String,
    /// Begun (seconds since the epoch).
    pub created_at: i64,
    /// No longer accepted from then on (seconds since the epoch).
    pub expires_at: i64,
}

impl std::fmt::Debug for PendingSignIn {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        // The nonce and verifier are secrets of the flow: never in a log.
        f.debug_struct("PendingSignIn")
            .field("next_path", &self.next_path)
            .field("created_at", &self.created_at)
            .field("expires_at", &self.expires_at)
            .finish_non_exhaustive()
    }
}

/// Failed logins from one client address (migration 27).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct AddressFailures {
    /// The client address.
    pub address: String,
    /// Failures within the window.
    pub failures: u32,
    /// When the window began (seconds since the epoch).
    pub window_start: i64,
    /// Logins from the address are refused until then.
    pub locked_until: Option<i64>,
}

/// The rule for failed logins per address, as the application layer sets it.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct AddressRule {
    /// The window's length in seconds: failures older than that are forgotten.
    pub window: i64,
    /// This many failures within the window lock the address.
    pub limit: u32,
    /// For this many seconds.
    pub lock: i64,
}

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

    /// The grants of an account that `by` made (role, node), e.g. those a provider's group
    /// mapping gave at sign-in.
    fn grants_given_by(&self, name: &str, by: &str) -> Result<Vec<StoredGrant>, StoreError>;

    /// Keep a sign-in under way; expired ones (`expires_at <= now`) are removed first, and
    /// when `max` are still kept the oldest gives way.
    fn put_pending_sign_in(
        &mut self,
        p: &PendingSignIn,
        now: i64,
        max: usize,
    ) -> Result<(), StoreError>;

    /// Take a sign-in under way out (once: a second take of the same state finds nothing);
    /// `None` when there is none or it has expired by `now`.
    fn take_pending_sign_in(
        &mut self,
        state_sha256: &str,
        now: i64,
    ) -> Result<Option<PendingSignIn>, StoreError>;

    /// The failed logins kept for a client address, `None` when there are none.
    fn address_failures(&self, address: &str) -> Result<Option<AddressFailures>, StoreError>;

    /// Count a failed login from `address` under `rule` in one transaction (a window that has
    /// passed starts over; reaching the limit locks the address) and forget addresses whose
    /// window and lock have both passed. Returns the address's count after it.
    fn record_address_failure(
        &mut self,
        address: &str,
        now: i64,
        rule: AddressRule,
    ) -> Result<AddressFailures, StoreError>;
}

fn pending_row(r: &crate::db::Row<'_>) -> crate::db::Result<PendingSignIn> {
    Ok(PendingSignIn {
        state_sha256: r.get(0)?,
        nonce: r.get(1)?,
        pkce_verifier: r.get(2)?,
        next_path: r.get(3)?,
        binding_sha256: r.get(4)?,
        created_at: r.get(5)?,
        expires_at: r.get(6)?,
    })
}

fn address_row(r: &crate::db::Row<'_>) -> crate::db::Result<AddressFailures> {
    Ok(AddressFailures {
        address: r.get(0)?,
        failures: r.get::<_, i64>(1)?.clamp(0, u32::MAX as i64) as u32,
        window_start: r.get(2)?,
        locked_until: r.get(3)?,
    })
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

    fn grants_given_by(&self, name: &str, by: &str) -> Result<Vec<StoredGrant>, StoreError> {
        let mut stmt = self.conn.prepare_cached(
            "SELECT role, node FROM role_grant WHERE user_name = ?1 AND granted_by = ?2
             ORDER BY node, role",
        )?;
        let rows = stmt.query_map(params![name, by], |r| {
            Ok(StoredGrant {
                role: r.get(0)?,
                node: r.get(1)?,
            })
        })?;
        Ok(rows.collect::<Result<Vec<_>, _>>()?)
    }

    fn put_pending_sign_in(
        &mut self,
        p: &PendingSignIn,
        now: i64,
        max: usize,
    ) -> Result<(), StoreError> {
        let tx = write_tx(&mut self.conn)?;
        tx.execute(
            "DELETE FROM oidc_pending WHERE expires_at <= ?1",
            params![now],
        )?;
        let kept: i64 = tx.query_row("SELECT COUNT(*) FROM oidc_pending", [], |r| r.get(0))?;
        let over = kept + 1 - max.max(1) as i64;
        if over > 0 {
            tx.execute(
                "DELETE FROM oidc_pending WHERE state_sha256 IN (SELECT state_sha256 FROM \
                 oidc_pending ORDER BY created_at, state_sha256 LIMIT ?1)",
                params![over],
            )?;
        }
        tx.execute(
            "INSERT INTO oidc_pending (state_sha256, nonce, pkce_verifier, next_path,
                 binding_sha256, created_at, expires_at)
             VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)",
            params![
                p.state_sha256,
                p.nonce,
                p.pkce_verifier,
                p.next_path,
                p.binding_sha256,
                p.created_at,
                p.expires_at
            ],
        )?;
        tx.commit()?;
        Ok(())
    }

    fn take_pending_sign_in(
        &mut self,
        state_sha256: &str,
        now: i64,
    ) -> Result<Option<PendingSignIn>, StoreError> {
        // One statement takes the row out: two servers answering the same state cannot both
        // get it.
        let taken = self
            .conn
            .prepare_cached(
                "DELETE FROM oidc_pending WHERE state_sha256 = ?1
                 RETURNING state_sha256, nonce, pkce_verifier, next_path, binding_sha256,
                     created_at, expires_at",
            )?
            .query_row(params![state_sha256], pending_row)
            .optional()?;
        Ok(taken.filter(|p| p.expires_at > now))
    }

    fn address_failures(&self, address: &str) -> Result<Option<AddressFailures>, StoreError> {
        Ok(self
            .conn
            .prepare_cached(
                "SELECT address, failures, window_start, locked_until FROM login_address
                 WHERE address = ?1",
            )?
            .query_row(params![address], address_row)
            .optional()?)
    }

    fn record_address_failure(
        &mut self,
        address: &str,
        now: i64,
        rule: AddressRule,
    ) -> Result<AddressFailures, StoreError> {
        let tx = write_tx(&mut self.conn)?;
        let old = tx
            .query_row(
                "SELECT address, failures, window_start, locked_until FROM login_address
                 WHERE address = ?1",
                params![address],
                address_row,
            )
            .optional()?;
        let (failures, window_start) = match &old {
            Some(o) if o.window_start > now - rule.window => {
                (o.failures.saturating_add(1), o.window_start)
            }
            _ => (1, now),
        };
        let still_locked = old
            .as_ref()
            .and_then(|o| o.locked_until)
            .filter(|&t| t > now);
        let locked_until = if failures >= rule.limit {
            Some(now + rule.lock)
        } else {
            still_locked
        };
        tx.execute(
            "INSERT INTO login_address (address, failures, window_start, locked_until)
             VALUES (?1, ?2, ?3, ?4)
             ON CONFLICT (address) DO UPDATE SET failures = excluded.failures,
                 window_start = excluded.window_start, locked_until = excluded.locked_until",
            params![address, failures as i64, window_start, locked_until],
        )?;
        tx.execute(
            "DELETE FROM login_address WHERE window_start <= ?1
                 AND (locked_until IS NULL OR locked_until <= ?2)",
            params![now - rule.window, now],
        )?;
        tx.commit()?;
        Ok(AddressFailures {
            address: address.to_string(),
            failures,
            window_start,
            locked_until,
        })
    }
}
