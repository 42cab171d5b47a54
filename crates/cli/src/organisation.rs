//! `delar organisation [--month ÅÅÅÅ-MM]`: the organisation tree in force in a month,
//! indented, with the changes since the same month a year earlier.

use anyhow::Result;
use delar_core::{OrgTree, Organisation, YearMonth};
use delar_store::Store;
use std::process::ExitCode;

/// Print the tree for `month` (default: the current month).
pub fn run(store: &dyn Store, month: Option<&str>) -> Result<ExitCode> {
    let month = match month {
        Some(m) => YearMonth::parse(m)
            .map_err(|e| anyhow::anyhow!("{e}; skriv månaden som ÅÅÅÅ-MM, till exempel 2025-08"))?,
        None => crate::today().year_month(),
    };
    let org = store.organisation()?;
    print!("{}", render(&org, month));
    Ok(ExitCode::SUCCESS)
}

/// The tree as text: one node per line, indented two spaces per level.
pub fn render(org: &Organisation, month: YearMonth) -> String {
    if org.is_empty() {
        return "Ingen organisation är importerad. Importera en med \"delar import \
                organisation organisation.csv\".\n"
            .into();
    }
    let tree = org.tree_at(month);
    if tree.is_empty() {
        return format!("Organisationen har inga enheter som gäller {month}.\n");
    }
    let mut out = format!(
        "Organisationen {month} ({} {}):\n",
        crate::out::count(tree.len()),
        if tree.len() == 1 { "enhet" } else { "enheter" }
    );
    for (depth, n) in tree.walk() {
        let mut extra = vec![n.kind.label().to_string()];
        if let Some(a) = &n.activity {
            extra.push(format!("verksamhet {a}"));
        }
        match (n.from, n.to) {
            (Some(f), _) if f > month.add_months(-12) => extra.push(format!("från {f}")),
            _ => {}
        }
        if let Some(t) = n.to {
            extra.push(format!("till {t}"));
        }
        out.push_str(&format!(
            "{}{}  {} ({})\n",
            "  ".repeat(depth),
            n.code,
            n.name,
            extra.join(", ")
        ));
    }
    let changes = changes(org, &tree, month.add_months(-12));
    if !changes.is_empty() {
        out.push_str(&format!(
            "Ändringar sedan {} (jämförelser med den månaden är inte jämförbara utan \
             omräkning):\n",
            month.add_months(-12)
        ));
        for c in changes {
            out.push_str(&format!("  {c}\n"));
        }
    }
    out
}

/// The codes above `code`, nearest first.
fn ancestors(t: &OrgTree, code: &str) -> Vec<String> {
    t.ancestors(code)
        .into_iter()
        .map(|a| a.code.clone())
        .collect()
}

/// Nodes that moved, were added or were removed between `earlier` and the tree's month.
fn changes(org: &Organisation, tree: &OrgTree, earlier: YearMonth) -> Vec<String> {
    let before = org.tree_at(earlier);
    let mut out = Vec::new();
    for n in tree.nodes() {
        if !before.contains(&n.code) {
            out.push(format!("{} {} är ny.", n.code, n.name));
        } else if ancestors(&before, &n.code) != ancestors(tree, &n.code) {
            let parent = |t: &OrgTree| {
                t.parent(&n.code)
                    .map(|p| p.code.clone())
                    .unwrap_or_else(|| "–".into())
            };
            out.push(format!(
                "{} {} har flyttats från {} till {}.",
                n.code,
                n.name,
                parent(&before),
                parent(tree)
            ));
        }
    }
    for n in before.nodes() {
        if !tree.contains(&n.code) {
            out.push(format!("{} {} finns inte längre.", n.code, n.name));
        }
    }
    out
}
