//! `organisation.csv`: `kod;namn;typ;överordnad;från;till;verksamhet`.
//!
//! One row per node and period; `från`/`till` are the first and last month in force (empty =
//! open); the whole file is validated as a tree per month (see [`Organisation::new`]).

use crate::{write_table, Errors, Table, TableError};
use delar_core::{OrgKind, OrgNode, Organisation};

/// The template's usual file name.
pub const FILE_NAME: &str = "organisation.csv";

/// The columns, in the template's order.
pub const COLUMNS: [&str; 7] = [
    "kod",
    "namn",
    "typ",
    "överordnad",
    "från",
    "till",
    "verksamhet",
];

/// Read the rows (one [`OrgNode`] per table row, in order) and validate them as an
/// organisation; every problem comes back with file, row and column.
pub fn parse(table: &Table) -> Result<Vec<OrgNode>, Vec<TableError>> {
    parse_organisation(table).map(|o| o.nodes().to_vec())
}

/// Read and validate the rows into an [`Organisation`].
pub fn parse_organisation(table: &Table) -> Result<Organisation, Vec<TableError>> {
    let one = |e: TableError| vec![e];
    let code = table.column("kod").map_err(one)?;
    let name = table.column("namn").map_err(one)?;
    let kind = table.column("typ").map_err(one)?;
    let parent = table.column("överordnad").map_err(one)?;
    let from = table.optional_column("från");
    let to = table.optional_column("till");
    let activity = table.optional_column("verksamhet");
    let labels: Vec<&'static str> = OrgKind::ALL.iter().map(|k| k.label()).collect();

    let mut errors = Errors::new(table);
    let mut nodes = Vec::with_capacity(table.rows.len());
    let mut lines = Vec::with_capacity(table.rows.len());
    for c in table.iter() {
        let row_code = errors.take(c.required(&code).map(str::to_string));
        let row_name = errors.take(c.required(&name).map(str::to_string));
        let row_kind = errors.take(c.one_of(&kind, &labels).map(OrgKind::parse));
        let row_from = match &from {
            Some(col) if !c.text(col).is_empty() => errors.take(crate::month(&c, col).map(Some)),
            _ => Some(None),
        };
        let row_to = match &to {
            Some(col) if !c.text(col).is_empty() => errors.take(crate::month(&c, col).map(Some)),
            _ => Some(None),
        };
        if let (Some(code), Some(name), Some(Some(kind)), Some(from), Some(to)) =
            (row_code, row_name, row_kind, row_from, row_to)
        {
            nodes.push(OrgNode {
                code,
                name,
                kind,
                parent: c.opt_text(Some(&parent)).map(str::to_string),
                from,
                to,
                activity: c.opt_text(activity.as_ref()).map(str::to_string),
            });
            lines.push(c.line());
        }
    }
    if !errors.is_empty() {
        return errors.finish(Organisation::empty());
    }
    match Organisation::new(nodes) {
        Ok(org) => Ok(org),
        Err(problems) => {
            for p in problems {
                let column = p
                    .column
                    .and_then(|name| table.optional_column(name))
                    .map(|c| c.name);
                errors.push(TableError {
                    file: table.file.clone(),
                    line: lines[p.index],
                    column,
                    message: p.message,
                });
            }
            errors.finish(Organisation::empty())
        }
    }
}

/// Write nodes as `organisation.csv`.
pub fn write_csv(nodes: &[OrgNode]) -> String {
    let opt = |m: Option<delar_core::YearMonth>| m.map(|m| m.to_string()).unwrap_or_default();
    write_table(
        &COLUMNS,
        nodes.iter().map(|n| {
            vec![
                n.code.clone(),
                n.name.clone(),
                n.kind.label().to_string(),
                n.parent.clone().unwrap_or_default(),
                opt(n.from),
                opt(n.to),
                n.activity.clone().unwrap_or_default(),
            ]
        }),
    )
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    /// A slice of Exempelkommun's organisation: the top levels per the shared conventions,
    /// areas and units below them, and a unit that moves from Vård- och omsorgsnämnden to
    /// Funktionsstödsnämnden at the turn of 2024.
    pub(crate) const EXEMPEL: &str = "\
kod;namn;typ;överordnad;från;till;verksamhet
PO;Programområde social välfärd;programområde;;;;
PN;Programnämnd social välfärd;programnämnd;PO;;;
SN;Socialnämnden;nämnd;PO;;;
VON;Vård- och omsorgsnämnden;nämnd;PO;;;
FSN;Funktionsstödsnämnden;nämnd;PO;;;
SN-IFO;Individ- och familjeomsorg;område;SN;;;
SN-IFO-BU;Barn och unga, myndighet;enhet;SN-IFO;;;569
SN-EB;Ekonomiskt bistånd;enhet;SN-IFO;;;575
SN-EXT;Externa placeringar;extern;SN;;;569
VON-HT;Hemtjänst;område;VON;;;
VON-HT-N;Hemtjänst Norr;intraprenad;VON-HT;;;510
VON-KB;Korttidsboende Eken;enhet;VON;;2023-12;510
VON-KB;Korttidsboende Eken;enhet;FSN;2024-01;;513
FSN-DV;Daglig verksamhet;enhet;FSN;;;513
";

    fn table(text: &str) -> Table {
        Table::from_csv(text.as_bytes(), FILE_NAME).unwrap()
    }

    fn errors(text: &str) -> Vec<String> {
        parse(&table(text))
            .unwrap_err()
            .iter()
            .map(|e| e.to_string())
            .collect()
    }

    #[test]
    fn reads_exempelkommun() {
        let org = parse_organisation(&table(EXEMPEL)).unwrap();
        assert_eq!(org.nodes().len(), 14);
        let ym = |s: &str| delar_core::YearMonth::parse(s).unwrap();
        let t = org.tree_at(ym("2025-08"));
        assert_eq!(t.committee_of("VON-KB").unwrap().code, "FSN");
        assert_eq!(t.node("SN-EB").unwrap().activity.as_deref(), Some("575"));
        assert_eq!(t.node("VON-HT-N").unwrap().kind, OrgKind::Intraprenad);
        assert!(org.position_changed("VON-KB", ym("2023-08"), ym("2024-08")));
        // Writing gives back the same text.
        assert_eq!(write_csv(org.nodes()), EXEMPEL);
    }

    #[test]
    fn accepts_case_and_missing_optional_columns() {
        let text = "Kod;Namn;Typ;Overordnad\nPO;Programområde;Programområde;\nSN;Soc;NÄMND;PO\n";
        let nodes = parse(&table(text)).unwrap();
        assert_eq!(nodes[1].kind, OrgKind::Namnd);
        assert_eq!(nodes[1].from, None);
    }

    #[test]
    fn row_errors_name_file_row_and_column() {
        let bad = EXEMPEL
            .replace(
                "SN-EB;Ekonomiskt bistånd;enhet",
                "SN-EB;Ekonomiskt bistånd;avdelning",
            )
            .replace(
                "FSN-DV;Daglig verksamhet;enhet;FSN;;",
                "FSN-DV;;enhet;FSN;2025-13;",
            );
        let e = errors(&bad);
        assert_eq!(e.len(), 3, "{e:?}");
        assert!(e[0].starts_with("organisation.csv, rad 9, kolumn \"typ\": \"avdelning\" är inte tillåtet. Välj ett av: programområde, programnämnd, nämnd, område, enhet, intraprenad, extern."), "{e:?}");
        assert!(e[1].starts_with("organisation.csv, rad 15, kolumn \"namn\": värde saknas"));
        assert!(e[2].contains("rad 15, kolumn \"från\""));
    }

    #[test]
    fn tree_errors_name_the_row() {
        let bad = EXEMPEL.replace(
            "SN-EB;Ekonomiskt bistånd;enhet;SN-IFO",
            "SN-EB;Ekonomiskt bistånd;enhet;SN-IFX",
        );
        let e = errors(&bad);
        assert_eq!(e.len(), 1);
        assert!(e[0].starts_with("organisation.csv, rad 9, kolumn \"överordnad\": den överordnade \"SN-IFX\" finns inte"), "{e:?}");

        let bad = EXEMPEL.replace(
            "VON-KB;Korttidsboende Eken;enhet;FSN;2024-01",
            "VON-KB;Korttidsboende Eken;enhet;FSN;2023-06",
        );
        let e = errors(&bad);
        assert!(e[0].starts_with("organisation.csv, rad 14, kolumn \"från\": koden \"VON-KB\" finns redan för en överlappande period (till 2023-12)"), "{e:?}");

        let missing = "kod;namn;typ\nPO;P;programområde\n";
        let e = errors(missing);
        assert!(e[0].contains("kolumnen \"överordnad\" saknas"), "{e:?}");
    }

    #[test]
    fn error_list_is_capped() {
        let mut text = String::from("kod;namn;typ;överordnad\nPO;P;programområde;\n");
        for i in 0..250 {
            text.push_str(&format!("E{i};Enhet;okänd;PO\n"));
        }
        let e = errors(&text);
        assert_eq!(e.len(), crate::MAX_ERRORS + 1);
        assert!(e.last().unwrap().contains("… och 150 fel till"));
    }

    fn arb_text() -> impl Strategy<Value = String> {
        // Trimmed, non-empty text that may need quoting.
        "[A-Za-zåäöÅÄÖ0-9;\"',.()/ -]{0,20}[A-Za-zåäö0-9;\"]".prop_map(|s| s.trim().to_string())
    }

    proptest! {
        #[test]
        fn write_then_read_gives_the_same_rows(
            names in proptest::collection::vec(arb_text(), 1..30),
            parents in proptest::collection::vec(any::<prop::sample::Index>(), 30),
            kinds in proptest::collection::vec(0usize..7, 30),
            acts in proptest::collection::vec(proptest::option::of("[0-9]{3}"), 30),
            from in proptest::option::of(0i32..60),
            to in proptest::option::of(60i32..100),
        ) {
            // Every row shares one period, so every parent is in force with its children.
            let base = delar_core::YearMonth::new(2021, 1).unwrap();
            let nodes: Vec<OrgNode> = names.iter().enumerate().map(|(i, n)| OrgNode {
                code: format!("K;{i}"),
                name: if n.is_empty() { "x".into() } else { n.clone() },
                kind: OrgKind::ALL[kinds[i]],
                parent: (i > 0).then(|| format!("K;{}", parents[i].index(i))),
                from: from.map(|f| base.add_months(f)),
                to: to.map(|t| base.add_months(t)),
                activity: acts[i].clone(),
            }).collect();
            let text = write_csv(&nodes);
            let t = Table::from_csv(text.as_bytes(), FILE_NAME).unwrap();
            prop_assert_eq!(parse(&t).unwrap(), nodes);
        }
    }
}
