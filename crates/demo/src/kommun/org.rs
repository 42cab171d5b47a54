//! The organisation of Exempelkommun's programme area for social welfare: committees, areas,
//! units, intraprenader and external providers, with one reorganisation.

use delar_core::YearMonth;

// Rows of `organisation.csv` are core's organisation rows; the kinds are core's.
pub use delar_core::OrgKind as OrgType;
pub use delar_core::OrgNode as OrgRow;

/// The four committees under the programme area.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Committee {
    /// Programnämnd social välfärd.
    Pn = 0,
    /// Socialnämnden.
    Sn = 1,
    /// Vård- och omsorgsnämnden.
    Von = 2,
    /// Funktionsstödsnämnden.
    Fsn = 3,
}

impl Committee {
    /// All committees in code order.
    pub const ALL: [Committee; 4] = [Committee::Pn, Committee::Sn, Committee::Von, Committee::Fsn];

    /// The organisation code (`PN`, `SN`, `VON`, `FSN`), also the counterparty object code.
    pub fn code(self) -> &'static str {
        match self {
            Committee::Pn => "PN",
            Committee::Sn => "SN",
            Committee::Von => "VON",
            Committee::Fsn => "FSN",
        }
    }

    /// The Swedish name.
    pub fn name(self) -> &'static str {
        match self {
            Committee::Pn => "Programnämnd social välfärd",
            Committee::Sn => "Socialnämnden",
            Committee::Von => "Vård- och omsorgsnämnden",
            Committee::Fsn => "Funktionsstödsnämnden",
        }
    }
}

/// What a unit does; decides its cost template, revenues and funding.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Kind {
    /// Management and administration (frame funded).
    Admin,
    /// Case assessment (myndighetsutövning), frame funded.
    Investigation,
    /// Home care, paid per performed hour by PN.
    HomeCare,
    /// Care home (vård- och omsorgsboende), paid per occupied day by PN.
    CareHome,
    /// Short-term stays (korttidsboende), paid per occupied day by PN.
    ShortStay,
    /// Home nursing and rehabilitation, a fixed monthly assignment from PN.
    HomeNursing,
    /// LSS group and service homes, paid per occupied day by PN.
    LssHome,
    /// Daily activities (daglig verksamhet), paid per attendance day by PN.
    DailyAct,
    /// Personal assistance, financed by Försäkringskassan and a fixed assignment from PN.
    PersAssist,
    /// Social psychiatry support (frame funded).
    SocPsych,
    /// SN's own care (HVB, supported housing), frame funded.
    OwnCare,
    /// SN's outpatient care with a fixed assignment from PN.
    OwnCareFunded,
    /// External placements of one target group (index into the placement groups).
    Placement(u8),
    /// Financial assistance case work.
    AidAdmin,
    /// Financial assistance payments (households × amount per household).
    AidPay,
    /// Unaccompanied minors (Migrationsverket grants).
    Unaccompanied,
    /// PN unit that holds internal purchases.
    PnBuyer,
    /// PN's own office.
    PnOffice,
    /// External home-care provider under LOV.
    ExtHomeCare,
    /// External (procured) care home.
    ExtCareHome,
    /// External daily-activity provider.
    ExtDaily,
    /// External LSS housing.
    ExtLss,
}

impl Kind {
    /// True when the unit has staff and a payroll.
    pub(crate) fn has_staff(self) -> bool {
        !matches!(
            self,
            Kind::Placement(_)
                | Kind::AidPay
                | Kind::PnBuyer
                | Kind::ExtHomeCare
                | Kind::ExtCareHome
                | Kind::ExtDaily
                | Kind::ExtLss
        )
    }
}

/// A ledger-carrying unit (enhet, intraprenad or extern).
#[derive(Clone, Debug)]
pub struct Unit {
    /// Organisation code (the ansvar object code in the ledger).
    pub code: String,
    /// Name.
    pub name: String,
    /// enhet, intraprenad or extern.
    pub typ: OrgType,
    /// Committee in 2021 (see [`Organisation::committee_of`] for later years).
    pub committee: Committee,
    /// Main SCB activity code (verksamhet object code).
    pub verksamhet: &'static str,
    pub(crate) kind: Kind,
    /// Approximate gross cost 2025 in kronor.
    pub(crate) size: f64,
    /// Landlord index (rent invoices), 0 = Kommunfastigheter (the late invoice).
    pub(crate) landlord: u8,
}

/// The unit that changes committee: Boendestöd socialpsykiatri moves from FSN to SN.
pub const MOVED_UNIT: &str = "FSN51";
/// The first month under the new committee.
pub const MOVED_FROM: (i32, u8) = (2024, 1);
/// The area the moved unit belongs to before and after the move.
pub const MOVED_PARENTS: (&str, &str) = ("FSN50", "SN30");

/// SCB activity codes (dimension 2, verksamhet) used by the generator.
pub const ACTIVITIES: &[(&str, &str)] = &[
    ("510", "Vård och omsorg om äldre, gemensamt"),
    ("511", "Hemtjänst och hemsjukvård i ordinärt boende"),
    ("512", "Vård- och omsorgsboende"),
    ("513", "Insatser enligt LSS och SFB"),
    (
        "520",
        "Insatser till personer med funktionsnedsättning enligt SoL/HSL",
    ),
    ("559", "Missbrukarvård för vuxna"),
    ("569", "Barn- och ungdomsvård"),
    ("571", "Övrig vuxenvård"),
    ("575", "Ekonomiskt bistånd"),
    ("579", "Flyktingmottagande och ensamkommande barn"),
];

struct Tpl {
    code: &'static str,
    name: &'static str,
    typ: OrgType,
    parent: &'static str,
    kind: Kind,
    ver: &'static str,
    /// Gross cost 2025 at the default scale, mnkr.
    mnkr: f64,
    /// Replicated at larger scales.
    multi: bool,
}

#[allow(clippy::too_many_arguments)] // a table row constructor
const fn t(
    code: &'static str,
    name: &'static str,
    typ: OrgType,
    parent: &'static str,
    kind: Kind,
    ver: &'static str,
    mnkr: f64,
    multi: bool,
) -> Tpl {
    Tpl {
        code,
        name,
        typ,
        parent,
        kind,
        ver,
        mnkr,
        multi,
    }
}

use Kind as K;
use OrgType::{Enhet as E, Extern as X, Intraprenad as I};

/// Areas: code, name, parent.
const AREAS: &[(&str, &str, &str)] = &[
    ("PN1", "Programkontor och beställning", "PN"),
    ("PN2", "Externa utförare", "PN"),
    ("SN10", "Nämnd och förvaltningsledning IFO", "SN"),
    ("SN20", "Myndighet individ- och familjeomsorg", "SN"),
    ("SN30", "Eget utförande", "SN"),
    ("SN40", "Externa vård- och behandlingsplaceringar", "SN"),
    ("SN50", "Ekonomiskt bistånd", "SN"),
    ("SN60", "Ensamkommande barn och unga", "SN"),
    (
        "VON10",
        "Nämnd och förvaltningsledning vård och omsorg",
        "VON",
    ),
    ("VON20", "Hemtjänst", "VON"),
    ("VON30", "Vård- och omsorgsboende", "VON"),
    ("VON40", "Hemsjukvård och rehabilitering", "VON"),
    (
        "FSN10",
        "Nämnd och förvaltningsledning funktionsstöd",
        "FSN",
    ),
    ("FSN20", "Boende enligt LSS", "FSN"),
    ("FSN30", "Daglig verksamhet", "FSN"),
    ("FSN40", "Personlig assistans", "FSN"),
    ("FSN50", "Socialpsykiatri", "FSN"),
];

const UNITS: &[Tpl] = &[
    // PN
    t(
        "PN10",
        "Köp av vård och omsorg",
        E,
        "PN1",
        K::PnBuyer,
        "510",
        0.0,
        false,
    ),
    t(
        "PN11",
        "Köp av funktionsstöd",
        E,
        "PN1",
        K::PnBuyer,
        "513",
        0.0,
        false,
    ),
    t(
        "PN12",
        "Köp av individ- och familjeomsorg",
        E,
        "PN1",
        K::PnBuyer,
        "569",
        0.0,
        false,
    ),
    t(
        "PN20",
        "Biståndshandläggning vård och omsorg",
        E,
        "PN1",
        K::Investigation,
        "510",
        48.0,
        true,
    ),
    t(
        "PN30",
        "Programkontor",
        E,
        "PN1",
        K::PnOffice,
        "510",
        24.0,
        false,
    ),
    t(
        "PNE1",
        "Trygga Händer Hemtjänst AB",
        X,
        "PN2",
        K::ExtHomeCare,
        "511",
        110.0,
        true,
    ),
    t(
        "PNE2",
        "Omsorg Direkt AB",
        X,
        "PN2",
        K::ExtHomeCare,
        "511",
        70.0,
        true,
    ),
    t(
        "PNE3",
        "Berggårdens vård- och omsorgsboende (Humana)",
        X,
        "PN2",
        K::ExtCareHome,
        "512",
        160.0,
        true,
    ),
    t(
        "PNE4",
        "Daglig verksamhet Kompassen AB",
        X,
        "PN2",
        K::ExtDaily,
        "513",
        26.0,
        true,
    ),
    t(
        "PNE5",
        "LSS-boende Vintrosa (Humana LSS)",
        X,
        "PN2",
        K::ExtLss,
        "513",
        70.0,
        true,
    ),
    // SN
    t(
        "SN11",
        "Förvaltningsledning IFO",
        E,
        "SN10",
        K::Admin,
        "569",
        16.0,
        false,
    ),
    t(
        "SN21",
        "Barn och unga utredning",
        E,
        "SN20",
        K::Investigation,
        "569",
        36.0,
        true,
    ),
    t(
        "SN22",
        "Vuxenenheten",
        E,
        "SN20",
        K::Investigation,
        "559",
        20.0,
        true,
    ),
    t(
        "SN23",
        "Mottagning och socialjour",
        E,
        "SN20",
        K::Investigation,
        "571",
        14.0,
        true,
    ),
    t(
        "SN31",
        "Öppenvård barn och unga",
        E,
        "SN30",
        K::OwnCareFunded,
        "569",
        22.0,
        true,
    ),
    t(
        "SN32",
        "Familjehemsenheten",
        E,
        "SN30",
        K::Investigation,
        "569",
        12.0,
        true,
    ),
    t(
        "SN33",
        "HVB Hjorten",
        I,
        "SN30",
        K::OwnCare,
        "569",
        22.0,
        true,
    ),
    t(
        "SN34",
        "Stödboende Vägen",
        E,
        "SN30",
        K::OwnCare,
        "559",
        10.0,
        true,
    ),
    t(
        "SN35",
        "Öppenvården Bryggan",
        E,
        "SN30",
        K::OwnCare,
        "559",
        8.0,
        true,
    ),
    t(
        "SN41",
        "Externa placeringar barn",
        E,
        "SN40",
        K::Placement(0),
        "569",
        0.0,
        false,
    ),
    t(
        "SN42",
        "Externa placeringar unga",
        E,
        "SN40",
        K::Placement(1),
        "569",
        0.0,
        false,
    ),
    t(
        "SN43",
        "Externa placeringar vuxna",
        E,
        "SN40",
        K::Placement(2),
        "559",
        0.0,
        false,
    ),
    t(
        "SN44",
        "Jourhem",
        E,
        "SN40",
        K::Placement(3),
        "569",
        0.0,
        false,
    ),
    t(
        "SN51",
        "Ekonomiskt bistånd handläggning",
        E,
        "SN50",
        K::AidAdmin,
        "575",
        18.0,
        true,
    ),
    t(
        "SN52",
        "Försörjningsstöd utbetalningar",
        E,
        "SN50",
        K::AidPay,
        "575",
        0.0,
        false,
    ),
    t(
        "SN61",
        "Stödboende Pionjären",
        E,
        "SN60",
        K::Unaccompanied,
        "579",
        9.0,
        false,
    ),
    t(
        "SN62",
        "Ensamkommande familjehem och utsluss",
        E,
        "SN60",
        K::Unaccompanied,
        "579",
        5.0,
        false,
    ),
    // VON
    t(
        "VON11",
        "Förvaltningsledning vård och omsorg",
        E,
        "VON10",
        K::Admin,
        "510",
        38.0,
        false,
    ),
    t(
        "VON21",
        "Hemtjänst Norr",
        E,
        "VON20",
        K::HomeCare,
        "511",
        105.0,
        true,
    ),
    t(
        "VON22",
        "Hemtjänst Söder",
        E,
        "VON20",
        K::HomeCare,
        "511",
        98.0,
        true,
    ),
    t(
        "VON23",
        "Hemtjänst Öster",
        E,
        "VON20",
        K::HomeCare,
        "511",
        92.0,
        true,
    ),
    t(
        "VON24",
        "Hemtjänst Väster",
        E,
        "VON20",
        K::HomeCare,
        "511",
        96.0,
        true,
    ),
    t(
        "VON25",
        "Hemtjänst Centrum",
        E,
        "VON20",
        K::HomeCare,
        "511",
        110.0,
        true,
    ),
    t(
        "VON26",
        "Nattpatrullen",
        E,
        "VON20",
        K::HomeCare,
        "511",
        42.0,
        true,
    ),
    t(
        "VON31",
        "Vård- och omsorgsboende Eken",
        E,
        "VON30",
        K::CareHome,
        "512",
        96.0,
        true,
    ),
    t(
        "VON32",
        "Vård- och omsorgsboende Björken",
        E,
        "VON30",
        K::CareHome,
        "512",
        88.0,
        true,
    ),
    t(
        "VON33",
        "Vård- och omsorgsboende Linden",
        I,
        "VON30",
        K::CareHome,
        "512",
        80.0,
        true,
    ),
    t(
        "VON34",
        "Vård- och omsorgsboende Almen",
        E,
        "VON30",
        K::CareHome,
        "512",
        72.0,
        true,
    ),
    t(
        "VON35",
        "Vård- och omsorgsboende Lönnen",
        E,
        "VON30",
        K::CareHome,
        "512",
        92.0,
        true,
    ),
    t(
        "VON36",
        "Vård- och omsorgsboende Solgläntan",
        E,
        "VON30",
        K::CareHome,
        "512",
        104.0,
        true,
    ),
    t(
        "VON37",
        "Korttidsboende Sjöudden",
        E,
        "VON30",
        K::ShortStay,
        "512",
        44.0,
        true,
    ),
    t(
        "VON41",
        "Hemsjukvård",
        E,
        "VON40",
        K::HomeNursing,
        "511",
        230.0,
        true,
    ),
    t(
        "VON42",
        "Rehabilitering",
        E,
        "VON40",
        K::HomeNursing,
        "511",
        62.0,
        true,
    ),
    // FSN
    t(
        "FSN11",
        "Förvaltningsledning funktionsstöd",
        E,
        "FSN10",
        K::Admin,
        "513",
        24.0,
        false,
    ),
    t(
        "FSN21",
        "Gruppbostäder Åkervägen",
        E,
        "FSN20",
        K::LssHome,
        "513",
        82.0,
        true,
    ),
    t(
        "FSN22",
        "Gruppbostäder Källbacken",
        E,
        "FSN20",
        K::LssHome,
        "513",
        76.0,
        true,
    ),
    t(
        "FSN23",
        "Gruppbostäder Tallstigen",
        E,
        "FSN20",
        K::LssHome,
        "513",
        70.0,
        true,
    ),
    t(
        "FSN24",
        "Servicebostäder Göken",
        E,
        "FSN20",
        K::LssHome,
        "513",
        54.0,
        true,
    ),
    t(
        "FSN25",
        "Korttidsvistelse Fyren",
        E,
        "FSN20",
        K::LssHome,
        "513",
        30.0,
        true,
    ),
    t(
        "FSN31",
        "Daglig verksamhet Möllan",
        E,
        "FSN30",
        K::DailyAct,
        "513",
        42.0,
        true,
    ),
    t(
        "FSN32",
        "Daglig verksamhet Verkstan",
        I,
        "FSN30",
        K::DailyAct,
        "513",
        36.0,
        true,
    ),
    t(
        "FSN41",
        "Personlig assistans Norr",
        E,
        "FSN40",
        K::PersAssist,
        "513",
        165.0,
        true,
    ),
    t(
        "FSN42",
        "Personlig assistans Söder",
        E,
        "FSN40",
        K::PersAssist,
        "513",
        140.0,
        true,
    ),
    t(
        "FSN51",
        "Boendestöd socialpsykiatri",
        E,
        "FSN50",
        K::SocPsych,
        "520",
        34.0,
        false,
    ),
];

/// The organisation: the CSV rows (with validity) and the units that carry transactions.
#[derive(Clone, Debug)]
pub struct Organisation {
    /// Rows of `organisation.csv`, in file order.
    pub rows: Vec<OrgRow>,
    /// Units (enhet, intraprenad, extern), in ledger order.
    pub units: Vec<Unit>,
}

impl Organisation {
    /// Build the organisation: `replicas` copies of every replicable unit (1 at the default
    /// scale), sizes multiplied by `money`.
    pub(crate) fn build(replicas: usize, money: f64) -> Organisation {
        let replicas = replicas.max(1);
        let mut rows = Vec::new();
        let row = |code: &str, name: &str, kind, parent: Option<&str>, ver: Option<&str>| OrgRow {
            code: code.into(),
            name: name.into(),
            kind,
            parent: parent.map(Into::into),
            from: None,
            to: None,
            activity: ver.map(Into::into),
        };
        rows.push(row(
            "PO",
            "Programområde social välfärd",
            OrgType::Programomrade,
            None,
            None,
        ));
        rows.push(row(
            "PN",
            Committee::Pn.name(),
            OrgType::Programnamnd,
            Some("PO"),
            None,
        ));
        for c in &Committee::ALL[1..] {
            rows.push(row(c.code(), c.name(), OrgType::Namnd, Some("PO"), None));
        }
        let moved = YearMonth::new(MOVED_FROM.0, MOVED_FROM.1).expect("valid month");
        for &(code, name, parent) in AREAS {
            let mut r = row(code, name, OrgType::Omrade, Some(parent), None);
            if code == MOVED_PARENTS.0 {
                // The area is wound up when its only unit moves.
                r.to = Some(moved.prev());
            }
            rows.push(r);
        }
        let mut units = Vec::new();
        for (i, tp) in UNITS.iter().enumerate() {
            let committee = match &tp.code[..2] {
                "PN" => Committee::Pn,
                "SN" => Committee::Sn,
                "VO" => Committee::Von,
                _ => Committee::Fsn,
            };
            let n = if tp.multi { replicas } else { 1 };
            for k in 0..n {
                let (code, name) = if n == 1 {
                    (tp.code.to_string(), tp.name.to_string())
                } else {
                    (
                        format!("{}-{:02}", tp.code, k + 1),
                        format!("{} {}", tp.name, k + 1),
                    )
                };
                if tp.code == MOVED_UNIT {
                    let mut before = row(&code, &name, tp.typ, Some(MOVED_PARENTS.0), Some(tp.ver));
                    before.to = Some(moved.prev());
                    let mut after = row(&code, &name, tp.typ, Some(MOVED_PARENTS.1), Some(tp.ver));
                    after.from = Some(moved);
                    rows.push(before);
                    rows.push(after);
                } else {
                    rows.push(row(&code, &name, tp.typ, Some(tp.parent), Some(tp.ver)));
                }
                units.push(Unit {
                    code,
                    name,
                    typ: tp.typ,
                    committee,
                    verksamhet: tp.ver,
                    kind: tp.kind,
                    size: tp.mnkr * 1e6 * money / n as f64,
                    landlord: ((i + k) % 3) as u8,
                });
            }
        }
        Organisation { rows, units }
    }

    /// The committee a unit belongs to in `year` (the moved unit changes in 2024).
    pub fn committee_of(&self, unit: usize, year: i32) -> Committee {
        let u = &self.units[unit];
        if u.code == MOVED_UNIT && year >= MOVED_FROM.0 {
            Committee::Sn
        } else {
            u.committee
        }
    }

    /// Indices of the units of a kind.
    pub(crate) fn units_of(&self, pred: impl Fn(Kind) -> bool) -> Vec<usize> {
        (0..self.units.len())
            .filter(|&u| pred(self.units[u].kind))
            .collect()
    }

    /// Index of the unit with `code`.
    pub fn unit_index(&self, code: &str) -> Option<usize> {
        self.units.iter().position(|u| u.code == code)
    }

    /// The rows in force in month `ym`.
    pub fn rows_in_force(&self, ym: YearMonth) -> impl Iterator<Item = &OrgRow> {
        self.rows.iter().filter(move |r| r.in_force(ym))
    }
}
