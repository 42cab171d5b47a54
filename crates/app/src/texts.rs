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
