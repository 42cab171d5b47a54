//! Static content of the synthetic welfare committee: chart of accounts, cost centres,
//! activities, suppliers, budgets and opening balances (for 50 cost centres; scaled by units).

/// Kommun-Bas style chart: account number and name (classes 1–8).
pub(crate) const CHART: &[(&str, &str)] = &[
    // 1 Tillgångar
    ("1110", "Markreserv"),
    ("1120", "Verksamhetsfastigheter"),
    ("1129", "Ackumulerade avskrivningar verksamhetsfastigheter"),
    ("1140", "Publika fastigheter"),
    ("1170", "Pågående ny-, till- och ombyggnad"),
    ("1210", "Maskiner"),
    ("1219", "Ackumulerade avskrivningar maskiner"),
    ("1220", "Inventarier"),
    ("1229", "Ackumulerade avskrivningar inventarier"),
    ("1230", "Bilar och andra transportmedel"),
    ("1239", "Ackumulerade avskrivningar bilar"),
    ("1240", "Konst"),
    ("1310", "Aktier och andelar"),
    ("1380", "Långfristiga fordringar"),
    ("1410", "Förråd"),
    ("1510", "Kundfordringar"),
    ("1511", "Kundfordringar avgifter"),
    ("1512", "Kundfordringar Försäkringskassan"),
    ("1530", "Fordringar hos staten"),
    ("1590", "Övriga kortfristiga fordringar"),
    ("1641", "Ingående mervärdesskatt"),
    ("1642", "Fordran momskompensation"),
    ("1710", "Förutbetalda kostnader"),
    ("1720", "Upplupna intäkter"),
    (
        "1790",
        "Övriga förutbetalda kostnader och upplupna intäkter",
    ),
    ("1910", "Kassa"),
    ("1920", "Plusgiro"),
    ("1930", "Bank"),
    ("1940", "Koncernkonto"),
    // 2 Eget kapital, avsättningar och skulder
    ("2010", "Eget kapital"),
    ("2050", "Resultatutjämningsreserv"),
    ("2090", "Årets resultat"),
    ("2210", "Avsättningar för pensioner"),
    ("2240", "Avsättningar för särskild löneskatt"),
    ("2310", "Lån i banker och kreditinstitut"),
    ("2390", "Övriga långfristiga skulder"),
    ("2410", "Kortfristiga skulder till kreditinstitut"),
    ("2440", "Leverantörsskulder"),
    ("2490", "Avräkning koncernkonto"),
    ("2510", "Skatteskulder"),
    ("2590", "Avräkning mellan nämnder"),
    ("2610", "Utgående mervärdesskatt"),
    ("2710", "Personalens källskatt"),
    ("2730", "Lagstadgade sociala avgifter"),
    ("2740", "Avtalsenliga avgifter"),
    ("2790", "Övriga skulder till anställda"),
    ("2910", "Upplupna löner"),
    ("2920", "Semesterlöneskuld"),
    ("2940", "Upplupna sociala avgifter"),
    ("2950", "Upplupna pensionskostnader individuell del"),
    ("2970", "Förutbetalda intäkter"),
    ("2990", "Övriga upplupna kostnader"),
    // 3 Verksamhetens intäkter
    ("3110", "Avgifter"),
    ("3111", "Avgifter hemtjänst"),
    ("3112", "Avgifter vård- och omsorgsboende"),
    ("3113", "Avgifter trygghetslarm"),
    ("3114", "Avgifter korttidsvistelse"),
    ("3115", "Avgifter matdistribution"),
    ("3116", "Avgifter LSS"),
    ("3117", "Egenavgifter missbruksvård"),
    ("3120", "Kost- och måltidsavgifter"),
    ("3190", "Övriga avgifter"),
    ("3310", "Bidrag"),
    ("3311", "Statsbidrag Migrationsverket"),
    ("3312", "Assistansersättning Försäkringskassan"),
    ("3313", "Riktade statsbidrag äldreomsorg"),
    ("3314", "Statsbidrag socialtjänst"),
    ("3315", "Lönebidrag och anställningsstöd"),
    ("3316", "Sjuklöneersättning Försäkringskassan"),
    ("3320", "Bidrag från EU"),
    ("3390", "Övriga bidrag"),
    ("3410", "Försäljning av verksamhet"),
    ("3411", "Försäljning av verksamhet till andra kommuner"),
    ("3412", "Försäljning av verksamhet till regionen"),
    ("3413", "Försäljning av verksamhet till privata"),
    ("3490", "Försäljning av verksamhet internt"),
    ("3510", "Försäljning av tjänster"),
    ("3590", "Interna tjänster"),
    ("3610", "Hyresintäkter"),
    ("3611", "Hyresintäkter vård- och omsorgsboende"),
    ("3612", "Hyresintäkter gruppbostäder"),
    ("3710", "Realisationsvinster"),
    ("3910", "Försäkringsersättningar"),
    ("3990", "Övriga intäkter"),
    // 4 Köp av verksamhet, lämnade bidrag
    ("4010", "Inköp av anläggnings- och underhållsmaterial"),
    ("4410", "Entreprenader och köp av tjänster"),
    ("4610", "Köp av huvudverksamhet"),
    ("4611", "Köp av huvudverksamhet från kommuner"),
    ("4612", "Köp av huvudverksamhet från regioner"),
    ("4613", "Köp av huvudverksamhet från privata företag"),
    (
        "4614",
        "Köp av huvudverksamhet från idéburna organisationer",
    ),
    ("4615", "Köp av huvudverksamhet från staten"),
    ("4616", "Köp av hemtjänst enligt LOV"),
    ("4617", "Köp av personlig assistans"),
    ("4690", "Interna köp av huvudverksamhet"),
    ("4710", "Lämnade bidrag till hushåll"),
    ("4711", "Försörjningsstöd"),
    ("4712", "Bistånd till hyror"),
    ("4713", "Bistånd till hemutrustning"),
    ("4720", "Bidrag till föreningar"),
    ("4790", "Övriga lämnade bidrag"),
    // 5 Personalkostnader
    ("5011", "Månadslön ordinarie personal"),
    ("5012", "Månadslön vikarier"),
    ("5021", "Timlön"),
    ("5031", "OB-tillägg"),
    ("5032", "Övertidsersättning"),
    ("5033", "Jourersättning"),
    ("5041", "Fyllnadslön"),
    ("5051", "Sjuklön"),
    ("5071", "Semesterlön"),
    ("5072", "Semesterersättning"),
    ("5081", "Förändring semesterlöneskuld"),
    ("5111", "Arvoden förtroendevalda"),
    ("5120", "Arvoden familjehem"),
    ("5121", "Arvoden kontaktpersoner"),
    ("5210", "Kostnadsersättningar familjehem"),
    ("5220", "Kostnadsersättningar kontaktpersoner"),
    ("5411", "Sociala avgifter enligt lag och avtal"),
    ("5412", "Sociala avgifter förtroendevalda"),
    ("5511", "Pensionskostnader avgiftsbestämd ålderspension"),
    ("5512", "Pensionskostnader förmånsbestämd ålderspension"),
    ("5520", "Särskild löneskatt på pensioner"),
    ("5610", "Utbildning och kurser"),
    ("5620", "Företagshälsovård"),
    ("5630", "Personalrekrytering"),
    ("5640", "Arbetskläder och skyddsutrustning"),
    ("5690", "Övriga personalkostnader"),
    // 6 Lokaler, material och tjänster
    ("6110", "Lokalhyror"),
    ("6111", "Lokalhyror interna"),
    ("6112", "Hyra av bostäder"),
    ("6120", "Hyra av tillfälliga lokaler"),
    ("6210", "Elektricitet"),
    ("6220", "Uppvärmning"),
    ("6230", "Vatten och avlopp"),
    ("6310", "Städning och renhållning"),
    ("6320", "Fastighetsskötsel"),
    ("6410", "Förbrukningsmaterial"),
    ("6420", "Livsmedel"),
    ("6421", "Måltider interna"),
    ("6430", "Medicinskt förbrukningsmaterial"),
    ("6440", "Inkontinensmaterial"),
    ("6450", "Tvätt och kemtvätt"),
    ("6510", "Kontorsmaterial"),
    ("6520", "Trycksaker"),
    ("6530", "Böcker och tidningar"),
    ("6540", "Programvaror och licenser"),
    ("6550", "Datorer och IT-utrustning"),
    ("6560", "Inventarier under ett halvt prisbasbelopp"),
    ("6570", "Leasing av inventarier"),
    ("6610", "Reparation och underhåll av inventarier"),
    ("6910", "Telefoni"),
    ("6920", "Porto"),
    ("6930", "IT-tjänster"),
    ("6931", "IT-tjänster interna"),
    ("6940", "Annonser och reklam"),
    // 7 Övriga tjänster och kapitalkostnader
    ("7010", "Konsulttjänster"),
    ("7011", "Juridiska tjänster"),
    ("7020", "Utredningstjänster"),
    ("7030", "Tolktjänster"),
    ("7210", "Transporter"),
    ("7220", "Färdtjänst"),
    ("7310", "Resekostnader"),
    ("7320", "Hyra av bilar"),
    ("7330", "Drivmedel"),
    ("7340", "Reparation av bilar"),
    ("7410", "Försäkringspremier"),
    ("7420", "Skadestånd"),
    ("7510", "Bemanningsföretag sjuksköterskor"),
    ("7511", "Bemanningsföretag socialsekreterare"),
    ("7512", "Bemanningsföretag övrig personal"),
    ("7610", "Medlemsavgifter"),
    ("7620", "Representation"),
    ("7810", "Avskrivningar inventarier"),
    ("7811", "Avskrivningar byggnader"),
    ("7820", "Nedskrivningar"),
    ("7910", "Övriga kostnader"),
    // 8 Skatter, generella bidrag och finansiella poster
    ("8010", "Kommunalskatt"),
    ("8210", "Inkomstutjämning"),
    ("8220", "Kostnadsutjämning"),
    ("8310", "Ränteintäkter"),
    ("8410", "Räntor och internränta"),
    ("8510", "Räntekostnader på lån"),
    ("8590", "Övriga finansiella kostnader"),
];

/// The SIE account type (#KTYP) for a Kommun-Bas account number.
pub(crate) fn ktyp(no: &str) -> u8 {
    match no.as_bytes() {
        [b'1', ..] => b'T',
        [b'2', ..] => b'S',
        [b'3', ..] => b'I',
        [b'8', b'0'..=b'3', ..] => b'I',
        _ => b'K',
    }
}

/// SCB activity codes (verksamhetsindelning) used as dimension 2.
pub(crate) const ACTIVITIES: &[(&str, &str)] = &[
    ("510", "Vård och omsorg om äldre"),
    ("513", "Insatser enligt LSS och SFB"),
    ("520", "Insatser till personer med funktionsnedsättning"),
    ("559", "Missbrukarvård för vuxna"),
    ("569", "Barn- och ungdomsvård"),
    ("571", "Övrig vuxenvård"),
    ("575", "Ekonomiskt bistånd"),
];

/// A unit group: which cost centres an account is booked on.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Group {
    All = 0,
    Elderly = 1,
    Disability = 2,
    Ifo = 3,
    Aid = 4,
}

/// Number of unit groups.
pub(crate) const GROUPS: usize = 5;

/// The group an activity (index into ACTIVITIES) belongs to, besides `All`.
pub(crate) fn activity_group(activity: usize) -> Group {
    match ACTIVITIES[activity].0 {
        "510" => Group::Elderly,
        "513" | "520" => Group::Disability,
        "575" => Group::Aid,
        _ => Group::Ifo,
    }
}

/// Cost-centre templates: name, activity code, relative size.
pub(crate) const UNITS: &[(&str, &str, f64)] = &[
    ("Hemtjänst Norr", "510", 2.0),
    ("Hemtjänst Söder", "510", 2.0),
    ("Hemtjänst Öster", "510", 1.6),
    ("Hemtjänst Väster", "510", 1.8),
    ("Hemtjänst Centrum", "510", 2.2),
    ("Hemtjänst Ängsbacka", "510", 1.0),
    ("Nattpatrullen", "510", 0.8),
    ("Vård- och omsorgsboende Eken", "510", 3.0),
    ("Vård- och omsorgsboende Björken", "510", 2.6),
    ("Vård- och omsorgsboende Linden", "510", 2.4),
    ("Vård- och omsorgsboende Almen", "510", 2.0),
    ("Vård- och omsorgsboende Lönnen", "510", 2.8),
    ("Vård- och omsorgsboende Rönnen", "510", 1.8),
    ("Vård- och omsorgsboende Åkerbo", "510", 2.2),
    ("Vård- och omsorgsboende Solgläntan", "510", 3.2),
    ("Korttidsboende Sjöudden", "510", 1.4),
    ("Dagverksamhet Fyrklövern", "510", 0.6),
    ("Hemsjukvård", "510", 1.8),
    ("Rehabilitering äldre", "510", 1.0),
    ("Biståndshandläggning äldre", "510", 0.7),
    ("Trygghetslarm och matdistribution", "510", 0.5),
    ("Anhörigstöd", "510", 0.3),
    ("Personlig assistans", "513", 2.5),
    ("Gruppbostad Åkervägen", "513", 1.2),
    ("Gruppbostad Källbacken", "513", 1.1),
    ("Gruppbostad Tallstigen", "513", 1.0),
    ("Servicebostad Göken", "513", 0.9),
    ("Daglig verksamhet Möllan", "513", 1.0),
    ("Daglig verksamhet Verkstan", "513", 0.8),
    ("Korttidsvistelse Fyren", "513", 0.9),
    ("Ledsagar- och avlösarservice", "513", 0.4),
    ("Kontaktpersoner LSS", "513", 0.3),
    ("LSS-handläggning", "513", 0.4),
    ("Boendestöd socialpsykiatri", "520", 0.8),
    ("Träffpunkten socialpsykiatri", "520", 0.4),
    ("Boende Ekbacken socialpsykiatri", "520", 1.0),
    ("Missbruksvård vuxna", "559", 0.8),
    ("Öppenvården Bryggan", "559", 0.6),
    ("Stödboende Vägen", "559", 0.5),
    ("Barn och unga utredning", "569", 1.0),
    ("Familjehemsenheten", "569", 1.2),
    ("HVB Solstrålen", "569", 1.1),
    ("Familjebehandling", "569", 0.6),
    ("Fältgruppen", "569", 0.4),
    ("Stödboende ungdom Viken", "569", 0.6),
    ("Vuxenenheten", "571", 0.6),
    ("Våld i nära relationer", "571", 0.4),
    ("Socialjour", "571", 0.3),
    ("Ekonomiskt bistånd", "575", 1.2),
    ("Förvaltningsledning", "510", 0.8),
];

/// Kinds of vouchers whose lines pick accounts by frequency.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum LineKind {
    /// Supplier invoice: costs and VAT against 2440.
    Supplier = 0,
    /// Payment of financial assistance: costs against 1930.
    Aid = 1,
    /// Customer invoice: revenues against 1510.
    Customer = 2,
    /// Grant received: revenues against 1930.
    Grant = 3,
    /// Internal invoice: costs against 3490 or 2590.
    Internal = 4,
}

/// Number of line kinds.
pub(crate) const LINE_KINDS: usize = 5;

/// Supplier categories (for voucher texts).
pub(crate) const SUPPLIERS: &[&[&str]] = &[
    /* 0 municipalities */ &["Grannby kommun", "Storstadens kommun", "Sjöbo kommun"],
    /* 1 region */ &["Region Exempellän"],
    /* 2 placements */
    &[
        "Nordanvinds HVB AB",
        "Omsorgshuset Vinden AB",
        "Familjevård i Mälardalen AB",
        "Behandlingshemmet Ängen AB",
    ],
    /* 3 non-profit */
    &[
        "Stiftelsen Gläntan",
        "Föreningen Trappan",
        "Stadsmissionen i Exempellän",
    ],
    /* 4 home care LOV */ &["Trygga Händer Hemtjänst AB", "Omsorg Direkt AB"],
    /* 5 assistance */ &["Assistanskompaniet AB", "Frihetsassistans AB"],
    /* 6 education */ &["Utbildningsföretaget Kompetens AB", "Vårdakademin AB"],
    /* 7 occupational health */ &["Företagshälsan i Exempelkommun AB"],
    /* 8 recruitment, ads */ &["Rekryteringsbyrån Norr AB", "Annonsbolaget AB"],
    /* 9 workwear */ &["Arbetskläder Syd AB"],
    /* 10 misc */
    &[
        "Kontorsvaruhuset AB",
        "Järnhandeln i Exempelkommun",
        "Inköpscentralen AB",
    ],
    /* 11 rent */
    &[
        "Fastighets AB Exempelbostäder",
        "Kommunfastigheter i Exempelkommun AB",
        "Hyresvärden Björk AB",
    ],
    /* 12 energy */ &["Exempelkommun Energi AB", "VA-bolaget i Exempellän AB"],
    /* 13 cleaning */ &["Städbolaget Rent AB"],
    /* 14 food */
    &[
        "Livsmedelsgrossisten Norden AB",
        "Bageriet Ängen",
        "Frukt & Grönt i Exempellän AB",
    ],
    /* 15 medical */
    &[
        "Sjukvårdsmaterial AB",
        "Inkontinenscentralen AB",
        "Apoteket Öster",
    ],
    /* 16 laundry */ &["Tvätteriet i Exempelkommun AB"],
    /* 17 office */ &["Kontorsvaruhuset AB", "Tryckeriet Sjöstad AB"],
    /* 18 IT */
    &[
        "Systemleverantören Omsorg AB",
        "IT-partner Norr AB",
        "Licensbolaget AB",
    ],
    /* 19 furniture */ &["Möbelhuset Offentlig Miljö AB"],
    /* 20 telecom, post */ &["Telekomoperatören AB", "Postbolaget"],
    /* 21 consultants */
    &[
        "Konsultbyrån Ekonomi & Styrning AB",
        "Advokatfirman Lag & Rätt",
    ],
    /* 22 interpreters */ &["Tolkförmedlingen Väst AB", "Språkservice AB"],
    /* 23 transport */ &["Transportbolaget Norr AB", "Färdtjänst Exempellän"],
    /* 24 cars */ &["Bilpoolen Leasing AB", "Bilverkstaden Åsen AB"],
    /* 25 fuel */ &["Drivmedel Nord AB"],
    /* 26 insurance */ &["Kommunassurans Syd AB"],
    /* 27 staffing */
    &[
        "Sjuksköterskebemanning Norr AB",
        "Socionompoolen AB",
        "Vårdbemanning Öst AB",
    ],
    /* 28 associations */ &["Sveriges Kommuner och Regioner", "Föreningen Socialchefer"],
];

/// An account used by a line kind: number, annual budget in tkr (for 50 units; costs positive,
/// revenues negative), relative line frequency, unit group, unit price in kr for quantities
/// (0 = none), supplier category.
pub(crate) type LineUse = (&'static str, LineKind, i64, u32, Group, u32, usize);

/// Accounts booked by line-kind vouchers.
pub(crate) const LINE_USES: &[LineUse] = &[
    ("4611", LineKind::Supplier, 15_000, 2, Group::Ifo, 3_900, 0),
    ("4612", LineKind::Supplier, 10_000, 2, Group::Ifo, 0, 1),
    (
        "4613",
        LineKind::Supplier,
        120_000,
        10,
        Group::Ifo,
        4_200,
        2,
    ),
    ("4614", LineKind::Supplier, 20_000, 3, Group::Ifo, 3_100, 3),
    (
        "4616",
        LineKind::Supplier,
        45_000,
        6,
        Group::Elderly,
        420,
        4,
    ),
    (
        "4617",
        LineKind::Supplier,
        30_000,
        4,
        Group::Disability,
        330,
        5,
    ),
    ("5610", LineKind::Supplier, 4_000, 6, Group::All, 0, 6),
    ("5620", LineKind::Supplier, 2_000, 3, Group::All, 0, 7),
    ("5630", LineKind::Supplier, 1_000, 1, Group::All, 0, 8),
    ("5640", LineKind::Supplier, 1_500, 4, Group::All, 0, 9),
    ("5690", LineKind::Supplier, 1_000, 3, Group::All, 0, 10),
    ("6110", LineKind::Supplier, 60_000, 8, Group::All, 0, 11),
    ("6112", LineKind::Supplier, 8_000, 3, Group::Ifo, 0, 11),
    ("6210", LineKind::Supplier, 5_000, 4, Group::All, 0, 12),
    ("6220", LineKind::Supplier, 4_000, 3, Group::All, 0, 12),
    ("6230", LineKind::Supplier, 1_500, 2, Group::All, 0, 12),
    ("6310", LineKind::Supplier, 6_000, 5, Group::All, 0, 13),
    ("6410", LineKind::Supplier, 8_000, 22, Group::All, 0, 10),
    (
        "6420",
        LineKind::Supplier,
        22_000,
        25,
        Group::Elderly,
        0,
        14,
    ),
    ("6430", LineKind::Supplier, 5_000, 12, Group::Elderly, 0, 15),
    ("6440", LineKind::Supplier, 6_000, 10, Group::Elderly, 0, 15),
    ("6450", LineKind::Supplier, 3_000, 6, Group::All, 0, 16),
    ("6510", LineKind::Supplier, 1_500, 10, Group::All, 0, 17),
    ("6530", LineKind::Supplier, 300, 2, Group::All, 0, 17),
    ("6540", LineKind::Supplier, 6_000, 4, Group::All, 0, 18),
    ("6550", LineKind::Supplier, 4_000, 5, Group::All, 0, 18),
    ("6560", LineKind::Supplier, 3_000, 6, Group::All, 0, 19),
    ("6570", LineKind::Supplier, 2_000, 3, Group::All, 0, 18),
    ("6610", LineKind::Supplier, 1_000, 3, Group::All, 0, 10),
    ("6910", LineKind::Supplier, 4_000, 6, Group::All, 0, 20),
    ("6920", LineKind::Supplier, 500, 2, Group::All, 0, 20),
    ("6930", LineKind::Supplier, 5_000, 4, Group::All, 0, 18),
    ("6940", LineKind::Supplier, 400, 1, Group::All, 0, 8),
    ("7010", LineKind::Supplier, 5_000, 3, Group::All, 0, 21),
    ("7030", LineKind::Supplier, 3_000, 6, Group::Ifo, 0, 22),
    ("7210", LineKind::Supplier, 2_000, 3, Group::All, 0, 23),
    ("7320", LineKind::Supplier, 9_000, 6, Group::All, 0, 24),
    ("7330", LineKind::Supplier, 4_000, 8, Group::All, 0, 25),
    ("7340", LineKind::Supplier, 1_000, 2, Group::All, 0, 24),
    ("7410", LineKind::Supplier, 2_000, 1, Group::All, 0, 26),
    (
        "7510",
        LineKind::Supplier,
        14_000,
        5,
        Group::Elderly,
        950,
        27,
    ),
    ("7511", LineKind::Supplier, 8_000, 3, Group::Ifo, 1_100, 27),
    ("7512", LineKind::Supplier, 3_000, 2, Group::All, 700, 27),
    ("7610", LineKind::Supplier, 500, 1, Group::All, 0, 28),
    ("7620", LineKind::Supplier, 300, 2, Group::All, 0, 10),
    ("4711", LineKind::Aid, 70_000, 10, Group::Aid, 0, 0),
    ("4712", LineKind::Aid, 8_000, 3, Group::Aid, 0, 0),
    ("4713", LineKind::Aid, 3_000, 1, Group::Aid, 0, 0),
    (
        "3111",
        LineKind::Customer,
        -22_000,
        10,
        Group::Elderly,
        0,
        0,
    ),
    (
        "3112",
        LineKind::Customer,
        -25_000,
        10,
        Group::Elderly,
        0,
        0,
    ),
    ("3113", LineKind::Customer, -2_000, 3, Group::Elderly, 0, 0),
    ("3114", LineKind::Customer, -1_000, 1, Group::Elderly, 0, 0),
    ("3115", LineKind::Customer, -3_000, 4, Group::Elderly, 0, 0),
    (
        "3116",
        LineKind::Customer,
        -1_500,
        2,
        Group::Disability,
        0,
        0,
    ),
    ("3120", LineKind::Customer, -20_000, 8, Group::Elderly, 0, 0),
    (
        "3312",
        LineKind::Customer,
        -60_000,
        6,
        Group::Disability,
        0,
        0,
    ),
    (
        "3411",
        LineKind::Customer,
        -15_000,
        3,
        Group::Disability,
        0,
        0,
    ),
    ("3412", LineKind::Customer, -8_000, 2, Group::All, 0, 0),
    ("3413", LineKind::Customer, -3_000, 2, Group::All, 0, 0),
    ("3510", LineKind::Customer, -4_000, 3, Group::All, 0, 0),
    ("3611", LineKind::Customer, -28_000, 8, Group::Elderly, 0, 0),
    (
        "3612",
        LineKind::Customer,
        -9_000,
        4,
        Group::Disability,
        0,
        0,
    ),
    ("3990", LineKind::Customer, -2_000, 2, Group::All, 0, 0),
    ("3311", LineKind::Grant, -5_000, 3, Group::Ifo, 0, 0),
    ("3313", LineKind::Grant, -25_000, 3, Group::Elderly, 0, 0),
    ("3314", LineKind::Grant, -8_000, 3, Group::Ifo, 0, 0),
    ("3315", LineKind::Grant, -12_000, 6, Group::All, 0, 0),
    ("3316", LineKind::Grant, -3_000, 3, Group::All, 0, 0),
    ("3390", LineKind::Grant, -1_000, 1, Group::All, 0, 0),
    ("4690", LineKind::Internal, 12_000, 3, Group::All, 0, 0),
    ("6111", LineKind::Internal, 25_000, 6, Group::All, 0, 0),
    ("6421", LineKind::Internal, 15_000, 8, Group::Elderly, 0, 0),
    ("6931", LineKind::Internal, 10_000, 5, Group::All, 0, 0),
];

/// Payroll run types (voucher text prefix) and the wage accounts each books per unit.
pub(crate) const PAYROLL_RUNS: &[(&str, &[&str])] = &[
    ("Månadslön", &["5011"]),
    ("Timlön och tillägg", &["5021", "5031", "5032"]),
    ("Vikarier och sjuklön", &["5012", "5051"]),
    ("Semesterlön", &["5071"]),
];

/// Shares of the regular payroll run types (the first three). In months with a payroll season
/// factor s > 1 there are s times as many payroll vouchers, the extra ones holiday pay.
pub(crate) const PAYROLL_REGULAR_SHARE: [f64; 3] = [0.45, 0.35, 0.20];

/// Probability of each payroll run type in a month (0-based).
pub(crate) fn payroll_run_p(month: usize) -> [f64; 4] {
    let s = PAYROLL_SEASON[month];
    let [a, b, c] = PAYROLL_REGULAR_SHARE;
    [a / s, b / s, c / s, 1.0 - 1.0 / s]
}

/// Wage accounts: number, annual budget in tkr (for 50 units), hourly price for quantities.
pub(crate) const WAGES: &[(&str, i64, u32)] = &[
    ("5011", 365_000, 0),
    ("5012", 35_000, 0),
    ("5021", 55_000, 195),
    ("5031", 28_000, 0),
    ("5032", 8_000, 0),
    ("5051", 6_000, 0),
    ("5071", 35_000, 0),
];

/// Social security contributions (5411) in ten-thousandths of gross pay.
pub(crate) const SOCIAL_FEE_RATE: i64 = 3142;
/// Defined-contribution pension (5511) in ten-thousandths of monthly pay (5011).
pub(crate) const PENSION_RATE: i64 = 450;
/// Preliminary income tax withheld (2710) in ten-thousandths of gross pay.
pub(crate) const TAX_RATE: i64 = 3000;
/// Share (per mille) of internal invoices credited to internal revenue 3490 (the rest 2590).
pub(crate) const INTERNAL_REVENUE_PERMILLE: u64 = 300;
/// Share (per mille) of supplier invoices with a VAT line.
pub(crate) const VAT_PERMILLE: u64 = 350;

/// Capital costs booked monthly per unit: number, annual budget in tkr (for 50 units).
pub(crate) const CAPITAL: &[(&str, i64)] = &[("7810", 9_000), ("8410", 4_000)];

/// Relative number of payroll vouchers per month (holiday pay in June–August and at Christmas).
pub(crate) const PAYROLL_SEASON: [f64; 12] =
    [1.0, 1.0, 1.0, 1.0, 1.0, 1.2, 1.45, 1.2, 1.0, 1.0, 1.0, 1.05];

/// Deliberate deviations from budget (per mille) for some accounts; others get ±4 % noise.
pub(crate) const DEVIATIONS: &[(&str, i64)] = &[
    ("7510", 450),
    ("7511", 300),
    ("4613", 80),
    ("4616", 40),
    ("3312", -40),
    ("4711", 60),
    ("5011", 10),
    ("5021", 50),
];

/// Opening balances in kr (for 50 units); 2010 takes the balancing amount.
pub(crate) const OPENING: &[(&str, i64)] = &[
    ("1120", 180_000_000),
    ("1129", -60_000_000),
    ("1220", 45_000_000),
    ("1229", -22_000_000),
    ("1230", 6_000_000),
    ("1239", -3_000_000),
    ("1510", 18_000_000),
    ("1641", 2_500_000),
    ("1710", 8_000_000),
    ("1930", 40_000_000),
    ("2210", -30_000_000),
    ("2440", -45_000_000),
    ("2590", -5_000_000),
    ("2710", -11_000_000),
    ("2730", -13_000_000),
    ("2920", -40_000_000),
    ("2950", -20_000_000),
];
