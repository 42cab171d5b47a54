//! Who may do what on which node, passwords and sessions.
//!
//! A person holds roles ([`Role`]) granted on organisation nodes; a grant holds for the node
//! and everything under it in the organisation tree in force (for a round: the round's tree
//! at its cut-off, with its "Ej fördelat på enhet" leaves). [`authorize`] is the one question
//! a front end asks on every request: may this person do this ([`Action`]) on this node of
//! this round?
//!
//! Passwords are kept as Argon2id hashes (PHC strings); sessions as the SHA-256 of a random
//! token, with a sliding expiry ([`SESSION_SECONDS`]); repeated failed logins lock the account
//! for a while ([`LOCK_AFTER`], [`LOCK_SECONDS`]). Every function that depends on the time
//! takes `now` (seconds since the Unix epoch) so that the rules can be tested.

use crate::{AppError, Result};
use argon2::password_hash::{PasswordHash, PasswordHasher, PasswordVerifier, SaltString};
use argon2::Argon2;
use delar_core::{OrgTree, Round};
use delar_store::prelude::*;
use sha2::{Digest, Sha256};

/// How long a session lives without a request (sliding: every request moves the end).
pub const SESSION_SECONDS: i64 = 30 * 60;

/// How long before the end a page warns that the session is about to end.
pub const SESSION_WARNING_SECONDS: i64 = 5 * 60;

/// What a refused login says, whatever the reason (unknown name, wrong password, locked
/// account): the same words, so that they do not tell whether an account exists.
pub const LOGIN_REFUSED: &str = "fel användarnamn eller lösenord, eller kontot är spärrat en \
    stund efter 5 misslyckade inloggningar i rad; kontrollera stavningen och försök igen om 5 \
    min, eller be en administratör sätta ett nytt lösenord";

/// Failed logins in a row after which the account is locked for [`LOCK_SECONDS`].
pub const LOCK_AFTER: u32 = 5;

/// How long an account stays locked after [`LOCK_AFTER`] failed logins (each further failure
/// locks it again).
pub const LOCK_SECONDS: i64 = 5 * 60;

/// Failed logins from one client address within [`ADDRESS_WINDOW_SECONDS`], whatever the
/// account names tried, after which logins from the address are refused for
/// [`ADDRESS_LOCK_SECONDS`] (password spraying: one password tried against many names).
/// Generous, since a whole office may share one address behind its NAT.
pub const ADDRESS_LIMIT: u32 = 20;

/// The window in which failed logins from one address are counted.
pub const ADDRESS_WINDOW_SECONDS: i64 = 15 * 60;

/// How long an address stays refused after [`ADDRESS_LIMIT`] failures.
pub const ADDRESS_LOCK_SECONDS: i64 = 15 * 60;

/// What a login from a refused address says: the same for every name, known or not, and
/// before any password is checked.
pub const ADDRESS_REFUSED: &str = "för många misslyckade inloggningar från din nätverksadress; \
     inga fler försök tas emot därifrån på 15 minuter. Vänta en stund och försök igen, eller be \
     en administratör om hjälp om du har glömt ditt lösenord";

/// The rule for failed logins per address as the store counts them.
pub const ADDRESS_RULE: delar_store::AddressRule = delar_store::AddressRule {
    window: ADDRESS_WINDOW_SECONDS,
    limit: ADDRESS_LIMIT,
    lock: ADDRESS_LOCK_SECONDS,
};

/// A role, granted on a node and valid for its subtree.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Role {
    /// Unit manager: edits and submits the lines of their nodes.
    Enhetschef,
    /// Controller: edits any line in scope, reviews (approves or returns), computes and locks.
    Ekonom,
    /// Administrator: users, rounds, imports.
    Administrator,
    /// Reader: auditors, politicians.
    Lasare,
}

impl Role {
    /// Every role.
    pub const ALL: [Role; 4] = [
        Role::Enhetschef,
        Role::Ekonom,
        Role::Administrator,
        Role::Lasare,
    ];

    /// The code (`enhetschef`, `ekonom`, `administrator`, `lasare`), as stored and typed.
    pub const fn code(self) -> &'static str {
        match self {
            Role::Enhetschef => "enhetschef",
            Role::Ekonom => "ekonom",
            Role::Administrator => "administrator",
            Role::Lasare => "lasare",
        }
    }

    /// The Swedish word (`enhetschef`, `ekonom`, `administratör`, `läsare`).
    pub const fn label(self) -> &'static str {
        match self {
            Role::Enhetschef => "enhetschef",
            Role::Ekonom => "ekonom",
            Role::Administrator => "administratör",
            Role::Lasare => "läsare",
        }
    }

    /// Parse a code or a Swedish word, ignoring case.
    pub fn parse(s: &str) -> Option<Role> {
        let t = s.trim().to_lowercase();
        Role::ALL
            .into_iter()
            .find(|r| r.code() == t || r.label() == t)
    }

    /// Parse, or a Swedish error naming the roles there are.
    pub fn parse_or_err(s: &str) -> Result<Role> {
        Role::parse(s).ok_or_else(|| {
            AppError::Invalid(format!(
                "rollen \"{s}\" finns inte; välj en av {}",
                Role::ALL.map(|r| r.code()).join(", ")
            ))
        })
    }

    /// Whether the role allows an action (on the nodes it is granted on).
    pub const fn allows(self, action: Action) -> bool {
        use Action::*;
        match self {
            Role::Enhetschef => matches!(action, Read | Edit | Submit),
            Role::Ekonom => matches!(action, Read | Edit | Review | Compute | Lock),
            Role::Administrator => matches!(action, Read | Compute | Lock | ManageUsers),
            Role::Lasare => matches!(action, Read),
        }
    }
}

/// What a request does.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Action {
    /// Read a node's sheet, history and report.
    Read,
    /// Change a line (amount, method, comment).
    Edit,
    /// Submit a node's forecast, or recall it before it is reviewed.
    Submit,
    /// Approve or return a submitted forecast.
    Review,
    /// Compute (recompute) a round.
    Compute,
    /// Lock a round (asked on the round's top node).
    Lock,
    /// Add, remove and grant users.
    ManageUsers,
}

/// A role on a node.
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub struct Grant {
    /// The role.
    pub role: Role,
    /// The node; the grant holds for its subtree.
    pub node: String,
}

/// A person's grants: what every authorisation decision is made from.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Access {
    /// The login name.
    pub user: String,
    /// The person's grants (unknown role codes in the store are left out).
    pub grants: Vec<Grant>,
}

impl Access {
    /// The grants of `user` as stored; `None` for an unknown user.
    pub fn load(store: &dyn Backend, user: &str) -> Result<Option<Access>> {
        let Some(u) = store.user(user)? else {
            return Ok(None);
        };
        let grants = u
            .grants
            .iter()
            .filter_map(|g| {
                Some(Grant {
                    role: Role::parse(&g.role)?,
                    node: g.node.clone(),
                })
            })
            .collect();
        Ok(Some(Access {
            user: u.name,
            grants,
        }))
    }

    /// Whether a grant on `granted` covers `node` in `tree`: the node itself or one of its
    /// ancestors.
    pub fn covers(tree: &OrgTree, granted: &str, node: &str) -> bool {
        granted == node || tree.ancestors(node).iter().any(|a| a.code == granted)
    }

    /// Whether the person may do `action` on `node` of `tree`.
    pub fn may(&self, tree: &OrgTree, node: &str, action: Action) -> bool {
        self.grants
            .iter()
            .any(|g| g.role.allows(action) && Access::covers(tree, &g.node, node))
    }

    /// The roles that hold on `node` (granted on it or above), each once.
    pub fn roles_on(&self, tree: &OrgTree, node: &str) -> Vec<Role> {
        let mut roles: Vec<Role> = self
            .grants
            .iter()
            .filter(|g| Access::covers(tree, &g.node, node))
            .map(|g| g.role)
            .collect();
        roles.sort();
        roles.dedup();
        roles
    }

    /// The highest nodes of `tree` the person may read, in tree order (the starting points of
    /// their start page); a node under another one listed is left out.
    pub fn top_nodes(&self, tree: &OrgTree) -> Vec<String> {
        let granted: Vec<&str> = self
            .grants
            .iter()
            .filter(|g| g.role.allows(Action::Read) && tree.contains(&g.node))
            .map(|g| g.node.as_str())
            .collect();
        tree.walk()
            .map(|(_, n)| n.code.as_str())
            .filter(|c| granted.contains(c))
            .filter(|c| {
                !tree
                    .ancestors(c)
                    .iter()
                    .any(|a| granted.contains(&a.code.as_str()))
            })
            .map(str::to_string)
            .collect()
    }
}

/// What [`authorize`] answers: the person, the round's tree and the node asked for.
#[derive(Clone, Debug)]
pub struct Authorized {
    /// The person's grants.
    pub access: Access,
    /// The round.
    pub round: delar_store::RoundInfo,
    /// The organisation of the round (at its cut-off, with the leaves of its lines).
    pub tree: OrgTree,
    /// The node asked for.
    pub node: String,
}

/// The one authorisation question: may `user` do `action` on `node` in `round`? Fails with
/// [`AppError::NotFound`] for a round or node that does not exist and [`AppError::Forbidden`]
/// when the person holds no role that allows it there (also for an unknown user). The node
/// is looked up in the organisation tree of the round.
pub fn authorize(
    store: &dyn Backend,
    user: &str,
    round: &Round,
    node: &str,
    action: Action,
) -> Result<Authorized> {
    let access = Access::load(store, user)?.ok_or_else(|| forbidden(user, node, action))?;
    let (info, tree) = round_tree(store, round)?;
    if !tree.contains(node) {
        return Err(AppError::NotFound(format!(
            "noden {node} finns inte i organisationen för {} (månad {})",
            round.id(),
            round.cutoff_month()
        )));
    }
    if !access.may(&tree, node, action) {
        return Err(forbidden(user, node, action));
    }
    Ok(Authorized {
        access,
        round: info,
        tree,
        node: node.to_string(),
    })
}

/// A round's stored information and its organisation tree (at the cut-off, with the leaves
/// its lines are on).
pub fn round_tree(store: &dyn Backend, round: &Round) -> Result<(delar_store::RoundInfo, OrgTree)> {
    let id = round.id();
    let info = store
        .forecast_round(&id)?
        .ok_or_else(|| AppError::NotFound(format!("prognosomgången {id} finns inte")))?;
    let nodes = store.forecast_line_nodes(&id)?;
    let org = store.organisation()?;
    let tree = crate::forecast::round_tree_of(
        &org,
        round.cutoff_month(),
        nodes.iter().map(String::as_str),
    );
    Ok((info, tree))
}

fn forbidden(user: &str, node: &str, action: Action) -> AppError {
    let what = match action {
        Action::Read => "läsa",
        Action::Edit => "ändra prognosen för",
        Action::Submit => "skicka in eller återkalla prognosen för",
        Action::Review => "godkänna eller skicka tillbaka prognosen för",
        Action::Compute => "beräkna prognosen för",
        Action::Lock => "låsa omgången för",
        Action::ManageUsers => "hantera användare för",
    };
    AppError::Forbidden(format!(
        "{user} har ingen behörighet att {what} {node}; be en administratör om behörighet om du \
         behöver den"
    ))
}

/// An Argon2id hash (PHC string) of a password, with a random salt.
pub fn hash_password(password: &str) -> Result<String> {
    let mut salt = [0u8; 16];
    getrandom::fill(&mut salt)
        .map_err(|e| AppError::Io(format!("slumptal till lösenordet saknas: {e}")))?;
    let salt = SaltString::encode_b64(&salt)
        .map_err(|e| AppError::Invalid(format!("lösenordets salt: {e}")))?;
    Argon2::default()
        .hash_password(password.as_bytes(), &salt)
        .map(|h| h.to_string())
        .map_err(|e| AppError::Invalid(format!("lösenordet kunde inte hashas: {e}")))
}

/// Whether `password` matches a stored hash (a damaged hash matches nothing).
pub fn verify_password(password: &str, hash: &str) -> bool {
    match PasswordHash::new(hash) {
        Ok(h) => Argon2::default()
            .verify_password(password.as_bytes(), &h)
            .is_ok(),
        Err(_) => false,
    }
}

/// SHA-256 of a session token as lowercase hex: what the store keeps.
pub fn token_hash(token: &str) -> String {
    let d = Sha256::digest(token.as_bytes());
    d.iter().map(|b| format!("{b:02x}")).collect()
}

/// A session just created: the token to give the browser (never stored) and its end.
#[derive(Clone, Debug)]
pub struct NewSession {
    /// The login name.
    pub user: String,
    /// The secret token (64 hex characters).
    pub token: String,
    /// When it ends unless used (seconds since the epoch).
    pub expires_at: i64,
}

/// The person behind a valid session.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct SessionUser {
    /// The login name.
    pub user: String,
    /// When the session ends unless used again (seconds since the epoch).
    pub expires_at: i64,
}

/// A hash to verify against for unknown users, so that a wrong name takes as long as a wrong
/// password.
fn dummy_hash() -> &'static str {
    static H: std::sync::OnceLock<String> = std::sync::OnceLock::new();
    H.get_or_init(|| hash_password("delar-ingen-sådan-användare").unwrap_or_default())
}

/// Log in: check the password, count failures (locking the account after [`LOCK_AFTER`] in
/// a row), and on success start a session. Fails with [`AppError::Unauthorized`] and one
/// message for a wrong name or password, and another for a locked account.
pub fn login(store: &mut dyn Backend, user: &str, password: &str, now: i64) -> Result<NewSession> {
    login_from(store, user, password, None, now)
}

/// [`login`] from a client address: refused with [`ADDRESS_REFUSED`] (no password checked)
/// while the address is locked, and each refused login counted against the address as well
/// as against the account, so that many names tried from one address are stopped too. `None`
/// (the address is not known) counts against the account only. [`check_login`] then
/// [`record_login`].
pub fn login_from(
    store: &mut dyn Backend,
    user: &str,
    password: &str,
    address: Option<&str>,
    now: i64,
) -> Result<NewSession> {
    let checked = check_login(&*store, user, password, address, now)?;
    record_login(store, &checked, user, password, address, now)
}

/// What checking a login found, before anything is written ([`record_login`] writes it).
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum LoginCheck {
    /// The address is stopped: nothing is counted, no password was checked.
    AddressStopped,
    /// Refused (unknown name, locked or identity-provider-only account): counted against the
    /// address only.
    Refused,
    /// A wrong password for this account: counted against the account and the address.
    WrongPassword(Seen),
    /// The right password for this account.
    Good(Seen),
}

/// The account as [`check_login`] saw it: when it is otherwise at [`record_login`] (another
/// login of the same account counted or cleared in between, the password changed), the
/// check is made again there, one at a time, so that logins checked side by side cannot get
/// more guesses past the lockout than logins made one after another.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Seen {
    /// The account.
    pub name: String,
    failed_logins: u32,
    locked_until: Option<i64>,
    password_hash: String,
}

impl Seen {
    fn of(u: &delar_store::UserRecord) -> Seen {
        Seen {
            name: u.name.clone(),
            failed_logins: u.failed_logins,
            locked_until: u.locked_until,
            password_hash: u.password_hash.clone(),
        }
    }
}

/// The part of a login that only reads: the address's stop, the account and the password's
/// hash (Argon2, slow on purpose). A web server runs it beside other requests and only
/// [`record_login`] through its single writer, so 50 people logging in at once do not hold
/// up every save for the length of 50 hash checks. Takes the same time whether or not the
/// name exists.
pub fn check_login(
    store: &dyn Backend,
    user: &str,
    password: &str,
    address: Option<&str>,
    now: i64,
) -> Result<LoginCheck> {
    if let Some(a) = address {
        if store
            .address_failures(a)?
            .and_then(|f| f.locked_until)
            .is_some_and(|t| t > now)
        {
            return Ok(LoginCheck::AddressStopped);
        }
    }
    // A name that no account can have (control characters, absurd length) is not looked up:
    // PostgreSQL cannot even hold a NUL in a text value.
    let impossible =
        user.is_empty() || user.chars().count() > 200 || user.chars().any(char::is_control);
    let found = if impossible { None } else { store.user(user)? };
    let Some(u) = found else {
        let _ = verify_password(password, dummy_hash());
        return Ok(LoginCheck::Refused);
    };
    if u.locked_until.is_some_and(|t| t > now) {
        let _ = verify_password(password, &u.password_hash);
        return Ok(LoginCheck::Refused);
    }
    if u.password_hash.is_empty() {
        // An account that signs in through the municipality's identity provider only: no
        // password matches it, and failures are not counted against it.
        let _ = verify_password(password, dummy_hash());
        return Ok(LoginCheck::Refused);
    }
    if !verify_password(password, &u.password_hash) {
        return Ok(LoginCheck::WrongPassword(Seen::of(&u)));
    }
    Ok(LoginCheck::Good(Seen::of(&u)))
}

/// The part of a login that writes what [`check_login`] found: a failure counted against the
/// account (from its count as stored now, so failures checked side by side all count) and the
/// address, or the account's failures cleared and a new session. One message for an unknown
/// name, a wrong password and a locked account ([`LOGIN_REFUSED`]), so that the words do not
/// tell whether a name exists.
///
/// `user` and `password` are the login's: when the account is no longer as the check saw it
/// (or the address has been stopped since), the check is made again here, so that this
/// function, run by one writer at a time, decides as a login made wholly in turn would.
pub fn record_login(
    store: &mut dyn Backend,
    checked: &LoginCheck,
    user: &str,
    password: &str,
    address: Option<&str>,
    now: i64,
) -> Result<NewSession> {
    if let LoginCheck::WrongPassword(seen) | LoginCheck::Good(seen) = checked {
        let now_seen = store.user(&seen.name)?.map(|u| Seen::of(&u));
        let stopped = match address {
            Some(a) => store
                .address_failures(a)?
                .and_then(|f| f.locked_until)
                .is_some_and(|t| t > now),
            None => false,
        };
        if now_seen.as_ref() != Some(seen) || stopped {
            let again = check_login(&*store, user, password, address, now)?;
            return record_checked(store, &again, address, now);
        }
    }
    record_checked(store, checked, address, now)
}

/// [`record_login`] once the check is known to hold.
fn record_checked(
    store: &mut dyn Backend,
    checked: &LoginCheck,
    address: Option<&str>,
    now: i64,
) -> Result<NewSession> {
    let wrong = || AppError::Unauthorized(LOGIN_REFUSED.to_string());
    let refused = match checked {
        LoginCheck::AddressStopped => {
            return Err(AppError::Unauthorized(ADDRESS_REFUSED.to_string()))
        }
        LoginCheck::Refused => wrong(),
        LoginCheck::WrongPassword(seen) => {
            if let Some(u) = store.user(&seen.name)? {
                let failures = u.failed_logins.saturating_add(1);
                let locked = (failures >= LOCK_AFTER).then_some(now + LOCK_SECONDS);
                store.set_login_failures(&seen.name, failures, locked)?;
            }
            wrong()
        }
        LoginCheck::Good(seen) => {
            let Some(u) = store.user(&seen.name)? else {
                // Removed between the check and now.
                return Err(wrong());
            };
            if u.failed_logins > 0 || u.locked_until.is_some() {
                store.set_login_failures(&seen.name, 0, None)?;
            }
            return new_session(store, &u.name, now);
        }
    };
    if let Some(a) = address {
        store.record_address_failure(a, now, ADDRESS_RULE)?;
    }
    Err(refused)
}

/// A new session for `user` (a fresh random token, only its hash kept): what a password
/// login and a sign-in through the identity provider ([`crate::external`]) both end with.
pub fn new_session(store: &mut dyn Backend, user: &str, now: i64) -> Result<NewSession> {
    let token = random_hex::<32>("sessionen")?;
    let expires_at = now + SESSION_SECONDS;
    store.create_session(&token_hash(&token), user, now, expires_at)?;
    Ok(NewSession {
        user: user.to_string(),
        token,
        expires_at,
    })
}

/// `N` random bytes as lowercase hex (`for_what` names the use in the error).
pub fn random_hex<const N: usize>(for_what: &str) -> Result<String> {
    let mut bytes = [0u8; N];
    getrandom::fill(&mut bytes)
        .map_err(|e| AppError::Io(format!("slumptal till {for_what} saknas: {e}")))?;
    Ok(bytes.iter().map(|b| format!("{b:02x}")).collect())
}

/// What a session token stands for, as [`peek_session`] reads it without writing.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum SessionPeek {
    /// No such session.
    Missing,
    /// A valid session whose end needs no moving now: [`session_user`] would write nothing.
    Valid(SessionUser),
    /// The session has ended (to be removed) or its end is to be moved: call
    /// [`session_user`], which writes.
    NeedsWrite,
}

/// Whether a session token is valid now, with one indexed read and no write, so that a
/// front end can leave most requests out of the store's single writer: [`SessionPeek::Valid`]
/// is exactly the case where [`session_user`] would write nothing.
pub fn peek_session(store: &dyn Backend, token: &str, now: i64) -> Result<SessionPeek> {
    if token.is_empty() || token.len() > 128 {
        return Ok(SessionPeek::Missing);
    }
    let Some(s) = store.session(&token_hash(token))? else {
        return Ok(SessionPeek::Missing);
    };
    if s.expires_at <= now || needs_extending(s.expires_at, now) {
        return Ok(SessionPeek::NeedsWrite);
    }
    Ok(SessionPeek::Valid(SessionUser {
        user: s.user,
        expires_at: s.expires_at,
    }))
}

/// A valid session's end is moved to `now` + [`SESSION_SECONDS`] at most once a minute.
fn needs_extending(expires_at: i64, now: i64) -> bool {
    now + SESSION_SECONDS - expires_at >= 60
}

/// The person behind a session token, `None` when there is no such session or it has ended
/// (an ended session is removed). A valid session's end moves to `now` +
/// [`SESSION_SECONDS`] (written at most once a minute).
pub fn session_user(store: &mut dyn Backend, token: &str, now: i64) -> Result<Option<SessionUser>> {
    if token.is_empty() || token.len() > 128 {
        return Ok(None);
    }
    let h = token_hash(token);
    let Some(s) = store.session(&h)? else {
        return Ok(None);
    };
    if s.expires_at <= now {
        store.end_session(&h)?;
        return Ok(None);
    }
    let mut expires_at = s.expires_at;
    if needs_extending(s.expires_at, now) {
        expires_at = now + SESSION_SECONDS;
        store.extend_session(&h, expires_at)?;
    }
    Ok(Some(SessionUser {
        user: s.user,
        expires_at,
    }))
}

/// End a session (logout); `false` when there was none.
pub fn logout(store: &mut dyn Backend, token: &str) -> Result<bool> {
    Ok(store.end_session(&token_hash(token))?)
}

#[cfg(test)]
mod tests {
    use super::*;
    use delar_core::{OrgKind, OrgNode, Organisation, YearMonth};
    use delar_store::SqliteStore;

    fn node(code: &str, kind: OrgKind, parent: Option<&str>) -> OrgNode {
        OrgNode {
            code: code.into(),
            name: code.into(),
            kind,
            parent: parent.map(Into::into),
            from: None,
            to: None,
            activity: None,
        }
    }

    /// Exempelkommun's shape: programme area, committees, areas, units.
    pub(crate) fn tree() -> OrgTree {
        use OrgKind::*;
        let org = Organisation::new(vec![
            node("PO", Programomrade, None),
            node("SN", Namnd, Some("PO")),
            node("SN40", Omrade, Some("SN")),
            node("SN41", Enhet, Some("SN40")),
            node("SN42", Enhet, Some("SN40")),
            node("VON", Namnd, Some("PO")),
            node("VON20", Omrade, Some("VON")),
            node("VON21", Enhet, Some("VON20")),
        ])
        .unwrap();
        org.tree_at(YearMonth::new(2025, 8).unwrap())
    }

    fn access(grants: &[(Role, &str)]) -> Access {
        Access {
            user: "x".into(),
            grants: grants
                .iter()
                .map(|(r, n)| Grant {
                    role: *r,
                    node: n.to_string(),
                })
                .collect(),
        }
    }

    #[test]
    fn grants_hold_for_the_subtree_and_only_the_roles_actions() {
        let t = tree();
        let chef = access(&[(Role::Enhetschef, "SN41")]);
        assert!(chef.may(&t, "SN41", Action::Edit));
        assert!(chef.may(&t, "SN41", Action::Submit));
        assert!(!chef.may(&t, "SN41", Action::Review));
        assert!(!chef.may(&t, "SN42", Action::Read), "a sibling unit");
        assert!(!chef.may(&t, "SN40", Action::Read), "the area above");
        let ekonom = access(&[(Role::Ekonom, "SN")]);
        for n in ["SN", "SN40", "SN41", "SN42"] {
            assert!(ekonom.may(&t, n, Action::Review), "{n}");
        }
        assert!(!ekonom.may(&t, "VON21", Action::Read));
        assert!(!ekonom.may(&t, "PO", Action::Read));
        assert!(!ekonom.may(&t, "SN41", Action::Submit));
        let reader = access(&[(Role::Lasare, "PO")]);
        assert!(reader.may(&t, "VON21", Action::Read));
        assert!(!reader.may(&t, "VON21", Action::Edit));
        let admin = access(&[(Role::Administrator, "PO")]);
        assert!(admin.may(&t, "PO", Action::ManageUsers));
        assert!(admin.may(&t, "PO", Action::Lock));
        assert!(!admin.may(&t, "SN41", Action::Edit));
        // An unknown node is covered by nothing but its own grant.
        assert!(!ekonom.may(&t, "XX", Action::Read));
    }

    #[test]
    fn top_nodes_leave_out_what_is_under_another_grant() {
        let t = tree();
        let a = access(&[
            (Role::Enhetschef, "SN41"),
            (Role::Lasare, "SN"),
            (Role::Enhetschef, "VON21"),
            (Role::Ekonom, "gone"),
        ]);
        assert_eq!(a.top_nodes(&t), vec!["SN", "VON21"]);
        assert_eq!(a.roles_on(&t, "SN41"), vec![Role::Enhetschef, Role::Lasare]);
        assert_eq!(a.roles_on(&t, "SN42"), vec![Role::Lasare]);
    }

    #[test]
    fn roles_parse_codes_and_words() {
        for r in Role::ALL {
            assert_eq!(Role::parse(r.code()), Some(r));
            assert_eq!(Role::parse(r.label()), Some(r));
        }
        assert_eq!(Role::parse("Läsare"), Some(Role::Lasare));
        let e = Role::parse_or_err("chef").unwrap_err().to_string();
        assert!(
            e.contains("enhetschef, ekonom, administrator, lasare"),
            "{e}"
        );
    }

    #[test]
    fn passwords_hash_with_argon2id_and_verify() {
        let h = hash_password("Hemligt lösen 123").unwrap();
        assert!(h.starts_with("$argon2id$"), "{h}");
        assert!(verify_password("Hemligt lösen 123", &h));
        assert!(!verify_password("hemligt lösen 123", &h));
        assert!(!verify_password("x", "inte en hash"));
        assert_ne!(h, hash_password("Hemligt lösen 123").unwrap(), "salted");
    }

    #[test]
    fn login_sessions_slide_expire_and_end() {
        let mut s = SqliteStore::open_in_memory().unwrap();
        s.add_user("ekonom-sn", &hash_password("demo").unwrap(), "admin")
            .unwrap();
        let t0 = 1_760_000_000;
        let e = login(&mut s, "ekonom-sn", "fel", t0).unwrap_err();
        assert!(matches!(e, AppError::Unauthorized(_)), "{e}");
        let e2 = login(&mut s, "ingen", "demo", t0).unwrap_err();
        assert_eq!(e.to_string(), e2.to_string(), "no hint which one was wrong");
        let new = login(&mut s, "ekonom-sn", "demo", t0).unwrap();
        assert_eq!(new.token.len(), 64);
        assert_eq!(s.user("ekonom-sn").unwrap().unwrap().failed_logins, 0);
        // Only the hash is stored.
        assert!(s.session(&new.token).unwrap().is_none());
        assert!(s.session(&token_hash(&new.token)).unwrap().is_some());
        // Used after 20 minutes: still valid, and the end moves.
        let u = session_user(&mut s, &new.token, t0 + 20 * 60)
            .unwrap()
            .unwrap();
        assert_eq!(u.user, "ekonom-sn");
        assert_eq!(u.expires_at, t0 + 20 * 60 + SESSION_SECONDS);
        // 40 minutes after the start it is still valid thanks to the slide …
        assert!(session_user(&mut s, &new.token, t0 + 40 * 60)
            .unwrap()
            .is_some());
        // … but not after 31 idle minutes.
        assert_eq!(
            session_user(&mut s, &new.token, t0 + 40 * 60 + SESSION_SECONDS + 1).unwrap(),
            None
        );
        assert!(
            s.session(&token_hash(&new.token)).unwrap().is_none(),
            "an ended session is removed"
        );
        let again = login(&mut s, "ekonom-sn", "demo", t0).unwrap();
        assert!(logout(&mut s, &again.token).unwrap());
        assert_eq!(session_user(&mut s, &again.token, t0 + 1).unwrap(), None);
        assert_eq!(session_user(&mut s, "", t0).unwrap(), None);
    }

    #[test]
    fn repeated_failures_lock_the_account_for_a_while() {
        let mut s = SqliteStore::open_in_memory().unwrap();
        s.add_user("revisor", &hash_password("demo").unwrap(), "admin")
            .unwrap();
        let t0 = 1_760_000_000;
        for _ in 0..LOCK_AFTER {
            login(&mut s, "revisor", "gissning", t0).unwrap_err();
        }
        // Even the right password is refused while locked, with the message every refusal
        // gives (an unknown name's too: the words do not tell that the account exists).
        let e = login(&mut s, "revisor", "demo", t0 + 10)
            .unwrap_err()
            .to_string();
        assert!(e.contains("spärrat en stund efter 5 misslyckade"), "{e}");
        assert!(e.contains("5 min"), "{e}");
        let unknown = login(&mut s, "ingen", "demo", t0 + 10)
            .unwrap_err()
            .to_string();
        assert_eq!(e, unknown);
        assert_eq!(
            login(&mut s, "a\u{0}b", "demo", t0)
                .unwrap_err()
                .to_string(),
            unknown
        );
        let ok = login(&mut s, "revisor", "demo", t0 + LOCK_SECONDS + 1).unwrap();
        assert_eq!(ok.user, "revisor");
        let u = s.user("revisor").unwrap().unwrap();
        assert_eq!((u.failed_logins, u.locked_until), (0, None));
    }

    #[test]
    fn logins_checked_side_by_side_each_count_and_the_check_writes_nothing() {
        let mut s = SqliteStore::open_in_memory().unwrap();
        s.add_user("revisor", &hash_password("demo").unwrap(), "admin")
            .unwrap();
        let t = 1_760_000_000;
        let from = Some("192.0.2.7");
        // Five wrong passwords checked before any is recorded (five requests at once, the
        // hashes checked beside each other), and the right one among them: the checks write
        // nothing …
        let checks: Vec<LoginCheck> = (0..LOCK_AFTER)
            .map(|_| check_login(&s, "revisor", "fel", from, t).unwrap())
            .collect();
        let right_meanwhile = check_login(&s, "revisor", "demo", from, t).unwrap();
        assert!(checks
            .iter()
            .all(|c| matches!(c, LoginCheck::WrongPassword(seen) if seen.name == "revisor")));
        assert_eq!(s.user("revisor").unwrap().unwrap().failed_logins, 0);
        assert!(s.address_failures("192.0.2.7").unwrap().is_none());
        // … and every one counts when recorded, so the account locks as if they had come
        // one after another.
        for c in &checks {
            let e = record_login(&mut s, c, "revisor", "fel", from, t).unwrap_err();
            assert_eq!(e.to_string(), LOGIN_REFUSED);
        }
        let u = s.user("revisor").unwrap().unwrap();
        assert_eq!(u.failed_logins, LOCK_AFTER);
        assert_eq!(u.locked_until, Some(t + LOCK_SECONDS));
        // The right password checked meanwhile does not slip past the lock the others set: the
        // account changed since its check, so it is checked again, one at a time, and refused
        // as any login of a locked account.
        let e = record_login(&mut s, &right_meanwhile, "revisor", "demo", from, t).unwrap_err();
        assert_eq!(e.to_string(), LOGIN_REFUSED);
        assert_eq!(
            s.user("revisor").unwrap().unwrap().failed_logins,
            LOCK_AFTER
        );
        // Every refusal counts against the address, the refused right password too (as a
        // login of a locked account always has).
        assert_eq!(
            s.address_failures("192.0.2.7").unwrap().unwrap().failures,
            LOCK_AFTER + 1
        );
        // The right password checked while locked is refused like an unknown name.
        assert_eq!(
            check_login(&s, "revisor", "demo", from, t + 1).unwrap(),
            LoginCheck::Refused
        );
        assert_eq!(
            check_login(&s, "ingen", "demo", from, t + 1).unwrap(),
            LoginCheck::Refused
        );
        // After the lock, a good check recorded clears the count and starts a session.
        let later = t + LOCK_SECONDS + 1;
        let good = check_login(&s, "revisor", "demo", from, later).unwrap();
        assert!(matches!(&good, LoginCheck::Good(seen) if seen.name == "revisor"));
        let session = record_login(&mut s, &good, "revisor", "demo", from, later).unwrap();
        assert_eq!(session.user, "revisor");
        assert_eq!(s.user("revisor").unwrap().unwrap().failed_logins, 0);
    }

    #[test]
    fn many_names_tried_from_one_address_stop_that_address_alike_for_every_name() {
        let mut s = SqliteStore::open_in_memory().unwrap();
        s.add_user("revisor", &hash_password("demo").unwrap(), "admin")
            .unwrap();
        let t0 = 1_760_000_000;
        let spray = Some("203.0.113.9");
        // Password spraying: one guess against many names, no account reaching its own limit.
        for i in 0..ADDRESS_LIMIT {
            let e = login_from(
                &mut s,
                &format!("namn-{i}"),
                "Sommar2025",
                spray,
                t0 + i as i64,
            )
            .unwrap_err();
            assert_eq!(e.to_string(), LOGIN_REFUSED, "attempt {i}");
        }
        // Now the address is refused, with the same words for an unknown name, a known one
        // and even the right password; the account itself is not locked or counted.
        let t = t0 + 60;
        let unknown = login_from(&mut s, "ingen", "demo", spray, t).unwrap_err();
        let known = login_from(&mut s, "revisor", "demo", spray, t).unwrap_err();
        assert_eq!(unknown.to_string(), ADDRESS_REFUSED);
        assert!(!ADDRESS_REFUSED.contains("  "), "one space between words");
        assert_eq!(known.to_string(), unknown.to_string());
        assert!(matches!(known, AppError::Unauthorized(_)));
        let u = s.user("revisor").unwrap().unwrap();
        assert_eq!((u.failed_logins, u.locked_until), (0, None));
        // Another address, and a login whose address is not known, are not affected.
        login_from(&mut s, "revisor", "demo", Some("198.51.100.4"), t).unwrap();
        login(&mut s, "revisor", "demo", t).unwrap();
        // The lock ends by itself.
        let later = t0 + ADDRESS_LIMIT as i64 - 1 + ADDRESS_LOCK_SECONDS + 1;
        login_from(&mut s, "revisor", "demo", spray, later).unwrap();
        // A success does not clear the address's count: one known password cannot buy an
        // attacker more guesses.
        let f = s.address_failures("203.0.113.9").unwrap().unwrap();
        assert_eq!(f.failures, ADDRESS_LIMIT);
    }
}
