//! `delar kontogrupper`: show the account groups in force and the accounts in "Ej
//! kontogrupperat" (with how to map them), load a mapping file, or write the one in force to a
//! file to edit.

use anyhow::{Context, Result};
use delar_core::accounts::UNGROUPED_NAME;
use delar_core::{AccountMapping, Amount, UNGROUPED};
use delar_store::{SqlStore, Store};
use std::path::Path;
use std::process::ExitCode;

/// The file name the instructions suggest for the mapping.
const SUGGESTED_FILE: &str = "kontogrupper.toml";

/// Run the command: load `file` when given, write the mapping in force to `write` when given,
/// otherwise show the mapping and the ungrouped accounts (outcome of `year`, or all years).
pub fn run(
    store: &mut SqlStore,
    file: Option<&Path>,
    write: Option<&Path>,
    year: Option<i32>,
) -> Result<ExitCode> {
    if let Some(p) = file {
        let m = crate::read_mapping(p)?;
        store.set_account_mapping(&m)?;
        println!(
            "Kontogruppsindelningen \"{}\" gäller nu ({} grupper och \"{UNGROUPED_NAME}\").",
            m.name,
            crate::out::count(m.defined_groups().len())
        );
        let ungrouped = store.ungrouped_accounts(year)?;
        if ungrouped.is_empty() {
            println!("Alla resultatkonton hör till en kontogrupp.");
        } else {
            print_ungrouped(&ungrouped, year, &p.display().to_string());
        }
        return Ok(ExitCode::SUCCESS);
    }
    let m = store.account_mapping()?;
    if let Some(p) = write {
        std::fs::write(p, m.to_toml())
            .with_context(|| format!("kunde inte skriva {}", p.display()))?;
        println!(
            "Skrev kontogruppsindelningen \"{}\" till {}. Ändra den och läs in den med \
             \"delar kontogrupper {}\".",
            m.name,
            p.display(),
            p.display()
        );
        return Ok(ExitCode::SUCCESS);
    }
    print_mapping(&m);
    let ungrouped = store.ungrouped_accounts(year)?;
    if !ungrouped.is_empty() {
        println!();
        print_ungrouped(&ungrouped, year, SUGGESTED_FILE);
    }
    Ok(ExitCode::SUCCESS)
}

fn print_mapping(m: &AccountMapping) {
    println!("Kontogruppsindelning: {}", m.name);
    for g in m.groups() {
        let ranges = if g.code == UNGROUPED {
            "(resultatkonton som ingen annan grupp täcker)".to_string()
        } else {
            g.ranges.join(", ")
        };
        let periodisation = match g.periodisation {
            delar_core::Periodisation::LastYear => "",
            delar_core::Periodisation::Even => "  (årsbudget periodiseras jämnt)",
        };
        println!("  {:<18} {:<50} {ranges}{periodisation}", g.code, g.name);
    }
}

/// The accounts in "Ej kontogrupperat" with their outcome, and the three steps that move them
/// into a group (`file`: the mapping file the steps name).
fn print_ungrouped(accounts: &[(String, String, Amount)], year: Option<i32>, file: &str) {
    let when = match year {
        Some(y) => format!("utfall {y}"),
        None => "utfall alla år".to_string(),
    };
    println!(
        "{} {} i \"{UNGROUPED_NAME}\" ({when}):",
        accounts.len(),
        if accounts.len() == 1 {
            "konto"
        } else {
            "konton"
        }
    );
    for (number, name, amount) in accounts {
        println!("  {number:<10} {name:<40} {amount:>18}");
    }
    let numbers: Vec<String> = accounts
        .iter()
        .map(|(n, _, _)| format!("\"{n}\""))
        .collect();
    println!(
        "Så lägger du dem i en kontogrupp:\n\
         \x20 1. Skriv indelningen som gäller till en fil: delar kontogrupper --skriv {file}\n\
         \x20 2. Lägg kontonumren i ranges för den grupp de hör till, eller lägg till en egen \
         grupp sist i filen:\n\
         \x20      [[group]]\n\
         \x20      code = \"ovriga_poster\"\n\
         \x20      name = \"Övriga poster\"\n\
         \x20      kind = \"cost\"            # revenue, cost eller financial\n\
         \x20      ranges = [{}]\n\
         \x20 3. Läs in filen: delar kontogrupper {file}",
        numbers.join(", ")
    );
}
