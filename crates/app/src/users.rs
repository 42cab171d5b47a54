//! Accounts and grants: add, list, remove, grant. The front ends read the password (a prompt
//! without echo, standard input, a form); these functions check the name, the role and the
//! node and keep the Argon2id hash.

use crate::auth::{hash_password, Role};
use crate::{fail, AppError, Result};
use delar_store::prelude::*;

/// Longest login name.
pub const MAX_NAME: usize = 64;

/// Longest password accepted (Argon2 hashes any length, but a megabyte is no password).
pub const MAX_PASSWORD: usize = 1024;

/// An account as listed.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct UserSummary {
    /// Login name.
    pub name: String,
    /// Roles with their nodes, by node.
    pub grants: Vec<(Role, String)>,
    /// Locked after failed logins until (seconds since the epoch).
    pub locked_until: Option<i64>,
    /// When the account was created (UTC) and by whom.
    pub created: (String, String),
}

/// Check a login name: 1–64 characters, lower-case letters a–z, digits, `-`, `_`, `.`.
pub fn check_name(name: &str) -> Result<()> {
    let ok = !name.is_empty()
        && name.chars().count() <= MAX_NAME
        && name
            .chars()
            .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || "-_.".contains(c));
    if !ok {
        fail!(
            "användarnamnet \"{name}\" kan inte användas: skriv 1–{MAX_NAME} tecken bland a–z \
             (gemener), siffror, - _ och . (till exempel enhetschef-sn41)"
        );
    }
    Ok(())
}

fn check_password(password: &str) -> Result<()> {
    if password.is_empty() {
        fail!("lösenordet är tomt; skriv ett lösenord");
    }
    if password.len() > MAX_PASSWORD {
        fail!("lösenordet är längre än {MAX_PASSWORD} byte; välj ett kortare");
    }
    Ok(())
}

/// Check that `node` is (or has been) a node of the stored organisation.
pub fn check_node(store: &dyn Backend, node: &str) -> Result<()> {
    let org = store.organisation()?;
    if org.is_empty() {
        fail!(
            "det finns ingen organisation i databasen att ge behörighet i; importera den först \
             med \"delar import organisation organisation.csv\""
        );
    }
    if org.versions(node).next().is_none() {
        return Err(AppError::NotFound(format!(
            "noden {node} finns inte i organisationen; ange en kod som finns i \"delar \
             organisation\" (till exempel {})",
            org.nodes()
                .first()
                .map(|n| n.code.as_str())
                .unwrap_or("SN41")
        )));
    }
    Ok(())
}

/// Create an account with a first grant; `by` is who does it.
pub fn add_user(
    store: &mut dyn Backend,
    name: &str,
    password: &str,
    role: Role,
    node: &str,
    by: &str,
) -> Result<()> {
    check_name(name)?;
    check_password(password)?;
    check_node(store, node)?;
    let hash = hash_password(password)?;
    store.add_user(name, &hash, by)?;
    store.grant(name, role.code(), node, by)?;
    Ok(())
}

/// Grant one more role on a node; `false` when the account already had it.
pub fn grant(
    store: &mut dyn Backend,
    name: &str,
    role: Role,
    node: &str,
    by: &str,
) -> Result<bool> {
    check_node(store, node)?;
    Ok(store.grant(name, role.code(), node, by)?)
}

/// Withdraw a grant; fails when the account did not have it.
pub fn revoke(store: &mut dyn Backend, name: &str, role: Role, node: &str) -> Result<()> {
    if !store.revoke(name, role.code(), node)? {
        return Err(AppError::NotFound(format!(
            "{name} har ingen behörighet som {} på {node}; se \"delar anvandare lista\"",
            role.code()
        )));
    }
    Ok(())
}

/// Set a new password (ends the account's sessions and lifts a lockout).
pub fn set_password(store: &mut dyn Backend, name: &str, password: &str) -> Result<()> {
    check_password(password)?;
    if !store.set_password(name, &hash_password(password)?)? {
        return Err(unknown(name));
    }
    Ok(())
}

/// Remove an account with its grants and sessions (what it did stays in the audit logs).
pub fn remove_user(store: &mut dyn Backend, name: &str) -> Result<()> {
    if !store.remove_user(name)? {
        return Err(unknown(name));
    }
    Ok(())
}

/// Every account with its grants, by name.
pub fn list_users(store: &dyn Backend) -> Result<Vec<UserSummary>> {
    Ok(store
        .users()?
        .into_iter()
        .map(|u| UserSummary {
            grants: u
                .grants
                .iter()
                .filter_map(|g| Some((Role::parse(&g.role)?, g.node.clone())))
                .collect(),
            name: u.name,
            locked_until: u.locked_until,
            created: (u.created_at, u.created_by),
        })
        .collect())
}

/// The demo's accounts on an organisation tree (Exempelkommun's shape): `ekonom` for the
/// top node, `ekonom-<nämnd>` and `forvaltningschef-<nämnd>` (enhetschef on the committee, who
/// reports its goals) for every committee (`nämnd`) in lower case, `enhetschef-<nod>` for every
/// unit and intraprenad, `admin` (administrator) and `revisor` (läsare) on the top.
pub fn demo_accounts(tree: &delar_core::OrgTree) -> Vec<(String, Role, String)> {
    use delar_core::OrgKind;
    let Some(root) = tree.root() else {
        return Vec::new();
    };
    let mut out = vec![("ekonom".to_string(), Role::Ekonom, root.code.clone())];
    for (_, n) in tree.walk() {
        let name = n.code.to_lowercase();
        match n.kind {
            OrgKind::Namnd => {
                out.push((format!("ekonom-{name}"), Role::Ekonom, n.code.clone()));
                // The head of administration reports the committee's goals (enters the
                // indicators' values and submits them): a unit manager's role on the
                // committee node.
                out.push((
                    format!("forvaltningschef-{name}"),
                    Role::Enhetschef,
                    n.code.clone(),
                ));
            }
            OrgKind::Enhet | OrgKind::Intraprenad => out.push((
                format!("enhetschef-{name}"),
                Role::Enhetschef,
                n.code.clone(),
            )),
            _ => {}
        }
    }
    out.push(("admin".into(), Role::Administrator, root.code.clone()));
    out.push(("revisor".into(), Role::Lasare, root.code.clone()));
    out
}

/// Create the demo's accounts ([`demo_accounts`]), all with `password`; accounts that exist
/// already are left as they are. Returns the accounts created.
pub fn add_demo_accounts(
    store: &mut dyn Backend,
    tree: &delar_core::OrgTree,
    password: &str,
    by: &str,
) -> Result<Vec<(String, Role, String)>> {
    let mut made = Vec::new();
    for (name, role, node) in demo_accounts(tree) {
        if store.user(&name)?.is_some() {
            continue;
        }
        add_user(store, &name, password, role, &node, by)?;
        made.push((name, role, node));
    }
    Ok(made)
}

fn unknown(name: &str) -> AppError {
    AppError::NotFound(format!(
        "användaren {name} finns inte; se \"delar anvandare lista\""
    ))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::auth::{authorize, verify_password, Action};
    use crate::workflow::tests::exempel_store;

    #[test]
    fn demo_accounts_follow_the_organisation() {
        let mut s = exempel_store();
        let org = s.organisation().unwrap();
        let tree = org.tree_at(delar_core::YearMonth::new(2025, 8).unwrap());
        let accounts = demo_accounts(&tree);
        let names: Vec<&str> = accounts.iter().map(|(n, _, _)| n.as_str()).collect();
        for n in [
            "ekonom",
            "ekonom-sn",
            "forvaltningschef-sn",
            "ekonom-von",
            "ekonom-fsn",
            "enhetschef-sn41",
            "enhetschef-von33",
            "admin",
            "revisor",
        ] {
            assert!(names.contains(&n), "{n} in {names:?}");
        }
        assert!(
            !names.contains(&"enhetschef-pne1"),
            "external providers have no manager"
        );
        assert!(!names.contains(&"enhetschef-sn40"), "areas are not units");
        let made = add_demo_accounts(&mut s, &tree, "demo", "demo").unwrap();
        assert_eq!(made.len(), accounts.len());
        assert!(add_demo_accounts(&mut s, &tree, "demo", "demo")
            .unwrap()
            .is_empty());
        let round = delar_core::Round::parse("2025-P2").unwrap();
        authorize(&s, "ekonom", &round, "VON21", Action::Review).unwrap();
        authorize(&s, "revisor", &round, "SN41", Action::Read).unwrap();
    }

    #[test]
    fn add_grant_list_and_remove_with_swedish_errors() {
        let mut s = exempel_store();
        add_user(
            &mut s,
            "enhetschef-sn41",
            "demo",
            Role::Enhetschef,
            "SN41",
            "admin",
        )
        .unwrap();
        assert!(grant(&mut s, "enhetschef-sn41", Role::Lasare, "SN40", "admin").unwrap());
        let list = list_users(&s).unwrap();
        assert_eq!(list.len(), 1);
        assert_eq!(
            list[0].grants,
            vec![
                (Role::Lasare, "SN40".to_string()),
                (Role::Enhetschef, "SN41".to_string())
            ]
        );
        let hash = s.user("enhetschef-sn41").unwrap().unwrap().password_hash;
        assert!(verify_password("demo", &hash));
        let e = add_user(&mut s, "Enhetschef SN41", "x", Role::Ekonom, "SN", "admin")
            .unwrap_err()
            .to_string();
        assert!(e.contains("gemener"), "{e}");
        let e = add_user(&mut s, "ekonom-xx", "x", Role::Ekonom, "XX", "admin")
            .unwrap_err()
            .to_string();
        assert!(e.contains("noden XX finns inte"), "{e}");
        let e = add_user(&mut s, "ekonom-sn", "", Role::Ekonom, "SN", "admin")
            .unwrap_err()
            .to_string();
        assert!(e.contains("lösenordet är tomt"), "{e}");
        assert!(s.user("ekonom-sn").unwrap().is_none(), "nothing stored");
        revoke(&mut s, "enhetschef-sn41", Role::Lasare, "SN40").unwrap();
        let e = revoke(&mut s, "enhetschef-sn41", Role::Lasare, "SN40").unwrap_err();
        assert!(matches!(e, AppError::NotFound(_)), "{e}");
        let round = delar_core::Round::parse("2025-P2").unwrap();
        authorize(&s, "enhetschef-sn41", &round, "SN41", Action::Edit).unwrap();
        remove_user(&mut s, "enhetschef-sn41").unwrap();
        let e = authorize(&s, "enhetschef-sn41", &round, "SN41", Action::Read).unwrap_err();
        assert!(matches!(e, AppError::Forbidden(_)), "{e}");
        let e = remove_user(&mut s, "enhetschef-sn41").unwrap_err();
        assert!(e.to_string().contains("finns inte"), "{e}");
    }
}
