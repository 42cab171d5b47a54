//! The report's texts per round: the drafted analysis and proposal, and a person's edits of
//! them, kept with who and when ([`delar_store::TextStore`]). An edit is checked by building the
//! report with it before it is stored: an unknown key or a figure that points nowhere is
//! refused. A locked round's texts never change.

use crate::report::{definition, gather, organisation_name};
use crate::{fail, AppError, Result};
use delar_compose::Draft;
use delar_core::Round;
use delar_store::prelude::*;
use delar_store::RoundStatus;
use std::path::Path;

/// Refuse when the round is locked, with the store's message.
pub fn refuse_locked(store: &dyn Backend, round: Round) -> Result<()> {
    if let Some(info) = store.forecast_round(&round.id())? {
        if info.status == RoundStatus::Locked {
            return Err(AppError::Invalid(delar_store::locked_message(
                &round.id(),
                info.locked_at.as_deref(),
                info.locked_by.as_deref(),
            )));
        }
    }
    Ok(())
}

/// The drafted paragraphs of the round's report (with the definition at `definition`, or the
/// default), each with the edit in force; with `edit`, as if that key's text were `edit.1`.
pub fn drafts(
    store: &dyn Backend,
    round: Round,
    definition_path: Option<&Path>,
    edit: Option<(&str, &str)>,
) -> Result<Vec<Draft>> {
    let def = definition(definition_path)?;
    let mut inputs = gather(store, round, &organisation_name(store))?;
    if let Some((k, t)) = edit {
        inputs.edits.insert(k.to_string(), t.to_string());
    }
    let (_, drafts) =
        delar_compose::build_with_drafts(&def, &inputs, false).map_err(AppError::from_display)?;
    Ok(drafts)
}

/// The stored edits whose paragraph the report no longer drafts (they are not used).
pub fn unused_edits(store: &dyn Backend, round: Round, drafts: &[Draft]) -> Result<Vec<String>> {
    Ok(store
        .report_texts(&round.id())?
        .into_keys()
        .filter(|k| !drafts.iter().any(|d| &d.key == k))
        .collect())
}

/// Keep `text` as the round's text for `key`, by `by`: refused when the text or the name is
/// empty, the round is locked, the report has no such paragraph, a figure in the text points
/// nowhere (the report is built with the edit first), or (with `expected`) someone else
/// changed the text since that version was read.
#[allow(clippy::too_many_arguments)]
pub fn set_text(
    store: &mut dyn Backend,
    round: Round,
    definition_path: Option<&Path>,
    key: &str,
    text: &str,
    by: &str,
    expected: Option<i64>,
) -> Result<()> {
    if text.trim().is_empty() {
        fail!("texten är tom; vill du använda utkastet igen, kör delar text aterstall {key}");
    }
    if by.trim().is_empty() {
        fail!("ange vem som ändrar texten");
    }
    refuse_locked(store, round)?;
    let drafts = drafts(store, round, definition_path, Some((key, text)))
        .map_err(|e| AppError::Invalid(format!("texten för {key} sparades inte: {e}")))?;
    if !drafts.iter().any(|d| d.key == key) {
        let keys: Vec<&str> = drafts.iter().map(|d| d.key.as_str()).collect();
        return Err(AppError::NotFound(format!(
            "rapporten har inget stycke {key}; de som finns är {}",
            keys.join(", ")
        )));
    }
    store.set_report_text(&round.id(), key, text, by.trim(), expected)?;
    Ok(())
}

/// Withdraw the edit of `key` (the draft is used again); `false` when there was none.
/// Refused when the round is locked, or (with `expected`) on a stale version.
pub fn reset_text(
    store: &mut dyn Backend,
    round: Round,
    key: &str,
    by: &str,
    expected: Option<i64>,
) -> Result<bool> {
    refuse_locked(store, round)?;
    Ok(store.clear_report_text(&round.id(), key, by.trim(), expected)?)
}

/// One paragraph of the round's report as the text page shows it.
#[derive(Clone, Debug)]
pub struct TextView {
    /// The paragraph: key, section, draft, edit in force and the rendered text.
    pub draft: Draft,
    /// The node the paragraph is about (`analys.SN` → `SN`), else the organisation's top.
    pub node: String,
    /// The version of its text (0 = never edited), for an optimistic save.
    pub version: i64,
    /// The figures bound in the text in force (`{tabell.rad.kolumn}`) with their values now.
    pub bindings: Vec<(String, String)>,
    /// Every change of the key, oldest first.
    pub history: Vec<delar_store::TextChange>,
    /// The person may change it now (ekonom on its node, the round open).
    pub may_edit: bool,
}

/// The bindings `{tabell.rad.kolumn}` (with an optional `|abs`) in `text` with the value each
/// shows in `report` (`finns inte i rapporten` for one that points nowhere).
pub fn bindings(text: &str, report: &delar_report::Report) -> Vec<(String, String)> {
    let mut out: Vec<(String, String)> = Vec::new();
    let mut rest = text;
    while let Some(start) = rest.find('{') {
        if start > 0 && rest[..start].ends_with('\\') {
            rest = &rest[start + 1..];
            continue;
        }
        let Some(len) = rest[start..].find('}') else {
            break;
        };
        let inner = &rest[start + 1..start + len];
        rest = &rest[start + len + 1..];
        let (path, abs) = match inner.split_once('|') {
            Some((p, f)) => (p.trim(), f.trim() == "abs"),
            None => (inner.trim(), false),
        };
        let parts: Vec<&str> = path.splitn(3, '.').collect();
        let value = match parts.as_slice() {
            [t, r, c] => report
                .cell(&delar_report::CellRef {
                    table: t.to_string(),
                    row: r.to_string(),
                    column: c.to_string(),
                })
                .map(|(_, _, cell)| {
                    if abs {
                        cell.text.trim_start_matches('\u{2212}').to_string()
                    } else {
                        cell.text.clone()
                    }
                })
                .unwrap_or_else(|| "finns inte i rapporten".to_string()),
            _ => "ingen hänvisning (skriv {tabell.rad.kolumn})".to_string(),
        };
        let b = format!("{{{inner}}}");
        if !out.iter().any(|(k, _)| *k == b) {
            out.push((b, value));
        }
    }
    out
}

/// The node a text key is about: the part after the first dot when it is a node of `tree`,
/// else the tree's top.
pub fn key_node(tree: &delar_core::OrgTree, key: &str) -> String {
    let top = tree.root().map(|n| n.code.clone()).unwrap_or_default();
    match key.split_once('.') {
        Some((_, n)) if tree.contains(n) => n.to_string(),
        _ => top,
    }
}

/// The round's report texts for `user`: every drafted paragraph whose node the person may
/// read (refused when none), with its edit, rendered text, bound figures, version and
/// history, and whether the person may change it (ekonom on its node: review right). With
/// `preview`, that key is shown as if its text were `preview.1` (nothing is stored); a text
/// whose figures point nowhere is refused with the report's Swedish message.
pub fn text_page(
    store: &dyn Backend,
    user: &str,
    round: Round,
    preview: Option<(&str, &str)>,
) -> Result<Vec<TextView>> {
    use crate::auth::{Access, Action};
    let access = Access::load(store, user)?.ok_or_else(|| {
        AppError::Forbidden(format!(
            "{user} har inget konto; be en administratör om ett"
        ))
    })?;
    let (info, tree) = crate::auth::round_tree(store, &round)?;
    let top = tree.root().map(|n| n.code.clone()).unwrap_or_default();
    if !access.may(&tree, &top, Action::Read)
        && !tree.walk().any(|(_, n)| {
            matches!(
                n.kind,
                delar_core::OrgKind::Namnd | delar_core::OrgKind::Programnamnd
            ) && access.may(&tree, &n.code, Action::Read)
        })
    {
        return Err(AppError::Forbidden(format!(
            "{user} har ingen behörighet att läsa rapportens texter för {}; texterna läses av \
             ekonomer och läsare på en nämnd eller hela organisationen",
            round.id()
        )));
    }
    let def = definition(None)?;
    let mut inputs = gather(store, round, &organisation_name(store))?;
    if let Some((k, t)) = preview {
        inputs.edits.insert(k.to_string(), t.to_string());
    }
    let (report, drafts) = delar_compose::build_with_drafts(&def, &inputs, false)
        .map_err(|e| AppError::Invalid(format!("förhandsgranskningen gick inte: {e}")))?;
    let history = store.report_text_history(&round.id())?;
    let open = info.status == RoundStatus::Open;
    let mut out = Vec::new();
    for d in drafts {
        let node = key_node(&tree, &d.key);
        if !access.may(&tree, &node, Action::Read) {
            continue;
        }
        let text = d.edit.clone().unwrap_or_else(|| d.draft.clone());
        out.push(TextView {
            node: node.clone(),
            version: store.report_text_version(&round.id(), &d.key)?,
            bindings: bindings(&text, &report),
            history: history.iter().filter(|c| c.key == d.key).cloned().collect(),
            may_edit: open && access.may(&tree, &node, Action::Review),
            draft: d,
        });
    }
    if out.is_empty() {
        return Err(AppError::Forbidden(format!(
            "{user} har ingen behörighet att läsa någon av rapportens texter för {}",
            round.id()
        )));
    }
    Ok(out)
}

/// Keep `text` for `key` as `user`, who needs the review right (ekonom) on the key's node;
/// otherwise as [`set_text`] (bindings checked by building the report, a stale `expected`
/// version refused naming who changed it, a locked round refused).
pub fn set_text_as(
    store: &mut dyn Backend,
    user: &str,
    round: Round,
    key: &str,
    text: &str,
    expected: Option<i64>,
) -> Result<()> {
    authorize_text(store, user, round, key)?;
    set_text(store, round, None, key, text, user, expected)
}

/// Withdraw the edit of `key` as `user` (review right on the key's node), as [`reset_text`].
pub fn reset_text_as(
    store: &mut dyn Backend,
    user: &str,
    round: Round,
    key: &str,
    expected: Option<i64>,
) -> Result<bool> {
    authorize_text(store, user, round, key)?;
    reset_text(store, round, key, user, expected)
}

fn authorize_text(store: &dyn Backend, user: &str, round: Round, key: &str) -> Result<()> {
    let (_, tree) = crate::auth::round_tree(store, &round)?;
    let node = key_node(&tree, key);
    crate::auth::authorize(store, user, &round, &node, crate::auth::Action::Review).map_err(
        |e| match e {
            AppError::Forbidden(_) => AppError::Forbidden(format!(
                "{user} har ingen behörighet att ändra texten {key}; det gör en ekonom för {node}"
            )),
            e => e,
        },
    )?;
    Ok(())
}
