//! Exempelkommun's indicators: forty definitions modelled on the seeds' indicator tables, with
//! the level, trend and noise their synthetic history is drawn from.

use delar_followup::model::{MeasureKind, Polarity, SourceKind, Trend};

/// How an indicator's target for the year is set.
#[derive(Clone, Copy, Debug)]
pub(crate) enum TargetSpec {
    /// A direction word.
    Word(Trend),
    /// A level.
    Level(f64),
    /// No target (followed only).
    None,
}

/// One indicator of Exempelkommun and how its values are generated.
#[derive(Clone, Copy, Debug)]
pub(crate) struct Spec {
    pub code: &'static str,
    pub name: &'static str,
    pub goal: &'static str,
    pub committee: &'static str,
    pub unit: &'static str,
    pub decimals: u8,
    pub measure: MeasureKind,
    pub polarity: Polarity,
    pub by_sex: bool,
    pub source: SourceKind,
    pub source_id: Option<&'static str>,
    /// Month the yearly value is published; for Kolada cost figures the value of a year is
    /// published the year after (`lagged`).
    pub publication_month: Option<u8>,
    pub lagged: bool,
    /// Level in 2021, change per year, noise (standard-deviation-like half range).
    pub base: f64,
    pub trend: f64,
    pub noise: f64,
    /// Women minus men (shares and values), and the share of women among those measured.
    pub sex_gap: f64,
    pub women_share: f64,
    pub target: TargetSpec,
    pub definition: &'static str,
}

use MeasureKind::*;
use SourceKind::*;

#[allow(clippy::too_many_arguments)] // a table row, read in one line
const fn spec(
    code: &'static str,
    name: &'static str,
    goal: &'static str,
    committee: &'static str,
    unit: &'static str,
    decimals: u8,
    measure: MeasureKind,
    polarity: Polarity,
) -> Spec {
    Spec {
        code,
        name,
        goal,
        committee,
        unit,
        decimals,
        measure,
        polarity,
        by_sex: false,
        source: Internal,
        source_id: None,
        publication_month: None,
        lagged: false,
        base: 0.0,
        trend: 0.0,
        noise: 0.0,
        sex_gap: 0.0,
        women_share: 0.5,
        target: TargetSpec::None,
        definition: "",
    }
}

impl Spec {
    const fn level(mut self, base: f64, trend: f64, noise: f64) -> Spec {
        self.base = base;
        self.trend = trend;
        self.noise = noise;
        self
    }
    const fn sex(mut self, gap: f64, women_share: f64) -> Spec {
        self.by_sex = true;
        self.sex_gap = gap;
        self.women_share = women_share;
        self
    }
    const fn survey(mut self, id: &'static str, month: u8) -> Spec {
        self.source = Survey;
        self.source_id = Some(id);
        self.publication_month = Some(month);
        self
    }
    const fn kolada(mut self, id: &'static str, month: u8, lagged: bool) -> Spec {
        self.source = Kolada;
        self.source_id = Some(id);
        self.publication_month = Some(month);
        self.lagged = lagged;
        self
    }
    const fn ledger(mut self) -> Spec {
        self.source = Ledger;
        self
    }
    /// Values from another register (one measure, one source), `id` its `källid`.
    const fn register(mut self, source: SourceKind, id: &'static str) -> Spec {
        self.source = source;
        self.source_id = Some(id);
        self
    }
    const fn target(mut self, t: TargetSpec) -> Spec {
        self.target = t;
        self
    }
    const fn def(mut self, d: &'static str) -> Spec {
        self.definition = d;
        self
    }
}

const UP: TargetSpec = TargetSpec::Word(Trend::Increase);
const DOWN: TargetSpec = TargetSpec::Word(Trend::Decrease);
const KEEP: TargetSpec = TargetSpec::Word(Trend::Maintain);
const BRUKAR: &str = "Socialstyrelsen, Vad tycker de äldre om äldreomsorgen?";
const LSS_ENKAT: &str = "Brukarundersökning funktionshinderområdet (SKR)";

/// The forty indicators, grouped by committee.
pub(crate) const SPECS: &[Spec] = &[
    // Programnämnden.
    spec(
        "PN01",
        "Brukarbedömning hemtjänst äldreomsorg – fick välja utförare, andel (%)",
        "PN1",
        "PN",
        "%",
        0,
        Share,
        Polarity::Higher,
    )
    .level(76.0, 0.4, 1.5)
    .sex(1.0, 0.66)
    .survey(BRUKAR, 6)
    .target(UP)
    .def("Andel brukare i hemtjänsten som svarat att de fick välja utförare."),
    spec(
        "PN02",
        "Andel nöjda med inflytande och delaktighet, LSS, samtliga utförare (%)",
        "PN1",
        "PN",
        "%",
        0,
        Share,
        Polarity::Higher,
    )
    .level(74.0, 0.3, 1.5)
    .sex(-1.5, 0.42)
    .survey(LSS_ENKAT, 11)
    .target(UP),
    spec(
        "PN03",
        "Budgetavvikelse, programområdet, mnkr",
        "PN2",
        "PN",
        "mnkr",
        1,
        Value,
        Polarity::Higher,
    )
    .level(-50.0, 12.0, 8.0)
    .ledger()
    .register(Ledger, "PO")
    .target(TargetSpec::Word(Trend::Zero))
    .def("Helårsresultat mot budget för programområdet; beräknas ur huvudboken och prognosen."),
    spec(
        "PN04",
        "Nettokostnadsavvikelse, äldreomsorg (%)",
        "PN2",
        "PN",
        "%",
        1,
        Value,
        Polarity::Lower,
    )
    .level(9.5, -1.2, 0.8)
    .kolada("N21810", 6, true)
    .register(Comparisons, "nka:Äldreomsorg")
    .target(DOWN),
    spec(
        "PN05",
        "Beläggningsgrad, vård- och omsorgsboende, samlat värde (%)",
        "PN3",
        "PN",
        "%",
        1,
        Share,
        Polarity::Range(96.5, 99.0),
    )
    .level(96.8, 0.2, 0.4)
    .register(Volumes, "vob_belagda_dygn_*/platsdygn:vob_platser_*")
    .target(KEEP),
    spec(
        "PN06",
        "Permanenta platser i särskilt boende per 1 000 invånare 80 år och äldre",
        "PN3",
        "PN",
        "antal",
        0,
        Value,
        Polarity::Neutral,
    )
    .level(176.0, 2.0, 2.0)
    .register(Volumes, "vob_platser_*/befolkning:80-"),
    spec(
        "PN07",
        "Icke verkställda beslut, särskilt boende, antal",
        "PN3",
        "PN",
        "antal",
        0,
        Count,
        Polarity::Lower,
    )
    .level(95.0, 8.0, 12.0)
    .sex(0.0, 0.68)
    .register(Queues, "ej_verkstallda_sol:VON:Särskilt boende")
    .target(DOWN),
    spec(
        "PN08",
        "Nettokostnadsavvikelse, LSS (%)",
        "PN2",
        "PN",
        "%",
        1,
        Value,
        Polarity::Lower,
    )
    .level(-1.9, -0.4, 0.5)
    .kolada("N28890", 6, true)
    .register(
        Comparisons,
        "nka:Insatser till personer med funktionsnedsättning",
    )
    .target(KEEP),
    // Socialnämnden.
    spec(
        "SN01",
        "Andel barn och unga med insats i öppenvård av alla med insats (%)",
        "SN1",
        "SN",
        "%",
        0,
        Share,
        Polarity::Higher,
    )
    .level(61.0, 1.2, 1.0)
    .target(TargetSpec::Level(66.0)),
    spec(
        "SN02",
        "Vårddygn i institutionsvård, barn och unga, antal",
        "SN1",
        "SN",
        "dygn",
        0,
        Sum,
        Polarity::Lower,
    )
    .level(21_500.0, -450.0, 600.0)
    .register(
        Volumes,
        "platsdygn:plac_barn_inst_personer+plac_unga_inst_personer",
    )
    .target(DOWN),
    spec(
        "SN03",
        "Andel avslutade placeringar där målen i genomförandeplanen uppnåtts (%)",
        "SN1",
        "SN",
        "%",
        0,
        Share,
        Polarity::Higher,
    )
    .level(64.0, 0.8, 2.0)
    .sex(3.0, 0.45)
    .target(TargetSpec::Level(70.0)),
    spec(
        "SN04",
        "Andel hushåll med långvarigt ekonomiskt bistånd (%)",
        "SN2",
        "SN",
        "%",
        1,
        Share,
        Polarity::Lower,
    )
    .level(38.5, -0.6, 0.7)
    .kolada("N31816", 4, true)
    .target(DOWN),
    spec(
        "SN05",
        "Vuxna med ekonomiskt bistånd som börjat arbeta eller studera, antal",
        "SN2",
        "SN",
        "antal",
        0,
        Sum,
        Polarity::Higher,
    )
    .level(420.0, 15.0, 20.0)
    .sex(0.0, 0.47)
    .target(UP),
    spec(
        "SN06",
        "Utbetalt ekonomiskt bistånd per invånare, kr",
        "SN2",
        "SN",
        "kr",
        0,
        Value,
        Polarity::Lower,
    )
    .level(1_650.0, 30.0, 25.0)
    .kolada("N31807", 4, true)
    .target(KEEP),
    spec(
        "SN07",
        "Personalstabilitet, myndighetsutövning (%)",
        "SN3",
        "SN",
        "%",
        0,
        Share,
        Polarity::Floor(85.0),
    )
    .level(86.0, 0.3, 1.2)
    .target(TargetSpec::Level(85.0)),
    spec(
        "SN08",
        "Andel socialsekreterare med minst fyra års utredningserfarenhet (%)",
        "SN3",
        "SN",
        "%",
        0,
        Share,
        Polarity::Higher,
    )
    .level(46.0, 1.5, 2.0)
    .target(TargetSpec::Level(52.0)),
    spec(
        "SN09",
        "Kostnad för externa placeringar, barn och unga, kr per invånare 0–20 år",
        "SN4",
        "SN",
        "kr",
        0,
        Value,
        Polarity::Lower,
    )
    .level(4_200.0, 60.0, 90.0)
    .target(DOWN),
    spec(
        "SN10",
        "Andel vårddygn i egen regi, HVB och stödboende (%)",
        "SN4",
        "SN",
        "%",
        0,
        Share,
        Polarity::Higher,
    )
    .level(58.0, 0.8, 1.5)
    .target(TargetSpec::Level(60.0)),
    spec(
        "SN11",
        "Nettokostnadsavvikelse, individ- och familjeomsorg (%)",
        "SN4",
        "SN",
        "%",
        1,
        Value,
        Polarity::Lower,
    )
    .level(9.0, -0.8, 0.7)
    .kolada("N31810", 6, true)
    .register(Comparisons, "nka:Individ- och familjeomsorg")
    .target(DOWN),
    spec(
        "SN12",
        "Inledda utredningar, barn och unga, genomsnitt per månad",
        "SN1",
        "SN",
        "antal",
        0,
        Value,
        Polarity::Neutral,
    )
    .level(146.0, 4.0, 5.0),
    // Vård- och omsorgsnämnden.
    spec(
        "VON01",
        "Brukarbedömning hemtjänst äldreomsorg – trygghet, andel (%)",
        "VON1",
        "VON",
        "%",
        0,
        Share,
        Polarity::Higher,
    )
    .level(88.0, 0.2, 1.0)
    .sex(-2.0, 0.67)
    .survey(BRUKAR, 6)
    .target(UP),
    spec(
        "VON02",
        "Brukarbedömning särskilt boende äldreomsorg – trygghet, andel (%)",
        "VON1",
        "VON",
        "%",
        0,
        Share,
        Polarity::Higher,
    )
    .level(87.0, 0.1, 1.2)
    .sex(4.0, 0.70)
    .survey(BRUKAR, 6)
    .target(UP),
    spec(
        "VON03",
        "Brukarbedömning hemtjänst äldreomsorg – helhetssyn, andel nöjda (%)",
        "VON1",
        "VON",
        "%",
        0,
        Share,
        Polarity::Higher,
    )
    .level(90.0, -0.3, 1.0)
    .sex(-2.0, 0.67)
    .survey(BRUKAR, 6)
    .target(UP),
    spec(
        "VON04",
        "Brukarbedömning särskilt boende äldreomsorg – helhetssyn, andel nöjda (%)",
        "VON1",
        "VON",
        "%",
        0,
        Share,
        Polarity::Higher,
    )
    .level(82.0, -0.5, 1.5)
    .sex(3.0, 0.70)
    .survey(BRUKAR, 6)
    .target(UP),
    spec(
        "VON05",
        "Antal olika personal som besöker en hemtjänsttagare under 14 dagar",
        "VON1",
        "VON",
        "antal",
        0,
        Value,
        Polarity::Lower,
    )
    .level(17.0, -0.4, 0.5)
    .kolada("U21401", 10, false)
    .target(DOWN),
    spec(
        "VON06",
        "Läkemedelsavvikelser som lett till skada, andel (%)",
        "VON1",
        "VON",
        "%",
        1,
        Share,
        Polarity::Ceiling(1.0),
    )
    .level(0.9, -0.05, 0.1)
    .target(TargetSpec::Level(1.0)),
    spec(
        "VON07",
        "Sjukfrånvaro, vård- och omsorgsnämnden (%)",
        "VON2",
        "VON",
        "%",
        1,
        Share,
        Polarity::Lower,
    )
    .level(10.4, -0.3, 0.3)
    .sex(3.0, 0.86)
    .register(SourceKind::Staff, "sjukfranvaro")
    .target(TargetSpec::Level(8.5)),
    spec(
        "VON08",
        "Andel medarbetare med heltidsanställning (%)",
        "VON2",
        "VON",
        "%",
        0,
        Share,
        Polarity::Higher,
    )
    .level(64.0, 2.5, 1.0)
    .register(SourceKind::Staff, "heltid")
    .target(TargetSpec::Level(75.0)),
    spec(
        "VON09",
        "Andel av arbetad tid utförd av timavlönade (%)",
        "VON2",
        "VON",
        "%",
        1,
        Share,
        Polarity::Lower,
    )
    .level(13.5, -0.5, 0.4)
    .register(SourceKind::Staff, "timavlonade")
    .target(DOWN),
    spec(
        "VON10",
        "Nyttjandegrad i hemtjänsten, andel av arbetstiden hos brukaren (%)",
        "VON3",
        "VON",
        "%",
        1,
        Share,
        Polarity::Floor(60.0),
    )
    .level(58.8, 0.6, 0.4)
    .target(TargetSpec::Level(61.0)),
    spec(
        "VON11",
        "Utförd tid av beviljad tid i hemtjänsten (%)",
        "VON3",
        "VON",
        "%",
        1,
        Share,
        Polarity::Range(90.0, 100.0),
    )
    .level(91.5, 0.4, 0.6)
    .register(
        Volumes,
        "hemtjanst_utforda_timmar_*/hemtjanst_beviljade_timmar",
    )
    .target(KEEP),
    spec(
        "VON12",
        "Kostnad per brukare i hemtjänsten, kr",
        "VON3",
        "VON",
        "kr",
        0,
        Value,
        Polarity::Lower,
    )
    .level(291_000.0, 7_000.0, 3_000.0)
    .kolada("U21468", 6, true)
    .target(KEEP),
    spec(
        "VON13",
        "Budgetavvikelse, hemtjänst, mnkr",
        "VON3",
        "VON",
        "mnkr",
        1,
        Value,
        Polarity::Higher,
    )
    .level(-8.0, -3.0, 3.0)
    .ledger()
    .register(Ledger, "VON20")
    .target(TargetSpec::Word(Trend::Zero))
    .def("Helårsresultat mot budget för hemtjänsten; beräknas ur huvudboken och prognosen."),
    // Funktionsstödsnämnden.
    spec(
        "FSN01",
        "Brukarbedömning gruppbostad LSS – brukaren trivs alltid hemma, andel (%)",
        "FSN1",
        "FSN",
        "%",
        0,
        Share,
        Polarity::Higher,
    )
    .level(78.0, -0.2, 1.5)
    .sex(-3.0, 0.42)
    .survey(LSS_ENKAT, 11)
    .target(UP),
    spec(
        "FSN02",
        "Brukarbedömning daglig verksamhet LSS – får bestämma om saker som är viktiga, andel (%)",
        "FSN1",
        "FSN",
        "%",
        0,
        Share,
        Polarity::Higher,
    )
    .level(80.0, 0.5, 1.5)
    .sex(2.0, 0.42)
    .survey(LSS_ENKAT, 11)
    .target(UP),
    spec(
        "FSN03",
        "Genomförda individuppföljningar, LSS, antal",
        "FSN1",
        "FSN",
        "antal",
        0,
        Sum,
        Polarity::Higher,
    )
    .level(180.0, 30.0, 20.0)
    .target(UP),
    spec(
        "FSN04",
        "Icke verkställda beslut, bostad med särskild service, antal",
        "FSN2",
        "FSN",
        "antal",
        0,
        Count,
        Polarity::Lower,
    )
    .level(34.0, 3.0, 3.0)
    .sex(0.0, 0.38)
    .register(Queues, "ej_verkstallda_lss:FSN:Bostad med särskild service")
    .target(DOWN),
    spec(
        "FSN05",
        "Genomsnittlig väntetid till bostad med särskild service, dagar",
        "FSN2",
        "FSN",
        "dagar",
        0,
        Value,
        Polarity::Lower,
    )
    .level(280.0, 12.0, 15.0)
    .kolada("U28532", 5, true)
    .target(TargetSpec::Level(180.0)),
    spec(
        "FSN06",
        "Beläggningsgrad, bostad med särskild service LSS (%)",
        "FSN2",
        "FSN",
        "%",
        1,
        Share,
        Polarity::Range(97.0, 100.0),
    )
    .level(98.9, 0.1, 0.3)
    .target(KEEP),
    spec(
        "FSN07",
        "Olika assistenter per brukare i personlig assistans, genomsnitt",
        "FSN3",
        "FSN",
        "antal",
        1,
        Value,
        Polarity::Lower,
    )
    .level(7.6, -0.2, 0.2)
    .target(DOWN),
    spec(
        "FSN08",
        "Personalomsättning, personlig assistans (%)",
        "FSN3",
        "FSN",
        "%",
        1,
        Share,
        Polarity::Lower,
    )
    .level(14.2, -0.4, 0.6)
    .sex(-1.0, 0.74)
    .target(DOWN),
];
