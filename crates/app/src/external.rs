//! Sign-in through the municipality's identity provider (OpenID Connect): once the front end
//! has validated the provider's ID token, [`sign_in`] finds the account the identity belongs
//! to, or creates one at the first sign-in (with no roles until an administrator grants them,
//! or with the roles a group mapping gives), and starts a session exactly like a password
//! login's ([`crate::auth::new_session`]).
//!
//! The protocol (discovery, PKCE, state, nonce, the token's signature, issuer, audience and
//! expiry) is the front end's (`delar-web`'s `oidc` module); this module decides only who the
//! person is in delar.

use crate::auth::{new_session, NewSession, Role};
use crate::users::{check_node, MAX_NAME};
use crate::{AppError, Result};
use delar_store::prelude::*;

/// A person the identity provider vouched for.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Vouched {
    /// The provider's issuer (exactly as configured).
    pub issuer: String,
    /// The name of the claim that identifies the person (`oid`, `sub`, …).
    pub claim: String,
    /// That claim's value.
    pub subject: String,
    /// A name to derive a new account's login name from (`preferred_username`, `email`).
    pub name_hint: Option<String>,
    /// Roles the configured group mapping gives (role, node).
    pub mapped: Vec<(Role, String)>,
}

/// How a sign-in ended.
#[derive(Clone, Debug)]
pub struct SignedIn {
    /// The new session.
    pub session: NewSession,
    /// Whether the account was created by this sign-in.
    pub created: bool,
    /// Mapped roles granted by this sign-in (role, node).
    pub granted: Vec<(Role, String)>,
    /// Roles an earlier sign-in's group mapping granted that this one withdrew, because the
    /// person is no longer in the group (role, node).
    pub withdrawn: Vec<(Role, String)>,
}

/// Sign `who` in: the account kept for the identity, or (when `create` allows it) a new one
/// named from the name hint, and the mapped roles granted. A role an earlier sign-in's group
/// mapping granted (recorded as granted by `inloggning via <issuer>`) is withdrawn when the
/// person is no longer in the group; roles an administrator granted are kept. Refused with [`AppError::Unauthorized`] for an unknown
/// identity when accounts are not created at sign-in.
pub fn sign_in(store: &mut dyn Backend, who: &Vouched, create: bool, now: i64) -> Result<SignedIn> {
    if who.subject.trim().is_empty() {
        return Err(AppError::Unauthorized(format!(
            "inloggningen saknar anspråket \"{}\" som identifierar dig; be den som \
             administrerar delar kontrollera inställningen anvandar_claim",
            who.claim
        )));
    }
    let by = format!("inloggning via {}", who.issuer);
    let mut granted = Vec::new();
    let mut withdrawn = Vec::new();
    let (user, created) = match store.external_identity(&who.issuer, &who.subject)? {
        Some(id) => {
            for (role, node) in &who.mapped {
                if check_node(store, node).is_ok()
                    && store.grant(&id.user, role.code(), node, &by)?
                {
                    granted.push((*role, node.clone()));
                }
            }
            withdrawn = withdraw_left_groups(store, &id.user, who, &by)?;
            store.touch_external_identity(&who.issuer, &who.subject)?;
            (id.user, false)
        }
        None if !create => {
            return Err(AppError::Unauthorized(format!(
                "det finns inget konto i delar för din inloggning ({}={}); be en administratör \
                 lägga till dig",
                who.claim, who.subject
            )))
        }
        None => {
            let name = free_name(store, who)?;
            let grants: Vec<(Role, String)> = who
                .mapped
                .iter()
                .filter(|(_, node)| check_node(store, node).is_ok())
                .cloned()
                .collect();
            let codes: Vec<(String, String)> = grants
                .iter()
                .map(|(r, n)| (r.code().to_string(), n.clone()))
                .collect();
            store.add_external_user(&name, (&who.issuer, &who.subject, &who.claim), &codes, &by)?;
            let detail = if grants.is_empty() {
                format!(
                    "{name} skapades vid första inloggningen ({}={}) utan behörigheter",
                    who.claim, who.subject
                )
            } else {
                format!(
                    "{name} skapades vid första inloggningen ({}={}) med {}",
                    who.claim,
                    who.subject,
                    grants
                        .iter()
                        .map(|(r, n)| format!("{} på {n}", r.code()))
                        .collect::<Vec<_>>()
                        .join(", ")
                )
            };
            store.log_admin(&by, "extern-anvandare", &detail)?;
            granted = grants;
            (name, true)
        }
    };
    let session = new_session(store, &user, now)?;
    Ok(SignedIn {
        session,
        created,
        granted,
        withdrawn,
    })
}

/// Withdraw the roles the mapping granted `user` at an earlier sign-in (`by`) that the
/// mapping no longer gives (the person left the group, or the mapping changed), each in the
/// administrators' log.
fn withdraw_left_groups(
    store: &mut dyn Backend,
    user: &str,
    who: &Vouched,
    by: &str,
) -> Result<Vec<(Role, String)>> {
    let mut withdrawn = Vec::new();
    for g in store.grants_given_by(user, by)? {
        let Some(role) = Role::parse(&g.role) else {
            continue;
        };
        if who.mapped.iter().any(|(r, n)| *r == role && *n == g.node) {
            continue;
        }
        if store.revoke(user, &g.role, &g.node)? {
            withdrawn.push((role, g.node));
        }
    }
    if !withdrawn.is_empty() {
        let list = withdrawn
            .iter()
            .map(|(r, n)| format!("{} på {n}", r.code()))
            .collect::<Vec<_>>()
            .join(", ");
        store.log_admin(
            by,
            "grupproll-aterkallad",
            &format!(
                "{user} är inte längre med i gruppen som gav {list}; behörigheten togs bort vid \
                 inloggningen"
            ),
        )?;
    }
    Ok(withdrawn)
}

/// A login name from a name hint (`anna.svensson@kommun.se` → `anna.svensson`): lower case,
/// å/ä → a, ö → o, é → e, other characters outside a–z, 0–9, `-_.` → `-`; `-2`, `-3` … when
/// taken; `extern-<start of the subject>` without a usable hint.
pub fn login_name(hint: Option<&str>, subject: &str) -> String {
    let base: String = hint
        .map(|h| h.split('@').next().unwrap_or(h))
        .unwrap_or("")
        .to_lowercase()
        .chars()
        .map(|c| match c {
            'å' | 'ä' | 'à' | 'á' => 'a',
            'ö' | 'ø' | 'ó' => 'o',
            'é' | 'è' | 'ë' => 'e',
            'ü' => 'u',
            c if c.is_ascii_lowercase() || c.is_ascii_digit() || "-_.".contains(c) => c,
            _ => '-',
        })
        .collect();
    let base = base.trim_matches(|c| c == '-' || c == '.').to_string();
    if base.chars().any(|c| c.is_ascii_alphanumeric()) {
        return base.chars().take(MAX_NAME - 4).collect();
    }
    let tail: String = subject
        .to_lowercase()
        .chars()
        .filter(|c| c.is_ascii_alphanumeric())
        .take(12)
        .collect();
    format!("extern-{}", if tail.is_empty() { "1" } else { &tail })
}

fn free_name(store: &dyn Backend, who: &Vouched) -> Result<String> {
    let base = login_name(who.name_hint.as_deref(), &who.subject);
    if store.user(&base)?.is_none() {
        return Ok(base);
    }
    for n in 2..1000 {
        let name = format!("{base}-{n}");
        if store.user(&name)?.is_none() {
            return Ok(name);
        }
    }
    Err(AppError::Invalid(format!(
        "inget ledigt användarnamn att ge {base}; be en administratör lägga till kontot"
    )))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::auth::{authorize, login, session_user, Action};
    use crate::workflow::tests::exempel_store;

    const ISSUER: &str = "https://login.microsoftonline.com/tenant-1/v2.0";

    fn vouched(subject: &str, hint: Option<&str>, mapped: Vec<(Role, String)>) -> Vouched {
        Vouched {
            issuer: ISSUER.into(),
            claim: "oid".into(),
            subject: subject.into(),
            name_hint: hint.map(Into::into),
            mapped,
        }
    }

    #[test]
    fn login_names_come_from_the_hint_or_the_subject() {
        assert_eq!(
            login_name(Some("Anna.Svensson@kommun.se"), "x"),
            "anna.svensson"
        );
        assert_eq!(login_name(Some("Åsa Öberg"), "x"), "asa-oberg");
        assert_eq!(login_name(Some("@@"), "7C1E-99ab"), "extern-7c1e99ab");
        assert_eq!(login_name(None, ""), "extern-1");
        for n in [
            login_name(Some("Anna.Svensson@kommun.se"), "x"),
            login_name(Some(&"x".repeat(200)), "x"),
        ] {
            crate::users::check_name(&n).unwrap();
        }
    }

    #[test]
    fn a_first_sign_in_creates_the_account_and_a_later_one_finds_it() {
        let mut s = exempel_store();
        let who = vouched("oid-1", Some("anna.svensson@kommun.se"), vec![]);
        let first = sign_in(&mut s, &who, true, 1_000).unwrap();
        assert!(first.created);
        assert_eq!(first.session.user, "anna.svensson");
        let u = session_user(&mut s, &first.session.token, 1_010)
            .unwrap()
            .unwrap();
        assert_eq!(u.user, "anna.svensson");
        // No roles until an administrator grants them.
        let round = delar_core::Round::parse("2025-P2").unwrap();
        let e = authorize(&s, "anna.svensson", &round, "SN41", Action::Read).unwrap_err();
        assert!(matches!(e, AppError::Forbidden(_)), "{e}");
        // No password signs the account in.
        assert!(login(&mut s, "anna.svensson", "", 1_020).is_err());
        assert_eq!(s.user("anna.svensson").unwrap().unwrap().failed_logins, 0);
        let again = sign_in(&mut s, &who, true, 2_000).unwrap();
        assert!(!again.created);
        assert_eq!(again.session.user, "anna.svensson");
        assert_ne!(again.session.token, first.session.token, "a new session");
        // Another person with the same name hint gets a name of their own.
        let other = sign_in(
            &mut s,
            &vouched("oid-2", Some("anna.svensson@annan.se"), vec![]),
            true,
            2_000,
        )
        .unwrap();
        assert_eq!(other.session.user, "anna.svensson-2");
        let events = s.admin_events(10).unwrap();
        assert_eq!(events.len(), 2, "{events:?}");
        assert!(
            events[1].detail.contains("anna.svensson skapades"),
            "{events:?}"
        );
    }

    #[test]
    fn mapped_groups_grant_roles_and_unknown_people_may_be_refused() {
        let mut s = exempel_store();
        let who = vouched(
            "oid-3",
            Some("ekonom.sn@kommun.se"),
            vec![
                (Role::Ekonom, "SN".into()),
                (Role::Lasare, "FINNSINTE".into()),
            ],
        );
        let e = sign_in(&mut s, &who, false, 1_000).unwrap_err();
        assert!(matches!(e, AppError::Unauthorized(_)), "{e}");
        assert!(e.to_string().contains("be en administratör"), "{e}");
        assert!(s.users().unwrap().is_empty(), "nothing created");
        let r = sign_in(&mut s, &who, true, 1_000).unwrap();
        assert_eq!(r.granted, vec![(Role::Ekonom, "SN".to_string())]);
        let round = delar_core::Round::parse("2025-P2").unwrap();
        authorize(&s, "ekonom.sn", &round, "SN41", Action::Review).unwrap();
        // A group added later gives its role at the next sign-in; one held is not repeated.
        let mut later = who.clone();
        later.mapped.push((Role::Lasare, "VON".into()));
        let r = sign_in(&mut s, &later, false, 2_000).unwrap();
        assert_eq!(r.granted, vec![(Role::Lasare, "VON".to_string())]);
        authorize(&s, "ekonom.sn", &round, "VON21", Action::Read).unwrap();
        // Leaving a group withdraws its role at the next sign-in; a role an administrator
        // granted stays, even when a group gives the same one.
        s.grant("ekonom.sn", "enhetschef", "SN41", "admin").unwrap();
        let r = sign_in(&mut s, &who, false, 3_000).unwrap();
        assert_eq!(r.withdrawn, vec![(Role::Lasare, "VON".to_string())]);
        assert!(authorize(&s, "ekonom.sn", &round, "VON21", Action::Read).is_err());
        authorize(&s, "ekonom.sn", &round, "SN41", Action::Review).unwrap();
        let mut none = who.clone();
        none.mapped.clear();
        let r = sign_in(&mut s, &none, false, 4_000).unwrap();
        assert_eq!(r.withdrawn, vec![(Role::Ekonom, "SN".to_string())]);
        let left: Vec<_> = s.user("ekonom.sn").unwrap().unwrap().grants;
        assert_eq!(left.len(), 1, "{left:?}");
        assert_eq!(
            (left[0].role.as_str(), left[0].node.as_str()),
            ("enhetschef", "SN41")
        );
        let log = s.admin_events(1).unwrap();
        assert_eq!(log[0].action, "grupproll-aterkallad");
        assert!(log[0].detail.contains("ekonom på SN"), "{log:?}");
        let e = sign_in(&mut s, &vouched("", None, vec![]), true, 1).unwrap_err();
        assert!(e.to_string().contains("anvandar_claim"), "{e}");
    }
}
