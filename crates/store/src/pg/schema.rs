//! The PostgreSQL schema: the SQLite migrations (`crate::schema::MIGRATIONS`) mirrored with
//! the same version numbers and names, table for table and column for column (a test compares
//! the two). The differences are of type only: every integer is `BIGINT`, every float
//! `DOUBLE PRECISION`, and every text `TEXT COLLATE "C"` so that text sorts by byte as in
//! SQLite whatever the database's locale (the reports list codes in that order).
//!
//! Surrogate keys behave as SQLite's rowid: a trigger gives a new row the largest id plus one
//! (`delar_next_id`), so ids have no gaps after a rolled-back import and both backends number
//! batches, lines and adjustments alike. The bulk tables the SIE import writes with `COPY`
//! (`voucher`, `trans`, `balance`, `monthly`) use an identity column instead (a trigger per
//! row would cost more than the copy; their ids are never shown). Foreign keys are declared as
//! in SQLite except on `voucher` and `trans`: every key in them comes from a row the import
//! found or wrote in the same transaction (SQLite's import runs with foreign keys off for the
//! same reason), and a check per row would cost more than the copy itself.

use crate::schema::Migration;

/// All migrations, oldest first; version `n` here is version `n` of SQLite's list.
pub const MIGRATIONS: &[Migration] = &[
    Migration {
        version: 1,
        name: "grundschema",
        sql: r#"
-- SQLite's rowid: a new row's id is one more than the largest (every write transaction holds
-- the store's write lock, so no two writers compute the same). Gapless like SQLite's, also
-- after a rolled-back import, so the two backends number batches alike.
CREATE FUNCTION delar_next_id() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    EXECUTE format('SELECT COALESCE(MAX(id), 0) + 1 FROM %I', TG_TABLE_NAME) INTO NEW.id;
    RETURN NEW;
END
$$;

CREATE TABLE settings (
    key   TEXT COLLATE "C" PRIMARY KEY,
    value TEXT COLLATE "C" NOT NULL
);

CREATE TABLE organisation (
    id    BIGINT PRIMARY KEY,
    orgnr TEXT COLLATE "C" UNIQUE,
    name  TEXT COLLATE "C"
);
CREATE TRIGGER organisation_id BEFORE INSERT ON organisation
    FOR EACH ROW WHEN (NEW.id IS NULL) EXECUTE FUNCTION delar_next_id();

CREATE TABLE financial_year (
    id         BIGINT PRIMARY KEY,
    start_date TEXT COLLATE "C" NOT NULL,
    end_date   TEXT COLLATE "C" NOT NULL,
    UNIQUE (start_date, end_date)
);
CREATE TRIGGER financial_year_id BEFORE INSERT ON financial_year
    FOR EACH ROW WHEN (NEW.id IS NULL) EXECUTE FUNCTION delar_next_id();

-- The account mapping in force (kontogrupper); ranges as written in the mapping file,
-- separated by commas.
CREATE TABLE account_group (
    code     TEXT COLLATE "C" PRIMARY KEY,
    name     TEXT COLLATE "C" NOT NULL,
    kind     TEXT COLLATE "C" NOT NULL CHECK (kind IN ('revenue', 'cost', 'financial')),
    position BIGINT NOT NULL,
    ranges   TEXT COLLATE "C" NOT NULL
);

CREATE TABLE account (
    id         BIGINT PRIMARY KEY,
    number     TEXT COLLATE "C" NOT NULL UNIQUE,
    name       TEXT COLLATE "C",
    kind       TEXT COLLATE "C" CHECK (kind IN ('T', 'S', 'K', 'I')),
    unit       TEXT COLLATE "C",
    sru        TEXT COLLATE "C",
    group_code TEXT COLLATE "C" REFERENCES account_group (code)
);
CREATE TRIGGER account_id BEFORE INSERT ON account
    FOR EACH ROW WHEN (NEW.id IS NULL) EXECUTE FUNCTION delar_next_id();

CREATE TABLE dimension (
    dim    BIGINT PRIMARY KEY,
    name   TEXT COLLATE "C" NOT NULL,
    parent BIGINT
);

CREATE TABLE object (
    id   BIGINT PRIMARY KEY,
    dim  BIGINT NOT NULL REFERENCES dimension (dim),
    code TEXT COLLATE "C" NOT NULL,
    name TEXT COLLATE "C",
    UNIQUE (dim, code)
);
CREATE TRIGGER object_id BEFORE INSERT ON object
    FOR EACH ROW WHEN (NEW.id IS NULL) EXECUTE FUNCTION delar_next_id();

-- A canonical set of objects: key is "dim=code;dim=code" sorted by dim then code, with
-- '\', ';' and '=' in codes escaped by '\'. The empty set has the key ''.
CREATE TABLE object_set (
    id  BIGINT PRIMARY KEY,
    key TEXT COLLATE "C" NOT NULL UNIQUE
);
CREATE TRIGGER object_set_id BEFORE INSERT ON object_set
    FOR EACH ROW WHEN (NEW.id IS NULL) EXECUTE FUNCTION delar_next_id();

CREATE TABLE object_set_member (
    object_set_id BIGINT NOT NULL REFERENCES object_set (id),
    object_id     BIGINT NOT NULL REFERENCES object (id),
    PRIMARY KEY (object_set_id, object_id)
);
CREATE INDEX object_set_member_object ON object_set_member (object_id);

CREATE TABLE import_batch (
    id              BIGINT PRIMARY KEY,
    source          TEXT COLLATE "C" NOT NULL,
    organisation_id BIGINT REFERENCES organisation (id),
    file_name       TEXT COLLATE "C" NOT NULL,
    sha256          TEXT COLLATE "C" NOT NULL,
    imported_at     TEXT COLLATE "C" NOT NULL,
    sie_type        TEXT COLLATE "C",
    encoding        TEXT COLLATE "C",
    program         TEXT COLLATE "C",
    vouchers        BIGINT NOT NULL DEFAULT 0,
    transactions    BIGINT NOT NULL DEFAULT 0,
    accounts        BIGINT NOT NULL DEFAULT 0,
    objects         BIGINT NOT NULL DEFAULT 0,
    months_outcome  BIGINT NOT NULL DEFAULT 0,
    months_budget   BIGINT NOT NULL DEFAULT 0,
    warnings        BIGINT NOT NULL DEFAULT 0,
    status          TEXT COLLATE "C" NOT NULL CHECK (status IN ('active', 'replaced')),
    replaced_by     BIGINT REFERENCES import_batch (id)
);
CREATE TRIGGER import_batch_id BEFORE INSERT ON import_batch
    FOR EACH ROW WHEN (NEW.id IS NULL) EXECUTE FUNCTION delar_next_id();
CREATE INDEX import_batch_source ON import_batch (source, sha256);

-- What a batch carries per financial year and kind of data. A newer batch from the same
-- source that carries the same (year, part) replaces it: replaced_by is set, and queries
-- only count parts where replaced_by IS NULL.
CREATE TABLE batch_part (
    batch_id          BIGINT NOT NULL REFERENCES import_batch (id),
    financial_year_id BIGINT NOT NULL REFERENCES financial_year (id),
    part              TEXT COLLATE "C" NOT NULL CHECK (part IN ('vouchers', 'balances', 'outcome', 'budget')),
    rows_count        BIGINT NOT NULL,
    replaced_by       BIGINT REFERENCES import_batch (id),
    PRIMARY KEY (batch_id, financial_year_id, part)
);

CREATE TABLE voucher (
    id                BIGINT GENERATED BY DEFAULT AS IDENTITY PRIMARY KEY,
    batch_id          BIGINT NOT NULL,
    financial_year_id BIGINT NOT NULL,
    series            TEXT COLLATE "C" NOT NULL,
    number            TEXT COLLATE "C",
    date              TEXT COLLATE "C" NOT NULL,
    text              TEXT COLLATE "C",
    reg_date          TEXT COLLATE "C",
    sign              TEXT COLLATE "C"
);

CREATE TABLE trans (
    id            BIGINT GENERATED BY DEFAULT AS IDENTITY PRIMARY KEY,
    voucher_id    BIGINT NOT NULL,
    kind          TEXT COLLATE "C" NOT NULL CHECK (kind = 'normal' OR kind = 'added' OR kind = 'removed'),
    account_id    BIGINT NOT NULL,
    object_set_id BIGINT NOT NULL,
    amount_ore    BIGINT NOT NULL,
    date          TEXT COLLATE "C",
    text          TEXT COLLATE "C",
    quantity      DOUBLE PRECISION,
    sign          TEXT COLLATE "C"
);

CREATE TABLE balance (
    id                BIGINT GENERATED BY DEFAULT AS IDENTITY PRIMARY KEY,
    batch_id          BIGINT NOT NULL REFERENCES import_batch (id),
    financial_year_id BIGINT NOT NULL REFERENCES financial_year (id),
    kind              TEXT COLLATE "C" NOT NULL
                      CHECK (kind = 'IB' OR kind = 'UB' OR kind = 'RES' OR kind = 'OIB' OR kind = 'OUB'),
    account_id        BIGINT NOT NULL REFERENCES account (id),
    object_set_id     BIGINT NOT NULL REFERENCES object_set (id),
    amount_ore        BIGINT NOT NULL,
    quantity          DOUBLE PRECISION
);

-- Monthly amounts per account and object set: outcome (from transactions, or #PSALDO when
-- the file has no vouchers for the year) and budget (#PBUDGET).
CREATE TABLE monthly (
    id                BIGINT GENERATED BY DEFAULT AS IDENTITY PRIMARY KEY,
    batch_id          BIGINT NOT NULL REFERENCES import_batch (id),
    financial_year_id BIGINT NOT NULL REFERENCES financial_year (id),
    kind              TEXT COLLATE "C" NOT NULL CHECK (kind IN ('outcome', 'budget')),
    period            BIGINT NOT NULL,
    account_id        BIGINT NOT NULL REFERENCES account (id),
    object_set_id     BIGINT NOT NULL REFERENCES object_set (id),
    amount_ore        BIGINT NOT NULL,
    origin            TEXT COLLATE "C" NOT NULL
                      CHECK (origin = 'trans' OR origin = 'psaldo' OR origin = 'pbudget')
);
CREATE INDEX monthly_year ON monthly (financial_year_id, kind, batch_id);
"#,
    },
    Migration {
        version: 2,
        name: "mallar: organisation, volymer, budget",
        sql: r#"
-- What a batch imported: 'sie', or a template's name ('organisation', 'volymserier',
-- 'volymer', 'budget'; later migrations add more). No CHECK, so a new template needs no table
-- rebuild. rows_count: data rows of a template file.
ALTER TABLE import_batch ADD COLUMN kind TEXT COLLATE "C" NOT NULL DEFAULT 'sie';
ALTER TABLE import_batch ADD COLUMN rows_count BIGINT NOT NULL DEFAULT 0;
CREATE INDEX import_batch_kind ON import_batch (kind, id);

-- The organisation (organisation.csv): every row of the last import, in file order
-- (position). A node is in force from valid_from to valid_to (YYYYMM, inclusive; NULL =
-- open). Re-importing replaces the whole set.
CREATE TABLE org_node (
    id          BIGINT PRIMARY KEY,
    batch_id    BIGINT NOT NULL REFERENCES import_batch (id),
    position    BIGINT NOT NULL,
    code        TEXT COLLATE "C" NOT NULL,
    name        TEXT COLLATE "C" NOT NULL,
    kind        TEXT COLLATE "C" NOT NULL CHECK (kind IN ('programomrade', 'programnamnd', 'namnd',
                                              'omrade', 'enhet', 'intraprenad', 'extern')),
    parent_code TEXT COLLATE "C",
    valid_from  BIGINT,
    valid_to    BIGINT,
    activity    TEXT COLLATE "C"
);
CREATE TRIGGER org_node_id BEFORE INSERT ON org_node
    FOR EACH ROW WHEN (NEW.id IS NULL) EXECUTE FUNCTION delar_next_id();
CREATE INDEX org_node_code ON org_node (code);

-- Volume series (volymserier.csv), upserted by code; batch_id is the batch that last wrote
-- the row. price_series names another series' code.
CREATE TABLE volume_series (
    id           BIGINT PRIMARY KEY,
    batch_id     BIGINT NOT NULL REFERENCES import_batch (id),
    code         TEXT COLLATE "C" NOT NULL UNIQUE,
    name         TEXT COLLATE "C" NOT NULL,
    unit         TEXT COLLATE "C" NOT NULL,
    kind         TEXT COLLATE "C" NOT NULL CHECK (kind IN ('bestand', 'flode', 'pris')),
    responsible  TEXT COLLATE "C" NOT NULL,
    category     TEXT COLLATE "C",
    price_series TEXT COLLATE "C"
);
CREATE TRIGGER volume_series_id BEFORE INSERT ON volume_series
    FOR EACH ROW WHEN (NEW.id IS NULL) EXECUTE FUNCTION delar_next_id();

-- Monthly values (volymer.csv); a new file replaces the (series, month) pairs it holds.
CREATE TABLE volume_value (
    series_id BIGINT NOT NULL REFERENCES volume_series (id),
    period    BIGINT NOT NULL,
    value     DOUBLE PRECISION NOT NULL,
    comment   TEXT COLLATE "C",
    batch_id  BIGINT NOT NULL REFERENCES import_batch (id),
    PRIMARY KEY (series_id, period)
);

-- Budget versions (budget.csv): a decision with its date; a new file replaces the versions
-- it holds (by name). Versions add up; see Store::budget_in_force.
CREATE TABLE budget_version (
    id       BIGINT PRIMARY KEY,
    batch_id BIGINT NOT NULL REFERENCES import_batch (id),
    name     TEXT COLLATE "C" NOT NULL UNIQUE,
    decided  TEXT COLLATE "C" NOT NULL
);
CREATE TRIGGER budget_version_id BEFORE INSERT ON budget_version
    FOR EACH ROW WHEN (NEW.id IS NULL) EXECUTE FUNCTION delar_next_id();

-- Monthly budget lines: account number, ansvar (dimension 1) and verksamhet (dimension 2)
-- object codes, amount in öre in the ledger's sign.
CREATE TABLE budget_line (
    id          BIGINT PRIMARY KEY,
    version_id  BIGINT NOT NULL REFERENCES budget_version (id),
    period      BIGINT NOT NULL,
    account     TEXT COLLATE "C" NOT NULL,
    responsible TEXT COLLATE "C" NOT NULL,
    activity    TEXT COLLATE "C",
    amount_ore  BIGINT NOT NULL,
    comment     TEXT COLLATE "C"
);
CREATE TRIGGER budget_line_id BEFORE INSERT ON budget_line
    FOR EACH ROW WHEN (NEW.id IS NULL) EXECUTE FUNCTION delar_next_id();
CREATE INDEX budget_line_version ON budget_line (version_id);
CREATE INDEX budget_line_period ON budget_line (period, account);
"#,
    },
    Migration {
        version: 3,
        name: "uppföljningsregister",
        sql: r#"
-- Which register a batch of import_batch holds (import_batch itself is shaped for SIE).
CREATE TABLE followup_batch (
    batch_id   BIGINT PRIMARY KEY REFERENCES import_batch (id),
    register   TEXT COLLATE "C" NOT NULL,
    rows_count BIGINT NOT NULL,
    scopes     TEXT COLLATE "C" NOT NULL
);

CREATE TABLE fu_goal (
    id          BIGINT PRIMARY KEY,
    batch_id    BIGINT NOT NULL REFERENCES import_batch (id),
    scope       TEXT COLLATE "C" NOT NULL,
    year        BIGINT,
    committee   TEXT COLLATE "C",
    code        TEXT COLLATE "C" NOT NULL,
    level       TEXT COLLATE "C" NOT NULL,
    name        TEXT COLLATE "C" NOT NULL,
    parent      TEXT COLLATE "C",
    cluster     TEXT COLLATE "C",
    description TEXT COLLATE "C"
);
CREATE TRIGGER fu_goal_id BEFORE INSERT ON fu_goal
    FOR EACH ROW WHEN (NEW.id IS NULL) EXECUTE FUNCTION delar_next_id();
CREATE INDEX fu_goal_scope ON fu_goal (scope);

CREATE TABLE fu_goal_class (
    id        BIGINT PRIMARY KEY,
    batch_id  BIGINT NOT NULL REFERENCES import_batch (id),
    scope     TEXT COLLATE "C" NOT NULL,
    year      BIGINT,
    committee TEXT COLLATE "C",
    goal      TEXT COLLATE "C" NOT NULL,
    kind      TEXT COLLATE "C" NOT NULL,
    reason    TEXT COLLATE "C"
);
CREATE TRIGGER fu_goal_class_id BEFORE INSERT ON fu_goal_class
    FOR EACH ROW WHEN (NEW.id IS NULL) EXECUTE FUNCTION delar_next_id();
CREATE INDEX fu_goal_class_scope ON fu_goal_class (scope);

CREATE TABLE fu_goal_text (
    id        BIGINT PRIMARY KEY,
    batch_id  BIGINT NOT NULL REFERENCES import_batch (id),
    scope     TEXT COLLATE "C" NOT NULL,
    year      BIGINT,
    committee TEXT COLLATE "C",
    goal      TEXT COLLATE "C" NOT NULL,
    kind      TEXT COLLATE "C" NOT NULL,
    text      TEXT COLLATE "C" NOT NULL
);
CREATE TRIGGER fu_goal_text_id BEFORE INSERT ON fu_goal_text
    FOR EACH ROW WHEN (NEW.id IS NULL) EXECUTE FUNCTION delar_next_id();
CREATE INDEX fu_goal_text_scope ON fu_goal_text (scope);

CREATE TABLE fu_indicator (
    id                BIGINT PRIMARY KEY,
    batch_id          BIGINT NOT NULL REFERENCES import_batch (id),
    scope             TEXT COLLATE "C" NOT NULL,
    year              BIGINT,
    committee         TEXT COLLATE "C",
    code              TEXT COLLATE "C" NOT NULL,
    name              TEXT COLLATE "C" NOT NULL,
    goal              TEXT COLLATE "C" NOT NULL,
    unit              TEXT COLLATE "C" NOT NULL,
    decimals          BIGINT NOT NULL,
    measure           TEXT COLLATE "C" NOT NULL,
    polarity          TEXT COLLATE "C" NOT NULL,
    limit_low         DOUBLE PRECISION,
    limit_high        DOUBLE PRECISION,
    by_sex            BIGINT NOT NULL,
    source            TEXT COLLATE "C" NOT NULL,
    source_id         TEXT COLLATE "C",
    publication_month BIGINT,
    definition        TEXT COLLATE "C"
);
CREATE TRIGGER fu_indicator_id BEFORE INSERT ON fu_indicator
    FOR EACH ROW WHEN (NEW.id IS NULL) EXECUTE FUNCTION delar_next_id();
CREATE INDEX fu_indicator_scope ON fu_indicator (scope);

-- figure: 'none' (i.u.), 'number' (women/men/total) or 'word' (a direction word).
CREATE TABLE fu_indicator_value (
    id        BIGINT PRIMARY KEY,
    batch_id  BIGINT NOT NULL REFERENCES import_batch (id),
    scope     TEXT COLLATE "C" NOT NULL,
    year      BIGINT,
    committee TEXT COLLATE "C",
    indicator TEXT COLLATE "C" NOT NULL,
    kind      TEXT COLLATE "C" NOT NULL,
    period    BIGINT,
    figure    TEXT COLLATE "C" NOT NULL CHECK (figure IN ('none', 'number', 'word')),
    women     DOUBLE PRECISION,
    men       DOUBLE PRECISION,
    total     DOUBLE PRECISION,
    word      TEXT COLLATE "C",
    comment   TEXT COLLATE "C"
);
CREATE TRIGGER fu_indicator_value_id BEFORE INSERT ON fu_indicator_value
    FOR EACH ROW WHEN (NEW.id IS NULL) EXECUTE FUNCTION delar_next_id();
CREATE INDEX fu_indicator_value_scope ON fu_indicator_value (scope);

-- flags: a commitment's ticked boxes, comma-separated; status/forecast: an assignment's.
CREATE TABLE fu_commitment (
    id        BIGINT PRIMARY KEY,
    batch_id  BIGINT NOT NULL REFERENCES import_batch (id),
    scope     TEXT COLLATE "C" NOT NULL,
    year      BIGINT,
    committee TEXT COLLATE "C",
    code      TEXT COLLATE "C" NOT NULL,
    kind      TEXT COLLATE "C" NOT NULL,
    name      TEXT COLLATE "C" NOT NULL,
    goal      TEXT COLLATE "C",
    flags     TEXT COLLATE "C",
    status    TEXT COLLATE "C",
    forecast  TEXT COLLATE "C",
    comment   TEXT COLLATE "C"
);
CREATE TRIGGER fu_commitment_id BEFORE INSERT ON fu_commitment
    FOR EACH ROW WHEN (NEW.id IS NULL) EXECUTE FUNCTION delar_next_id();
CREATE INDEX fu_commitment_scope ON fu_commitment (scope);

CREATE TABLE fu_efficiency (
    id               BIGINT PRIMARY KEY,
    batch_id         BIGINT NOT NULL REFERENCES import_batch (id),
    scope            TEXT COLLATE "C" NOT NULL,
    year             BIGINT,
    committee        TEXT COLLATE "C",
    period           BIGINT NOT NULL,
    code             TEXT COLLATE "C" NOT NULL,
    name             TEXT COLLATE "C" NOT NULL,
    account_group    TEXT COLLATE "C",
    ansvar           TEXT COLLATE "C",
    planned_ore      BIGINT NOT NULL,
    to_date_ore      BIGINT,
    forecast_ore     BIGINT,
    carried_over_ore BIGINT NOT NULL,
    comment          TEXT COLLATE "C"
);
CREATE TRIGGER fu_efficiency_id BEFORE INSERT ON fu_efficiency
    FOR EACH ROW WHEN (NEW.id IS NULL) EXECUTE FUNCTION delar_next_id();
CREATE INDEX fu_efficiency_scope ON fu_efficiency (scope);

CREATE TABLE fu_investment (
    id           BIGINT PRIMARY KEY,
    batch_id     BIGINT NOT NULL REFERENCES import_batch (id),
    scope        TEXT COLLATE "C" NOT NULL,
    year         BIGINT,
    committee    TEXT COLLATE "C",
    period       BIGINT NOT NULL,
    project      TEXT COLLATE "C" NOT NULL,
    name         TEXT COLLATE "C" NOT NULL,
    category     TEXT COLLATE "C",
    budget_ore   BIGINT NOT NULL,
    outcome_ore  BIGINT NOT NULL,
    forecast_ore BIGINT NOT NULL,
    status       TEXT COLLATE "C" NOT NULL,
    comment      TEXT COLLATE "C"
);
CREATE TRIGGER fu_investment_id BEFORE INSERT ON fu_investment
    FOR EACH ROW WHEN (NEW.id IS NULL) EXECUTE FUNCTION delar_next_id();
CREATE INDEX fu_investment_scope ON fu_investment (scope);

CREATE TABLE fu_staff (
    id                    BIGINT PRIMARY KEY,
    batch_id              BIGINT NOT NULL REFERENCES import_batch (id),
    scope                 TEXT COLLATE "C" NOT NULL,
    year                  BIGINT,
    committee             TEXT COLLATE "C",
    period                BIGINT NOT NULL,
    fte                   DOUBLE PRECISION NOT NULL,
    head_women            DOUBLE PRECISION,
    head_men              DOUBLE PRECISION,
    head_total            DOUBLE PRECISION,
    sick_women            DOUBLE PRECISION,
    sick_men              DOUBLE PRECISION,
    sick_total            DOUBLE PRECISION,
    short_women           DOUBLE PRECISION,
    short_men             DOUBLE PRECISION,
    short_total           DOUBLE PRECISION,
    full_time_share       DOUBLE PRECISION,
    hourly_paid_share     DOUBLE PRECISION,
    turnover              DOUBLE PRECISION,
    employees_per_manager DOUBLE PRECISION
);
CREATE TRIGGER fu_staff_id BEFORE INSERT ON fu_staff
    FOR EACH ROW WHEN (NEW.id IS NULL) EXECUTE FUNCTION delar_next_id();
CREATE INDEX fu_staff_scope ON fu_staff (scope);

CREATE TABLE fu_event (
    id          BIGINT PRIMARY KEY,
    batch_id    BIGINT NOT NULL REFERENCES import_batch (id),
    scope       TEXT COLLATE "C" NOT NULL,
    year        BIGINT,
    committee   TEXT COLLATE "C",
    date        TEXT COLLATE "C" NOT NULL,
    code        TEXT COLLATE "C" NOT NULL,
    kind        TEXT COLLATE "C" NOT NULL,
    area        TEXT COLLATE "C",
    title       TEXT COLLATE "C" NOT NULL,
    description TEXT COLLATE "C",
    impact_ore  BIGINT,
    adjustment  TEXT COLLATE "C"
);
CREATE TRIGGER fu_event_id BEFORE INSERT ON fu_event
    FOR EACH ROW WHEN (NEW.id IS NULL) EXECUTE FUNCTION delar_next_id();
CREATE INDEX fu_event_scope ON fu_event (scope);

CREATE TABLE fu_state_grant (
    id           BIGINT PRIMARY KEY,
    batch_id     BIGINT NOT NULL REFERENCES import_batch (id),
    scope        TEXT COLLATE "C" NOT NULL,
    year         BIGINT,
    committee    TEXT COLLATE "C",
    code         TEXT COLLATE "C" NOT NULL,
    name         TEXT COLLATE "C" NOT NULL,
    amount_ore   BIGINT NOT NULL,
    report_back  BIGINT NOT NULL,
    repayable    BIGINT NOT NULL,
    coming_years TEXT COLLATE "C",
    comment      TEXT COLLATE "C"
);
CREATE TRIGGER fu_state_grant_id BEFORE INSERT ON fu_state_grant
    FOR EACH ROW WHEN (NEW.id IS NULL) EXECUTE FUNCTION delar_next_id();
CREATE INDEX fu_state_grant_scope ON fu_state_grant (scope);

-- age_to NULL = open band (85–).
CREATE TABLE fu_population (
    id        BIGINT PRIMARY KEY,
    batch_id  BIGINT NOT NULL REFERENCES import_batch (id),
    scope     TEXT COLLATE "C" NOT NULL,
    year      BIGINT,
    committee TEXT COLLATE "C",
    basis     TEXT COLLATE "C" NOT NULL,
    age_from  BIGINT NOT NULL,
    age_to    BIGINT,
    women     BIGINT NOT NULL,
    men       BIGINT NOT NULL,
    total     BIGINT NOT NULL
);
CREATE TRIGGER fu_population_id BEFORE INSERT ON fu_population
    FOR EACH ROW WHEN (NEW.id IS NULL) EXECUTE FUNCTION delar_next_id();
CREATE INDEX fu_population_scope ON fu_population (scope);

CREATE TABLE fu_comparison (
    id                 BIGINT PRIMARY KEY,
    batch_id           BIGINT NOT NULL REFERENCES import_batch (id),
    scope              TEXT COLLATE "C" NOT NULL,
    year               BIGINT,
    committee          TEXT COLLATE "C",
    area               TEXT COLLATE "C" NOT NULL,
    kolada_id          TEXT COLLATE "C",
    municipality       TEXT COLLATE "C" NOT NULL,
    own                BIGINT NOT NULL,
    cost_ore           BIGINT,
    net_cost_deviation DOUBLE PRECISION
);
CREATE TRIGGER fu_comparison_id BEFORE INSERT ON fu_comparison
    FOR EACH ROW WHEN (NEW.id IS NULL) EXECUTE FUNCTION delar_next_id();
CREATE INDEX fu_comparison_scope ON fu_comparison (scope);
"#,
    },
    Migration {
        version: 4,
        name: "prognosomgångar",
        sql: r#"
-- A forecast round: id as written (2025-P2, 2025-P1@3, 2025-05, 2025-B).
CREATE TABLE forecast_round (
    id          TEXT COLLATE "C" PRIMARY KEY,
    year        BIGINT NOT NULL,
    kind        TEXT COLLATE "C" NOT NULL,
    cutoff      BIGINT NOT NULL CHECK (cutoff BETWEEN 1 AND 12),
    grain       TEXT COLLATE "C" NOT NULL CHECK (grain IN ('group', 'account')),
    status      TEXT COLLATE "C" NOT NULL CHECK (status IN ('open', 'locked')),
    created_at  TEXT COLLATE "C" NOT NULL,
    created_by  TEXT COLLATE "C" NOT NULL,
    computed_at TEXT COLLATE "C" NOT NULL,
    locked_at   TEXT COLLATE "C",
    locked_by   TEXT COLLATE "C"
);

-- One line: node (ansvar) × kontogrupp (or account). method is the method in use; recommended
-- the backtest's choice. A person's choice of method or manual amount is recorded in
-- override_by/override_at/override_reason (manual_ore set for a manual amount).
CREATE TABLE forecast_line (
    id                 BIGINT PRIMARY KEY,
    round_id           TEXT COLLATE "C" NOT NULL REFERENCES forecast_round (id),
    position           BIGINT NOT NULL,
    node               TEXT COLLATE "C" NOT NULL,
    grp                TEXT COLLATE "C" NOT NULL,
    method             TEXT COLLATE "C" NOT NULL,
    base_ore           BIGINT NOT NULL,
    explanation        TEXT COLLATE "C" NOT NULL,
    to_date_ore        BIGINT NOT NULL,
    budget_ore         BIGINT NOT NULL,
    budget_to_date_ore BIGINT NOT NULL,
    comment            TEXT COLLATE "C",
    recommended        TEXT COLLATE "C",
    manual_ore         BIGINT,
    override_by        TEXT COLLATE "C",
    override_at        TEXT COLLATE "C",
    override_reason    TEXT COLLATE "C",
    UNIQUE (round_id, node, grp)
);
CREATE TRIGGER forecast_line_id BEFORE INSERT ON forecast_line
    FOR EACH ROW WHEN (NEW.id IS NULL) EXECUTE FUNCTION delar_next_id();

-- Every method's result on a line and its backtest: full-year amount (NULL when the method
-- cannot be used; explanation then says why), MAE and bias over the replayed years.
CREATE TABLE forecast_estimate (
    line_id     BIGINT NOT NULL REFERENCES forecast_line (id) ON DELETE CASCADE,
    method      TEXT COLLATE "C" NOT NULL,
    full_ore    BIGINT,
    explanation TEXT COLLATE "C" NOT NULL,
    mae_ore     BIGINT,
    bias_ore    BIGINT,
    years       BIGINT NOT NULL,
    PRIMARY KEY (line_id, method)
);

CREATE TABLE forecast_adjustment (
    id         BIGINT PRIMARY KEY,
    line_id    BIGINT NOT NULL REFERENCES forecast_line (id) ON DELETE CASCADE,
    kind       TEXT COLLATE "C" NOT NULL,
    amount_ore BIGINT NOT NULL,
    low_ore    BIGINT,
    high_ore   BIGINT,
    comment    TEXT COLLATE "C" NOT NULL,
    created_by TEXT COLLATE "C" NOT NULL,
    created_at TEXT COLLATE "C" NOT NULL
);
CREATE TRIGGER forecast_adjustment_id BEFORE INSERT ON forecast_adjustment
    FOR EACH ROW WHEN (NEW.id IS NULL) EXECUTE FUNCTION delar_next_id();
CREATE INDEX forecast_adjustment_line ON forecast_adjustment (line_id);

-- Every change to a round: action (berakna, metod, belopp, kommentar, justering,
-- ta_bort_justering, las), the line (NULL for the whole round), old and new value as text.
CREATE TABLE forecast_audit (
    id        BIGINT PRIMARY KEY,
    round_id  TEXT COLLATE "C" NOT NULL REFERENCES forecast_round (id),
    node      TEXT COLLATE "C",
    grp       TEXT COLLATE "C",
    action    TEXT COLLATE "C" NOT NULL,
    old_value TEXT COLLATE "C",
    new_value TEXT COLLATE "C",
    user_name TEXT COLLATE "C" NOT NULL,
    at        TEXT COLLATE "C" NOT NULL
);
CREATE TRIGGER forecast_audit_id BEFORE INSERT ON forecast_audit
    FOR EACH ROW WHEN (NEW.id IS NULL) EXECUTE FUNCTION delar_next_id();
CREATE INDEX forecast_audit_round ON forecast_audit (round_id, id);
"#,
    },
    Migration {
        version: 5,
        name: "konsolidering: ersättningsmodeller, intraprenader",
        sql: r#"
-- Compensation model rates (ersattningsmodell.csv): who pays whom (organisation codes), per
-- what (basis), at what price (öre per unit; per month for 'fast_manad'), from when (YYYYMM,
-- inclusive; NULL = open). A new file replaces every rate; position = row order.
CREATE TABLE compensation_rate (
    id            BIGINT PRIMARY KEY,
    batch_id      BIGINT NOT NULL REFERENCES import_batch (id),
    position      BIGINT NOT NULL,
    model         TEXT COLLATE "C" NOT NULL,
    name          TEXT COLLATE "C" NOT NULL,
    basis         TEXT COLLATE "C" NOT NULL
                  CHECK (basis IN ('timme', 'belagt_dygn', 'narvarodag', 'fast_manad')),
    level         TEXT COLLATE "C",
    purchaser     TEXT COLLATE "C" NOT NULL,
    provider      TEXT COLLATE "C" NOT NULL,
    price_ore     BIGINT NOT NULL,
    volume_series TEXT COLLATE "C",
    account       TEXT COLLATE "C",
    valid_from    BIGINT,
    valid_to      BIGINT
);
CREATE TRIGGER compensation_rate_id BEFORE INSERT ON compensation_rate
    FOR EACH ROW WHEN (NEW.id IS NULL) EXECUTE FUNCTION delar_next_id();
CREATE INDEX compensation_rate_pair ON compensation_rate (purchaser, provider);

-- Intraprenad opening balances and carry-forward rules (intraprenader.csv), one row per
-- intraprenad (organisation code) and year; a new file replaces the pairs it holds.
-- Amounts in öre: opening accumulated result (positive = surplus), planned use of equity
-- (>= 0), surplus cap as an amount; cap_percent of the year's turnover; write_off_years:
-- deficits carried longer are written off; deficit_since: the year a deficit arose.
CREATE TABLE intraprenad_opening (
    code            TEXT COLLATE "C" NOT NULL,
    year            BIGINT NOT NULL,
    batch_id        BIGINT NOT NULL REFERENCES import_batch (id),
    opening_ore     BIGINT NOT NULL,
    planned_use_ore BIGINT NOT NULL DEFAULT 0,
    deficit_since   BIGINT,
    cap_percent     DOUBLE PRECISION,
    cap_ore         BIGINT,
    write_off_years BIGINT,
    PRIMARY KEY (code, year)
);
"#,
    },
    Migration {
        version: 6,
        name: "målbedömning",
        sql: r#"
-- One row per goal and year. proposed: the rule's proposal when last assessed; status: the
-- status in force (the decision's when decided_by is set). Statuses are keys: met, partly,
-- not_met, not_assessed. A decision needs a rationale.
CREATE TABLE goal_status (
    year        BIGINT NOT NULL,
    goal        TEXT COLLATE "C" NOT NULL,
    proposed    TEXT COLLATE "C" NOT NULL,
    status      TEXT COLLATE "C" NOT NULL,
    assessed_at TEXT COLLATE "C" NOT NULL,
    rationale   TEXT COLLATE "C",
    decided_by  TEXT COLLATE "C",
    decided_at  TEXT COLLATE "C",
    PRIMARY KEY (year, goal),
    CHECK (decided_by IS NULL OR length(trim(rationale)) > 0)
);
"#,
    },
    Migration {
        version: 7,
        name: "köer och statsbidragens förbrukning",
        sql: r#"
ALTER TABLE fu_state_grant ADD COLUMN used_to_date_ore BIGINT;
ALTER TABLE fu_state_grant ADD COLUMN forecast_use_ore BIGINT;

-- law: 'SoL' or 'LSS'; women/men NULL when not broken down by sex; waits in days.
CREATE TABLE fu_queue (
    id                BIGINT PRIMARY KEY,
    batch_id          BIGINT NOT NULL REFERENCES import_batch (id),
    scope             TEXT COLLATE "C" NOT NULL,
    year              BIGINT,
    committee         TEXT COLLATE "C",
    period            BIGINT NOT NULL,
    law               TEXT COLLATE "C" NOT NULL,
    decision          TEXT COLLATE "C" NOT NULL,
    women             BIGINT,
    men               BIGINT,
    total             BIGINT NOT NULL,
    over_three_months BIGINT,
    mean_wait_days    DOUBLE PRECISION,
    median_wait_days  DOUBLE PRECISION,
    comment           TEXT COLLATE "C"
);
CREATE TRIGGER fu_queue_id BEFORE INSERT ON fu_queue
    FOR EACH ROW WHEN (NEW.id IS NULL) EXECUTE FUNCTION delar_next_id();
CREATE INDEX fu_queue_scope ON fu_queue (scope);
"#,
    },
    Migration {
        version: 8,
        name: "volymbudget",
        sql: r#"
-- Volume budget versions (volymbudget.csv): a decision, with its date (NULL = the original
-- budget, in force from the start). A new file replaces the versions it holds (by name).
CREATE TABLE volume_budget_version (
    id       BIGINT PRIMARY KEY,
    batch_id BIGINT NOT NULL REFERENCES import_batch (id),
    name     TEXT COLLATE "C" NOT NULL UNIQUE,
    decided  TEXT COLLATE "C"
);
CREATE TRIGGER volume_budget_version_id BEFORE INSERT ON volume_budget_version
    FOR EACH ROW WHEN (NEW.id IS NULL) EXECUTE FUNCTION delar_next_id();

-- Budgeted value per version, series and month: a volume for a volume series, a price for
-- a price series. The value in force is the latest version's (see the module doc).
CREATE TABLE volume_budget_value (
    version_id BIGINT NOT NULL REFERENCES volume_budget_version (id),
    series_id  BIGINT NOT NULL REFERENCES volume_series (id),
    period     BIGINT NOT NULL,
    value      DOUBLE PRECISION NOT NULL,
    comment    TEXT COLLATE "C",
    PRIMARY KEY (version_id, series_id, period)
);
"#,
    },
    Migration {
        version: 10,
        name: "redigerad rapporttext",
        sql: r#"
-- Append-only: one row per change. text NULL = the edit was withdrawn (the draft is used).
CREATE TABLE report_text (
    id          BIGINT PRIMARY KEY,
    round       TEXT COLLATE "C" NOT NULL,
    key         TEXT COLLATE "C" NOT NULL,
    text        TEXT COLLATE "C",
    changed_by  TEXT COLLATE "C" NOT NULL,
    changed_at  TEXT COLLATE "C" NOT NULL,
    CHECK (text IS NULL OR length(trim(text)) > 0)
);
CREATE TRIGGER report_text_id BEFORE INSERT ON report_text
    FOR EACH ROW WHEN (NEW.id IS NULL) EXECUTE FUNCTION delar_next_id();
CREATE INDEX report_text_round_key ON report_text (round, key, id);
"#,
    },
    Migration {
        version: 11,
        name: "volymbudget per serie",
        sql: r#"
CREATE INDEX volume_budget_value_series ON volume_budget_value (series_id, period);
"#,
    },
    Migration {
        version: 12,
        name: "granskningskommentar",
        sql: r#"
-- The line's review note: why a flagged line is fine, written for the round's reviewers and
-- the lock, never printed in the report. NULL = none. forecast_line.comment is the comment
-- for the report.
ALTER TABLE forecast_line ADD COLUMN review_note TEXT COLLATE "C";
"#,
    },
    Migration {
        version: 13,
        name: "prognosmetoden volym",
        sql: r#"
UPDATE forecast_line SET method = 'volym' WHERE method = 'volym_pris';
UPDATE forecast_line SET recommended = 'volym' WHERE recommended = 'volym_pris';
UPDATE forecast_estimate SET method = 'volym' WHERE method = 'volym_pris';
"#,
    },
    Migration {
        version: 14,
        name: "periodisering per kontogrupp",
        sql: r#"
ALTER TABLE account_group ADD COLUMN periodisation TEXT COLLATE "C" NOT NULL DEFAULT 'foregaende_ar'
    CHECK (periodisation IN ('foregaende_ar', 'jamn'));
"#,
    },
    Migration {
        version: 15,
        name: "versioner på prognosrader",
        sql: r#"
ALTER TABLE forecast_line ADD COLUMN version BIGINT NOT NULL DEFAULT 1;
ALTER TABLE forecast_line ADD COLUMN changed_by TEXT COLLATE "C";
ALTER TABLE forecast_line ADD COLUMN changed_at TEXT COLLATE "C";
"#,
    },
    Migration {
        version: 16,
        name: "versioner på målbedömningar",
        sql: r#"
ALTER TABLE goal_status ADD COLUMN version BIGINT NOT NULL DEFAULT 1;
ALTER TABLE goal_status ADD COLUMN changed_by TEXT COLLATE "C";
ALTER TABLE goal_status ADD COLUMN changed_at TEXT COLLATE "C";
"#,
    },
    Migration {
        version: 17,
        name: "användare, behörigheter och sessioner",
        sql: r#"
-- A local account. password_hash is a PHC string (Argon2id); failed_logins counts failed
-- attempts since the last success; locked_until (seconds since the epoch) refuses logins
-- until then.
CREATE TABLE app_user (
    name          TEXT COLLATE "C" PRIMARY KEY,
    password_hash TEXT COLLATE "C" NOT NULL,
    created_by    TEXT COLLATE "C" NOT NULL,
    created_at    TEXT COLLATE "C" NOT NULL,
    failed_logins BIGINT NOT NULL DEFAULT 0,
    locked_until  BIGINT
);

-- A role on an organisation node, valid for the node's subtree.
CREATE TABLE role_grant (
    user_name  TEXT COLLATE "C" NOT NULL REFERENCES app_user (name) ON DELETE CASCADE,
    role       TEXT COLLATE "C" NOT NULL
               CHECK (role IN ('enhetschef', 'ekonom', 'administrator', 'lasare')),
    node       TEXT COLLATE "C" NOT NULL,
    granted_by TEXT COLLATE "C" NOT NULL,
    granted_at TEXT COLLATE "C" NOT NULL,
    PRIMARY KEY (user_name, role, node)
);

-- A session: only the SHA-256 (hex) of the token is kept. Times in seconds since the epoch.
CREATE TABLE app_session (
    token_sha256 TEXT COLLATE "C" PRIMARY KEY,
    user_name    TEXT COLLATE "C" NOT NULL REFERENCES app_user (name) ON DELETE CASCADE,
    created_at   BIGINT NOT NULL,
    expires_at   BIGINT NOT NULL
);
CREATE INDEX app_session_user ON app_session (user_name);
"#,
    },
    Migration {
        version: 18,
        name: "arbetsflöde per omgång och nod",
        sql: r#"
-- The state of a node in a round; no row = utkast. version counts the transitions.
CREATE TABLE workflow_state (
    round_id   TEXT COLLATE "C" NOT NULL REFERENCES forecast_round (id),
    node       TEXT COLLATE "C" NOT NULL,
    state      TEXT COLLATE "C" NOT NULL
               CHECK (state IN ('utkast', 'inskickad', 'godkand', 'aterskickad')),
    version    BIGINT NOT NULL,
    changed_by TEXT COLLATE "C" NOT NULL,
    changed_at TEXT COLLATE "C" NOT NULL,
    comment    TEXT COLLATE "C",
    PRIMARY KEY (round_id, node)
);

-- Every transition, oldest first (the audit trail).
CREATE TABLE workflow_transition (
    id         BIGINT PRIMARY KEY,
    round_id   TEXT COLLATE "C" NOT NULL REFERENCES forecast_round (id),
    node       TEXT COLLATE "C" NOT NULL,
    from_state TEXT COLLATE "C" NOT NULL,
    to_state   TEXT COLLATE "C" NOT NULL,
    user_name  TEXT COLLATE "C" NOT NULL,
    at         TEXT COLLATE "C" NOT NULL,
    comment    TEXT COLLATE "C"
);
CREATE TRIGGER workflow_transition_id BEFORE INSERT ON workflow_transition
    FOR EACH ROW WHEN (NEW.id IS NULL) EXECUTE FUNCTION delar_next_id();
CREATE INDEX workflow_transition_round ON workflow_transition (round_id, node, id);
"#,
    },
    Migration {
        version: 20,
        name: "tekniska budgetposter",
        sql: r#"
ALTER TABLE account_group ADD COLUMN technical BIGINT NOT NULL DEFAULT 0
    CHECK (technical IN (0, 1));
"#,
    },
    Migration {
        version: 21,
        name: "backtestår per metod",
        sql: r#"
ALTER TABLE forecast_estimate ADD COLUMN replay TEXT COLLATE "C" NOT NULL DEFAULT '';
"#,
    },
    Migration {
        version: 22,
        name: "tidsfrist per omgång",
        sql: r#"
ALTER TABLE forecast_round ADD COLUMN deadline TEXT COLLATE "C";
"#,
    },
    Migration {
        version: 23,
        name: "koder på prognosjusteringar",
        sql: r#"
ALTER TABLE forecast_adjustment ADD COLUMN code TEXT COLLATE "C";
"#,
    },
    Migration {
        version: 24,
        name: "mål per omgång och nod",
        sql: r#"
CREATE TABLE goal_workflow_state (
    round_id   TEXT COLLATE "C" NOT NULL REFERENCES forecast_round (id),
    node       TEXT COLLATE "C" NOT NULL,
    state      TEXT COLLATE "C" NOT NULL
               CHECK (state IN ('utkast', 'inskickad', 'godkand', 'aterskickad')),
    version    BIGINT NOT NULL,
    changed_by TEXT COLLATE "C" NOT NULL,
    changed_at TEXT COLLATE "C" NOT NULL,
    comment    TEXT COLLATE "C",
    PRIMARY KEY (round_id, node)
);

CREATE TABLE goal_workflow_transition (
    id         BIGINT PRIMARY KEY,
    round_id   TEXT COLLATE "C" NOT NULL REFERENCES forecast_round (id),
    node       TEXT COLLATE "C" NOT NULL,
    from_state TEXT COLLATE "C" NOT NULL,
    to_state   TEXT COLLATE "C" NOT NULL,
    user_name  TEXT COLLATE "C" NOT NULL,
    at         TEXT COLLATE "C" NOT NULL,
    comment    TEXT COLLATE "C"
);
CREATE TRIGGER goal_workflow_transition_id BEFORE INSERT ON goal_workflow_transition
    FOR EACH ROW WHEN (NEW.id IS NULL) EXECUTE FUNCTION delar_next_id();
CREATE INDEX goal_workflow_transition_round ON goal_workflow_transition (round_id, node, id);

CREATE TABLE indicator_entry (
    round_id   TEXT COLLATE "C" NOT NULL REFERENCES forecast_round (id),
    indicator  TEXT COLLATE "C" NOT NULL,
    kind       TEXT COLLATE "C" NOT NULL CHECK (kind IN ('hittills', 'prognos')),
    women      DOUBLE PRECISION,
    men        DOUBLE PRECISION,
    total      DOUBLE PRECISION,
    word       TEXT COLLATE "C",
    version    BIGINT NOT NULL,
    changed_by TEXT COLLATE "C" NOT NULL,
    changed_at TEXT COLLATE "C" NOT NULL,
    PRIMARY KEY (round_id, indicator, kind)
);

CREATE TABLE goal_audit (
    id        BIGINT PRIMARY KEY,
    round_id  TEXT COLLATE "C" NOT NULL,
    node      TEXT COLLATE "C" NOT NULL,
    subject   TEXT COLLATE "C" NOT NULL,
    action    TEXT COLLATE "C" NOT NULL,
    old_value TEXT COLLATE "C",
    new_value TEXT COLLATE "C",
    user_name TEXT COLLATE "C" NOT NULL,
    at        TEXT COLLATE "C" NOT NULL
);
CREATE TRIGGER goal_audit_id BEFORE INSERT ON goal_audit
    FOR EACH ROW WHEN (NEW.id IS NULL) EXECUTE FUNCTION delar_next_id();
CREATE INDEX goal_audit_round ON goal_audit (round_id, node, id);
"#,
    },
    Migration {
        version: 25,
        name: "externa identiteter och administrationslogg",
        sql: r#"
CREATE TABLE external_identity (
    issuer        TEXT COLLATE "C" NOT NULL,
    subject       TEXT COLLATE "C" NOT NULL,
    claim         TEXT COLLATE "C" NOT NULL,
    user_name     TEXT COLLATE "C" NOT NULL REFERENCES app_user (name) ON DELETE CASCADE,
    created_at    TEXT COLLATE "C" NOT NULL,
    last_login_at TEXT COLLATE "C",
    PRIMARY KEY (issuer, subject)
);
CREATE INDEX external_identity_user ON external_identity (user_name);

CREATE TABLE admin_audit (
    id        BIGINT PRIMARY KEY,
    at        TEXT COLLATE "C" NOT NULL,
    user_name TEXT COLLATE "C" NOT NULL,
    action    TEXT COLLATE "C" NOT NULL,
    detail    TEXT COLLATE "C" NOT NULL
);
CREATE TRIGGER admin_audit_id BEFORE INSERT ON admin_audit
    FOR EACH ROW WHEN (NEW.id IS NULL) EXECUTE FUNCTION delar_next_id();
"#,
    },
    Migration {
        version: 26,
        name: "målens analystexter per omgång",
        sql: r#"
CREATE TABLE goal_text_entry (
    round_id   TEXT COLLATE "C" NOT NULL REFERENCES forecast_round (id),
    goal       TEXT COLLATE "C" NOT NULL,
    kind       TEXT COLLATE "C" NOT NULL CHECK (kind IN ('analys', 'positiva', 'forbattring')),
    node       TEXT COLLATE "C" NOT NULL,
    text       TEXT COLLATE "C" NOT NULL,
    version    BIGINT NOT NULL,
    changed_by TEXT COLLATE "C" NOT NULL,
    changed_at TEXT COLLATE "C" NOT NULL,
    PRIMARY KEY (round_id, node, goal, kind)
);
"#,
    },
    Migration {
        version: 27,
        name: "pågående inloggningar och misslyckade inloggningar per adress",
        sql: r#"
CREATE TABLE oidc_pending (
    state_sha256   TEXT COLLATE "C" PRIMARY KEY,
    nonce          TEXT COLLATE "C" NOT NULL,
    pkce_verifier  TEXT COLLATE "C" NOT NULL,
    next_path      TEXT COLLATE "C" NOT NULL,
    binding_sha256 TEXT COLLATE "C" NOT NULL,
    created_at     BIGINT NOT NULL,
    expires_at     BIGINT NOT NULL
);
CREATE INDEX oidc_pending_expires ON oidc_pending (expires_at);

CREATE TABLE login_address (
    address      TEXT COLLATE "C" PRIMARY KEY,
    failures     BIGINT NOT NULL,
    window_start BIGINT NOT NULL,
    locked_until BIGINT
);
"#,
    },
];
