//! `delar forecast granska` on the command line: the review before a round is locked
//! (`delar_app::review`). Without a note it lists the flagged lines that need a comment; with
//! `--kommentar "…"` it records one review note on the lines named with `--rader NOD:GRUPP,…`
//! or on every such line with `--alla`; with `--fil granskning.csv` one note per line from a
//! file; `--mall` writes that file to fill in.

use anyhow::{anyhow, bail, Context, Result};
use delar_app::review::{self, write_csv};
use delar_core::{Amount, Round, Unit};
use delar_store::prelude::*;
use delar_store::{LineDetail, ReviewNote, RoundStatus};
use delar_tabular::Table;
use std::fmt::Write as _;
use std::path::Path;
use std::process::ExitCode;

/// What `granska` was asked to do.
pub struct Request<'a> {
    /// The round.
    pub round: Round,
    /// The review note for `rader` or `alla`.
    pub note: Option<&'a str>,
    /// The lines to note (`NOD:GRUPP`).
    pub lines: &'a [String],
    /// Note every line that needs a review.
    pub all: bool,
    /// A file with one note per line.
    pub file: Option<&'a Path>,
    /// Write the lines that need a review as a `granskning.csv` to fill in.
    pub template: Option<&'a Path>,
    /// Who reviews (audit log).
    pub user: String,
}

fn tkr(a: Amount) -> String {
    a.format(Unit::Tkr, 0)
}

/// Run `delar forecast granska`.
pub fn run(store: &mut dyn Backend, req: &Request<'_>) -> Result<ExitCode> {
    let id = req.round.id();
    let (info, pending) = review::pending(store, req.round)?;
    let notes: Vec<ReviewNote> = match (req.note, req.file) {
        (None, None) => {
            if let Some(path) = req.template {
                let rows: Vec<(String, String)> = pending
                    .iter()
                    .map(|d| (format!("{}:{}", d.line.node, d.line.group), String::new()))
                    .collect();
                std::fs::write(path, write_csv(&rows))
                    .with_context(|| format!("kunde inte skriva {}", path.display()))?;
                println!(
                    "Skrev {} med {} rader att granska; fyll i kolumnen kommentar och läs in den \
                     med \"delar forecast granska --round {id} --fil {}\".",
                    path.display(),
                    crate::out::count(rows.len()),
                    path.display()
                );
                return Ok(ExitCode::SUCCESS);
            }
            let pending: Vec<&LineDetail> = pending.iter().collect();
            print!("{}", listing(store, &req.round, info.status, &pending)?);
            return Ok(ExitCode::SUCCESS);
        }
        (Some(note), None) => {
            let notes = review::notes_for(store, req.round, note, req.lines, req.all)?;
            if notes.is_empty() {
                println!(
                    "{id}: inga flaggade rader saknar kommentar; ingenting sparades. Omgången kan \
                     låsas med \"delar forecast lock --round {id}\"."
                );
                return Ok(ExitCode::SUCCESS);
            }
            notes
        }
        (None, Some(path)) => {
            let table = Table::read_path(path).map_err(|e| anyhow!("{e}"))?;
            review::notes_from_file(store, req.round, &table)?
        }
        (Some(_), Some(_)) => bail!("ange antingen --kommentar eller --fil, inte båda"),
    };
    let (n, left) = review::record(store, req.round, &notes, &req.user)?;
    println!(
        "{id}: granskningskommentar sparad på {} {} (kommer inte med i rapporten).",
        crate::out::count(n),
        if n == 1 { "rad" } else { "rader" }
    );
    if left == 0 {
        println!(
            "Alla flaggade rader har en kommentar; omgången kan låsas med \"delar forecast lock \
             --round {id}\"."
        );
    } else {
        println!(
            "{} flaggade rader saknar fortfarande kommentar; se dem med \"delar forecast \
             granska --round {id}\".",
            crate::out::count(left)
        );
    }
    Ok(ExitCode::SUCCESS)
}

/// The lines that need a review, with node name, amounts and flags, and what to do next.
fn listing(
    store: &dyn Backend,
    round: &Round,
    status: RoundStatus,
    pending: &[&LineDetail],
) -> Result<String> {
    let id = round.id();
    let mut s = String::new();
    if pending.is_empty() {
        let _ = writeln!(
            s,
            "{id} ({}): inga flaggade rader saknar kommentar.",
            status.label()
        );
        if status == RoundStatus::Open {
            let _ = writeln!(
                s,
                "Omgången kan låsas med \"delar forecast lock --round {id}\"."
            );
        }
        return Ok(s);
    }
    let org = store.organisation()?;
    let tree = org.tree_at(round.cutoff_month());
    let _ = writeln!(
        s,
        "{id} ({}): {} flaggade rader saknar kommentar (tkr; avvikelse = budget − prognos):",
        status.label(),
        pending.len()
    );
    for d in pending {
        let l = &d.line;
        let name = tree
            .node(&l.node)
            .map(|n| format!(" {}", n.name))
            .unwrap_or_default();
        let _ = writeln!(
            s,
            "\n{}:{}{name}\n  utfall {}  budget {}  prognos {}  avvikelse {}",
            l.node,
            l.group,
            tkr(l.to_date),
            tkr(l.budget),
            tkr(l.full_year()),
            tkr(l.deviation())
        );
        for f in &d.flags {
            let _ = writeln!(s, "  Flagga: {f}");
        }
    }
    let _ = writeln!(
        s,
        "\nGranska raderna och skriv en granskningskommentar (den kommer inte med i rapporten):\n  \
         på alla:        delar forecast granska --round {id} --kommentar \"…\" --alla\n  \
         på några:       delar forecast granska --round {id} --kommentar \"…\" --rader NOD:GRUPP,…\n  \
         en per rad:     delar forecast granska --round {id} --mall granskning.csv, fyll i, sedan --fil granskning.csv\n\
         En kommentar som ska stå i rapporten skrivs med \"delar forecast set NOD:GRUPP --comment \"…\"\"."
    );
    Ok(s)
}
