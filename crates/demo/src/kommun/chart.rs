//! The chart of accounts Exempelkommun uses (Kommun-Bas numbering; every result account maps
//! to a kontogrupp of `delar_core::AccountMapping::kommun_bas`).

/// Account number and name, in number order.
pub const CHART: &[(&str, &str)] = &[
    ("1220", "Inventarier"),
    ("1229", "Ackumulerade avskrivningar inventarier"),
    ("1510", "Kundfordringar"),
    ("1930", "Bank"),
    ("2010", "Eget kapital"),
    ("2440", "Leverantörsskulder"),
    ("2590", "Avräkning kommunbidrag och resultat"),
    ("2710", "Personalens källskatt"),
    ("2730", "Lagstadgade sociala avgifter"),
    ("2920", "Semesterlöneskuld"),
    ("2950", "Upplupna pensionskostnader individuell del"),
    ("2990", "Övriga upplupna kostnader"),
    ("3111", "Avgifter hemtjänst"),
    ("3112", "Avgifter vård- och omsorgsboende"),
    ("3116", "Avgifter LSS"),
    ("3311", "Statsbidrag Migrationsverket"),
    ("3312", "Assistansersättning Försäkringskassan"),
    ("3313", "Riktade statsbidrag äldreomsorg"),
    ("3314", "Statsbidrag socialtjänst"),
    ("3413", "Försäljning av verksamhet till andra kommuner"),
    ("3491", "Intern försäljning hemtjänst (timersättning)"),
    ("3492", "Intern försäljning boende (dygnsersättning)"),
    (
        "3493",
        "Intern försäljning daglig verksamhet (närvaroersättning)",
    ),
    (
        "3494",
        "Intern försäljning verksamhetsuppdrag (fast månadsersättning)",
    ),
    ("3611", "Hyresintäkter vård- och omsorgsboende"),
    ("3612", "Hyresintäkter LSS-boende"),
    ("3990", "Återkrav ekonomiskt bistånd"),
    ("4613", "Köp av huvudverksamhet från privata företag"),
    ("4616", "Köp av hemtjänst enligt LOV"),
    ("4621", "Köp av institutionsvård barn och unga (HVB)"),
    ("4622", "Köp av konsulentstödd familjehemsvård"),
    ("4623", "Köp av öppenvård med dygnspris barn och unga"),
    ("4624", "Köp av institutionsvård vuxna"),
    ("4625", "Köp av öppenvård vuxna"),
    ("4626", "Köp av boende vuxna"),
    ("4627", "Köp av vård vuxna utan missbruk"),
    ("4628", "Kontrakterade jourhem"),
    ("4691", "Internt köp hemtjänst (timersättning)"),
    ("4692", "Internt köp boende (dygnsersättning)"),
    ("4693", "Internt köp daglig verksamhet (närvaroersättning)"),
    (
        "4694",
        "Internt köp verksamhetsuppdrag (fast månadsersättning)",
    ),
    ("4711", "Försörjningsstöd"),
    ("4712", "Bistånd till hyror"),
    ("5011", "Månadslön ordinarie personal"),
    ("5021", "Timlön och sommarvikarier"),
    ("5071", "Semesterlön"),
    ("5081", "Förändring semesterlöneskuld"),
    ("5120", "Arvoden familjehem"),
    ("5121", "Arvoden kontaktfamiljer"),
    ("5210", "Kostnadsersättningar familjehem"),
    ("5220", "Kostnadsersättningar kontaktfamiljer"),
    ("5411", "Sociala avgifter enligt lag och avtal"),
    ("5511", "Pensionskostnader avgiftsbestämd ålderspension"),
    ("5610", "Utbildning och kurser"),
    ("6110", "Lokalhyror"),
    ("6410", "Förbrukningsmaterial"),
    ("6420", "Livsmedel"),
    ("6430", "Medicinskt förbrukningsmaterial"),
    ("6440", "Inkontinensmaterial"),
    ("6930", "IT-tjänster"),
    ("7010", "Konsulttjänster"),
    ("7030", "Tolktjänster"),
    ("7210", "Transporter"),
    ("7310", "Resekostnader"),
    ("7320", "Hyra av bilar"),
    ("7330", "Drivmedel"),
    ("7510", "Bemanningsföretag sjuksköterskor"),
    ("7511", "Bemanningsföretag socialsekreterare"),
    ("7512", "Bemanningsföretag övrig personal"),
    ("7810", "Avskrivningar inventarier"),
    ("7910", "Övriga kostnader"),
    (
        "7990",
        "Ej fördelade effektiviseringar (teknisk budgetpost)",
    ),
    ("7991", "Ofinansierat underskott (teknisk budgetpost)"),
    ("8410", "Internränta"),
];

/// Internal purchase accounts (PN's side), one per compensation model.
pub const INTERNAL_PURCHASE: [&str; 4] = ["4691", "4692", "4693", "4694"];
/// Internal sale accounts (the provider's side), paired with [`INTERNAL_PURCHASE`].
pub const INTERNAL_SALE: [&str; 4] = ["3491", "3492", "3493", "3494"];
/// Technical budget line: planned efficiencies not yet distributed (budget only).
pub const TECH_EFFICIENCY: &str = "7990";
/// Technical budget line: unfunded deficit (budget only).
pub const TECH_DEFICIT: &str = "7991";
/// Exempelkommun's kontogrupper (`kontogrupper.toml`): Kommun-Bas, with the two technical
/// budget posts ([`TECH_EFFICIENCY`], [`TECH_DEFICIT`]) as groups of their own of kind
/// `technical`, as a municipality's controller maps them so the analysis never reads an
/// unfunded deficit as "övriga kostnader".
pub fn mapping_toml() -> String {
    let base = delar_core::accounts::KOMMUN_BAS_TOML.replace(
        "ranges = [\"40-44\", \"47-49\", \"62-69\", \"70-74\", \"76-77\", \"79\"]",
        "ranges = [\"40-44\", \"47-49\", \"62-69\", \"70-74\", \"76-77\", \"790-798\", \"7992-7999\"]",
    );
    let base = base.replace("name = \"Kommun-Bas standard\"", "name = \"Exempelkommun\"");
    format!(
        "{base}\n[[group]]\ncode = \"ej_fordelade_effektiviseringar\"\nname = \"Ej fördelade \
         effektiviseringar\"\nkind = \"technical\"\nranges = [\"{TECH_EFFICIENCY}\"]\n\n\
         [[group]]\ncode = \"ofinansierat_underskott\"\nname = \"Ofinansierat underskott i \
         budgeten\"\nkind = \"technical\"\nranges = [\"{TECH_DEFICIT}\"]\n"
    )
}

/// Dimension number of the counterparty (motpart) on internal invoices.
pub const MOTPART_DIM: u32 = 21;

/// Index of an account in [`CHART`]; panics on a number not in the chart (a programming error).
pub(crate) fn idx(no: &str) -> u16 {
    CHART
        .iter()
        .position(|(n, _)| *n == no)
        .unwrap_or_else(|| panic!("account {no} is not in the chart")) as u16
}

/// True for balance accounts (classes 1 and 2).
pub(crate) fn is_balance(a: u16) -> bool {
    matches!(CHART[a as usize].0.as_bytes()[0], b'1' | b'2')
}

/// SIE #KTYP letter.
pub(crate) fn ktyp(a: u16) -> u8 {
    match CHART[a as usize].0.as_bytes()[0] {
        b'1' => b'T',
        b'2' => b'S',
        b'3' => b'I',
        _ => b'K',
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use delar_core::accounts::{is_balance_account, AccountMapping, GroupKind};

    #[test]
    fn every_result_account_maps_to_one_kontogrupp() {
        let m = AccountMapping::kommun_bas();
        for (i, (no, _)) in CHART.iter().enumerate() {
            assert_eq!(is_balance(i as u16), is_balance_account(no), "{no}");
            if is_balance(i as u16) {
                continue;
            }
            let g = m
                .classify(no)
                .filter(|g| g.code != delar_core::UNGROUPED)
                .unwrap_or_else(|| panic!("{no} has no group"));
            let expected = if no.starts_with('3') {
                GroupKind::Revenue
            } else {
                GroupKind::Cost
            };
            assert_eq!(g.kind, expected, "{no}");
        }
        assert_eq!(m.group_of("4691").unwrap().code, "kop_verksamhet");
        assert_eq!(m.group_of("3491").unwrap().code, "forsaljning");
        assert_eq!(m.group_of("7990").unwrap().code, "ovriga_kostnader");
        // Exempelkommun's own mapping keeps the technical posts apart, and moves nothing else.
        let own = AccountMapping::from_toml(&mapping_toml()).unwrap();
        for (no, _) in CHART.iter().filter(|(n, _)| !is_balance_account(n)) {
            let g = own.group_of(no).unwrap();
            match *no {
                TECH_EFFICIENCY | TECH_DEFICIT => assert_eq!(g.kind, GroupKind::Technical),
                _ => assert_eq!(g.code, m.group_of(no).unwrap().code, "{no}"),
            }
        }
        assert_eq!(
            own.group_of("7991").unwrap().name,
            "Ofinansierat underskott i budgeten"
        );
        let mut sorted = CHART.to_vec();
        sorted.sort();
        assert_eq!(sorted, CHART, "the chart is in number order");
    }
}
