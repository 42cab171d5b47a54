//! The administration pages' use cases (`/admin`): accounts and their grants, the rounds'
//! deadlines and locks, the import log. Only an administrator for the whole organisation (the
//! `administrator` role on a top node) may use them ([`require`]); every change is kept in
//! the administrators' log (`IdentityStore::log_admin`) with who and when.

use crate::auth::{Access, Role};
use crate::users::{self, UserSummary};
use crate::{AppError, Result};
use delar_core::Round;
use delar_store::prelude::*;
use delar_store::{AdminEvent, BatchInfo, ExternalIdentity, RoundInfo};

/// How many entries of the administrators' log the pages show.
pub const LOG_SHOWN: usize = 200;

/// Whether `user` is an administrator for the whole organisation: the `administrator` role
/// on a node that is (or has been) a top node of the stored organisation.
pub fn is_admin(store: &dyn Backend, user: &str) -> Result<bool> {
    let Some(access) = Access::load(store, user)? else {
        return Ok(false);
    };
    let org = store.organisation()?;
    Ok(access.grants.iter().any(|g| {
        g.role == Role::Administrator
            && org
                .versions(&g.node)
                .any(|n| n.parent.as_deref().is_none_or(str::is_empty))
    }))
}

/// Refuse ([`AppError::Forbidden`]) anyone but an administrator for the whole organisation.
pub fn require(store: &dyn Backend, user: &str) -> Result<()> {
    if is_admin(store, user)? {
        Ok(())
    } else {
        Err(AppError::Forbidden(format!(
            "{user} har ingen behörighet till administrationen; den kräver rollen \
             administratör på organisationens översta nod"
        )))
    }
}

/// An account as the administration shows it: never its password hash.
#[derive(Clone, Debug)]
pub struct AdminUser {
    /// Name, grants, lockout, created.
    pub summary: UserSummary,
    /// Whether it has a password (an account made at an external sign-in has none).
    pub has_password: bool,
    /// Its identities at the identity provider.
    pub identities: Vec<ExternalIdentity>,
}

/// Every account with its grants and identities, by name.
pub fn users(store: &dyn Backend, admin: &str) -> Result<Vec<AdminUser>> {
    require(store, admin)?;
    let identities = store.external_identities()?;
    let passwords: std::collections::HashMap<String, bool> = store
        .users()?
        .into_iter()
        .map(|u| (u.name, !u.password_hash.is_empty()))
        .collect();
    Ok(users::list_users(store)?
        .into_iter()
        .map(|summary| AdminUser {
            has_password: passwords.get(&summary.name).copied().unwrap_or(false),
            identities: identities
                .iter()
                .filter(|i| i.user == summary.name)
                .cloned()
                .collect(),
            summary,
        })
        .collect())
}

/// Add a local account with a password and a first grant.
pub fn add_user(
    store: &mut dyn Backend,
    admin: &str,
    name: &str,
    password: &str,
    role: Role,
    node: &str,
) -> Result<()> {
    require(store, admin)?;
    users::add_user(store, name, password, role, node, admin)?;
    store.log_admin(
        admin,
        "lagg-till-anvandare",
        &format!("lade till {name} som {} på {node}", role.label()),
    )?;
    Ok(())
}

/// Grant a role on a node; `false` when the account already had it (nothing logged).
pub fn grant(
    store: &mut dyn Backend,
    admin: &str,
    name: &str,
    role: Role,
    node: &str,
) -> Result<bool> {
    require(store, admin)?;
    let done = users::grant(store, name, role, node, admin)?;
    if done {
        store.log_admin(
            admin,
            "behorighet",
            &format!("gav {name} rollen {} på {node}", role.label()),
        )?;
    }
    Ok(done)
}

/// Withdraw a grant. An administrator cannot withdraw their own administrator role (someone
/// must be left to administer).
pub fn revoke(
    store: &mut dyn Backend,
    admin: &str,
    name: &str,
    role: Role,
    node: &str,
) -> Result<()> {
    require(store, admin)?;
    if name == admin && role == Role::Administrator {
        crate::fail!(
            "du kan inte ta bort din egen roll som administratör; be en annan administratör \
             göra det"
        );
    }
    users::revoke(store, name, role, node)?;
    store.log_admin(
        admin,
        "ta-bort-behorighet",
        &format!("tog bort rollen {} på {node} från {name}", role.label()),
    )?;
    Ok(())
}

/// Remove an account with its grants, sessions and identities (what it did stays in the
/// audit logs). Not one's own account.
pub fn remove_user(store: &mut dyn Backend, admin: &str, name: &str) -> Result<()> {
    require(store, admin)?;
    if name == admin {
        crate::fail!("du kan inte ta bort ditt eget konto; be en annan administratör göra det");
    }
    users::remove_user(store, name)?;
    store.log_admin(admin, "ta-bort-anvandare", &format!("tog bort {name}"))?;
    Ok(())
}

/// Every round with its status, oldest first.
pub fn rounds(store: &dyn Backend, admin: &str) -> Result<Vec<RoundInfo>> {
    require(store, admin)?;
    Ok(store.forecast_rounds()?)
}

/// Set (a typed `ÅÅÅÅ-MM-DD`) or clear (`None`) a round's deadline.
pub fn set_deadline(
    store: &mut dyn Backend,
    admin: &str,
    round: &Round,
    date: Option<&str>,
) -> Result<Option<delar_core::Date>> {
    require(store, admin)?;
    let d = crate::workflow::set_deadline(store, round, date, admin)?;
    let detail = match d {
        Some(d) => format!("satte tidsfristen för {} till {d}", round.id()),
        None => format!("tog bort tidsfristen för {}", round.id()),
    };
    store.log_admin(admin, "tidsfrist", &detail)?;
    Ok(d)
}

/// Lock a round (as `delar forecast lock`; refused when it is locked already).
pub fn lock_round(store: &mut dyn Backend, admin: &str, round: &Round) -> Result<()> {
    require(store, admin)?;
    crate::workflow::lock_round(store, admin, round)?;
    store.log_admin(admin, "las-omgang", &format!("låste {}", round.id()))?;
    Ok(())
}

/// The import log (every batch, newest first).
pub fn imports(store: &dyn Backend, admin: &str) -> Result<Vec<BatchInfo>> {
    require(store, admin)?;
    let mut b = store.batches()?;
    b.reverse();
    Ok(b)
}

/// The administrators' log, newest first ([`LOG_SHOWN`] entries at most).
pub fn events(store: &dyn Backend, admin: &str) -> Result<Vec<AdminEvent>> {
    require(store, admin)?;
    Ok(store.admin_events(LOG_SHOWN)?)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::auth::{authorize, hash_password, Action};
    use crate::workflow::tests::exempel_store;

    fn with_people() -> delar_store::SqliteStore {
        let mut s = exempel_store();
        let h = hash_password("demo").unwrap();
        for (name, role, node) in [
            ("admin", Role::Administrator, "PO"),
            ("admin-sn", Role::Administrator, "SN"),
            ("ekonom", Role::Ekonom, "PO"),
        ] {
            s.add_user(name, &h, "test").unwrap();
            s.grant(name, role.code(), node, "test").unwrap();
        }
        s
    }

    #[test]
    fn only_an_administrator_on_the_top_node_administers() {
        let s = with_people();
        require(&s, "admin").unwrap();
        for who in ["admin-sn", "ekonom", "okand"] {
            let e = require(&s, who).unwrap_err();
            assert!(matches!(e, AppError::Forbidden(_)), "{who}: {e}");
            assert!(e
                .to_string()
                .contains("administratör på organisationens översta nod"));
        }
        assert!(users(&s, "ekonom").is_err());
        assert!(rounds(&s, "admin-sn").is_err());
        assert!(imports(&s, "ekonom").is_err());
    }

    #[test]
    fn changes_are_made_and_logged_and_refusals_explained() {
        let mut s = with_people();
        add_user(&mut s, "admin", "ekonom-ny", "hemligt", Role::Ekonom, "SN").unwrap();
        assert!(grant(&mut s, "admin", "ekonom-ny", Role::Lasare, "VON").unwrap());
        assert!(!grant(&mut s, "admin", "ekonom-ny", Role::Lasare, "VON").unwrap());
        let round = Round::parse("2025-P2").unwrap();
        authorize(&s, "ekonom-ny", &round, "VON21", Action::Read).unwrap();
        revoke(&mut s, "admin", "ekonom-ny", Role::Lasare, "VON").unwrap();
        assert!(authorize(&s, "ekonom-ny", &round, "VON21", Action::Read).is_err());
        let e = add_user(&mut s, "ekonom", "x", "y", Role::Ekonom, "SN").unwrap_err();
        assert!(
            e.to_string().contains("behörighet till administrationen"),
            "{e}"
        );
        assert!(s.user("x").unwrap().is_none());
        let e = revoke(&mut s, "admin", "admin", Role::Administrator, "PO").unwrap_err();
        assert!(e.to_string().contains("din egen roll"), "{e}");
        let e = remove_user(&mut s, "admin", "admin").unwrap_err();
        assert!(e.to_string().contains("ditt eget konto"), "{e}");
        let list = users(&s, "admin").unwrap();
        let ny = list.iter().find(|u| u.summary.name == "ekonom-ny").unwrap();
        assert!(ny.has_password);
        assert_eq!(ny.summary.grants, vec![(Role::Ekonom, "SN".to_string())]);
        remove_user(&mut s, "admin", "ekonom-ny").unwrap();
        assert!(s.user("ekonom-ny").unwrap().is_none());
        let d = set_deadline(&mut s, "admin", &round, Some("2025-09-05")).unwrap();
        assert_eq!(d.unwrap().to_string(), "2025-09-05");
        let e = set_deadline(&mut s, "admin", &round, Some("5/9")).unwrap_err();
        assert!(e.to_string().contains("ÅÅÅÅ-MM-DD"), "{e}");
        set_deadline(&mut s, "admin", &round, None).unwrap();
        assert!(rounds(&s, "admin")
            .unwrap()
            .iter()
            .all(|r| r.deadline.is_none()));
        assert!(!imports(&s, "admin").unwrap().is_empty(), "the SIE batches");
        let log: Vec<String> = events(&s, "admin")
            .unwrap()
            .into_iter()
            .map(|e| format!("{} {} {}", e.user, e.action, e.detail))
            .collect();
        assert_eq!(
            log,
            [
                "admin tidsfrist tog bort tidsfristen för 2025-P2",
                "admin tidsfrist satte tidsfristen för 2025-P2 till 2025-09-05",
                "admin ta-bort-anvandare tog bort ekonom-ny",
                "admin ta-bort-behorighet tog bort rollen läsare på VON från ekonom-ny",
                "admin behorighet gav ekonom-ny rollen läsare på VON",
                "admin lagg-till-anvandare lade till ekonom-ny som ekonom på SN",
            ]
        );
    }
}
