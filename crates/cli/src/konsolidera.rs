//! `delar konsolidera --year 2025 [--through 2025-08]`: the programme area consolidated along
//! the organisation in force, outcome to date and annual budget per node, with the internal
//! purchases and sales eliminated at the lowest common level shown as rows (docs/
//! CONSOLIDATION.md).

use anyhow::Result;
use delar_consolidate::Consolidation;
use delar_core::{Amount, Unit, YearMonth};
use delar_store::Backend;
use std::fmt::Write as _;
use std::process::ExitCode;

fn tkr(a: Amount) -> String {
    format!("{} tkr", a.format(Unit::Tkr, 0))
}

/// Print the consolidation; `depth` limits the levels shown (nodes with eliminations are
/// always shown).
pub fn run(
    store: &dyn Backend,
    year: i32,
    through: Option<&str>,
    depth: usize,
    counterparty_dim: u32,
) -> Result<ExitCode> {
    let through = through
        .map(|t| {
            YearMonth::parse(t)
                .map_err(|e| anyhow::anyhow!("--through: {e}. Skriv månaden som ÅÅÅÅ-MM."))
        })
        .transpose()?;
    let c = delar_app::consolidation::consolidate_year(store, year, through, counterparty_dim)?;
    let (outcome, budget, through) = (c.outcome, c.budget, c.through);
    print!("{}", render(&outcome, &budget, year, through, depth));
    Ok(ExitCode::SUCCESS)
}

/// The text `run` prints.
pub fn render(
    outcome: &Consolidation,
    budget: &Consolidation,
    year: i32,
    through: YearMonth,
    depth: usize,
) -> String {
    let mut s = String::new();
    let _ = writeln!(
        s,
        "Konsolidering {year}: utfall till och med {through}, årsbudget, organisationen i {through}."
    );
    let _ = writeln!(
        s,
        "Nettokostnad (kostnader positiva, intäkter negativa); interna köp och försäljningar elimineras på lägsta gemensamma nivå."
    );
    let name = |code: &str| {
        outcome
            .node(code)
            .map(|n| n.name.clone())
            .unwrap_or_else(|| code.to_string())
    };
    for n in &outcome.nodes {
        if n.depth > depth && n.eliminations.is_empty() {
            continue;
        }
        let indent = "  ".repeat(n.depth);
        let b = budget
            .node(&n.code)
            .map(|b| b.consolidated.result.total())
            .unwrap_or_default();
        let _ = writeln!(
            s,
            "{indent}{} {}: utfall {}, budget {}",
            n.code,
            n.name,
            tkr(n.consolidated.result.total()),
            tkr(b)
        );
        for e in &n.eliminations {
            let pair = match (&e.buyer, &e.seller) {
                (Some(b), Some(p)) => format!("{} köper av {}", name(b), name(p)),
                _ => "utan angiven motpart".to_string(),
            };
            let _ = writeln!(
                s,
                "{indent}  eliminering, {pair}: köp {}, försäljning {}, differens {}",
                tkr(e.purchase.total()),
                tkr(e.sale.total()),
                tkr(e.difference.total())
            );
        }
        if let Some(t) = n.explanation(&name, Unit::Tkr, 0) {
            let _ = writeln!(s, "{indent}  {t}");
        }
    }
    for w in &outcome.warnings {
        let _ = writeln!(s, "Observera: {w}");
    }
    s
}
