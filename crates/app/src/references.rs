//! References from the registers into the round (rule R17): an efficiency measure names the
//! kontogrupp and ansvar whose forecast it changes; the round must have a line there, or the
//! report would cite a measure that no figure carries. An event that cites a forecast
//! adjustment (`justering` in `handelser.csv`) must find an adjustment with that code in the
//! round, under the event's committee, or the events table would point at nothing.

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
    out.extend(event_findings(inputs));
    out
}

/// R17 for the events register: each event of the round's year up to its cut-off month that
/// names an adjustment code must find it among the round's adjustments, on a line of the
/// event's committee.
fn event_findings(inputs: &Inputs) -> Vec<Finding> {
    let Some(f) = &inputs.followup else {
        return Vec::new();
    };
    let cutoff = inputs.round.cutoff_month();
    let tree = &inputs.tree;
    let mut out = Vec::new();
    for e in &f.data.events {
        let Some(code) = e.adjustment.as_deref().map(str::trim) else {
            continue;
        };
        if code.is_empty() || e.date.year() != inputs.round.year || e.date.month() > cutoff.month()
        {
            continue;
        }
        let location = format!("handelser.csv: {} {}", e.committee, e.code);
        let carriers: Vec<&str> = inputs
            .lines
            .iter()
            .filter(|l| {
                l.adjustments
                    .iter()
                    .any(|a| a.code.as_deref() == Some(code))
            })
            .map(|l| l.node.as_str())
            .collect();
        let under = |node: &str| {
            node == e.committee || tree.ancestors(node).iter().any(|a| a.code == e.committee)
        };
        let message = if carriers.is_empty() {
            format!(
                "händelsen «{}» hänvisar till prognosjusteringen {code}, men prognosomgången {} \
                 har ingen justering med den koden. Lägg in justeringen (delar forecast adjust \
                 RAD --kod {code} …) eller ta bort hänvisningen i handelser.csv.",
                e.title,
                inputs.round.id()
            )
        } else if !carriers.iter().any(|n| under(n)) {
            format!(
                "händelsen «{}» gäller {}, men prognosjusteringen {code} ligger på {}. Rätta \
                 nämnden i handelser.csv eller flytta justeringen.",
                e.title,
                e.committee,
                carriers.join(", ")
            )
        } else {
            continue;
        };
        out.push(Finding {
            rule: "R17",
            severity: Severity::Error,
            location,
            message,
        });
    }
    out
}
