//! References from the registers into the round (rule R17): an efficiency measure names the
//! kontogrupp and ansvar whose forecast it changes; the round must have a line there, or the
//! report would cite a measure that no figure carries.

use delar_compose::Inputs;
use delar_report::check::{Finding, Severity};

/// R17 findings for the report's inputs: efficiency measures of the round's year whose
/// kontogrupp is unknown, whose ansvar is not in the organisation, or that no forecast line
/// of the round carries.
pub fn findings(inputs: &Inputs) -> Vec<Finding> {
    let Some(f) = &inputs.followup else {
        return Vec::new();
    };
    let year = inputs.round.year;
    let tree = &inputs.tree;
    let mut out = Vec::new();
    for m in f.data.efficiency.iter().filter(|m| m.month.year() == year) {
        let location = format!("effektiviseringar.csv: {} {}", m.committee, m.code);
        let mut error = |message: String| {
            out.push(Finding {
                rule: "R17",
                severity: Severity::Error,
                location: location.clone(),
                message,
            })
        };
        let node = m.ansvar.as_deref().unwrap_or(m.committee.as_str());
        if tree.node(node).is_none() {
            error(format!(
                "åtgärden «{}» hänvisar till ansvar {node}, som inte finns i organisationen vid \
                 brytmånaden. Rätta ansvar (se delar organisation).",
                m.name
            ));
            continue;
        }
        let Some(group) = m.account_group.as_deref() else {
            continue;
        };
        if inputs.mapping.group(group).is_none() {
            error(format!(
                "åtgärden «{}» hänvisar till kontogruppen {group}, som inte finns. Ange en av \
                 kontogrupperna i delar kontogrupper.",
                m.name
            ));
            continue;
        }
        let carried = inputs.lines.iter().any(|l| {
            l.group == group
                && (l.node == node || tree.ancestors(&l.node).iter().any(|a| a.code == node))
        });
        if !carried {
            error(format!(
                "åtgärden «{}» ska påverka {group} under {node}, men prognosomgången {} har ingen \
                 sådan prognosrad. Rätta kontogrupp eller ansvar, eller beräkna omgången på nytt \
                 om raden saknas.",
                m.name,
                inputs.round.id()
            ));
        }
    }
    out
}
