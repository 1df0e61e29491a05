-- The full life of a list: audit against orders and waybills, risk decisions, inspection tasks,
-- cancellation and modification applications, earlier versions, bill amendments.
ALTER TABLE lists ADD COLUMN waiting_for    text NOT NULL DEFAULT '';
ALTER TABLE lists ADD COLUMN arrived_at     timestamptz;
ALTER TABLE lists ADD COLUMN arrival_guid   text;
ALTER TABLE lists ADD COLUMN decision_round int NOT NULL DEFAULT 0;
ALTER TABLE lists ADD COLUMN decision       jsonb;

-- a cancelled or rejected list may be declared again under the same copNo
DROP INDEX lists_live_business_key;
CREATE UNIQUE INDEX lists_live_business_key ON lists (agent_code, cop_no) WHERE status NOT IN ('cancelled', '100');
CREATE INDEX lists_order ON lists (ebp_code, order_no);
CREATE INDEX lists_waybill ON lists (logistics_code, logistics_no);
CREATE INDEX lists_status ON lists (status);

CREATE TABLE list_versions (
    list_id     bigint NOT NULL REFERENCES lists (id),
    version     int NOT NULL,
    head        jsonb NOT NULL,
    items       jsonb NOT NULL,
    replaced_at timestamptz NOT NULL DEFAULT now(),
    replaced_by text NOT NULL,
    PRIMARY KEY (list_id, version)
);

CREATE TABLE orders (
    ebp_code      text NOT NULL,
    order_no      text NOT NULL,
    ebc_code      text NOT NULL,
    guid          text NOT NULL,
    head          jsonb NOT NULL,
    items         jsonb NOT NULL,
    declarant_dxp text NOT NULL,
    created_at    timestamptz NOT NULL DEFAULT now(),
    updated_at    timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (ebp_code, order_no)
);

CREATE TABLE payments (
    ebc_code      text NOT NULL,
    order_no      text NOT NULL,
    guid          text NOT NULL,
    head          jsonb NOT NULL,
    declarant_dxp text NOT NULL,
    created_at    timestamptz NOT NULL DEFAULT now(),
    updated_at    timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (ebc_code, order_no)
);

CREATE TABLE waybills (
    logistics_code text NOT NULL,
    logistics_no   text NOT NULL,
    guid           text NOT NULL,
    head           jsonb NOT NULL,
    declarant_dxp  text NOT NULL,
    created_at     timestamptz NOT NULL DEFAULT now(),
    updated_at     timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (logistics_code, logistics_no)
);

-- every CEB607 that declared or amended a bill (the gateway assembles split bills into one)
CREATE TABLE bill_revisions (
    bill_no     text NOT NULL REFERENCES bills (bill_no),
    revision    int NOT NULL,
    guid        text NOT NULL,
    app_type    text NOT NULL,
    head        jsonb NOT NULL,
    items       jsonb NOT NULL,
    received_at timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (bill_no, revision)
);

CREATE TABLE inspections (
    id         bigserial PRIMARY KEY,
    list_id    bigint NOT NULL REFERENCES lists (id),
    priority   int NOT NULL,
    status     text NOT NULL DEFAULT 'open',   -- open | passed | failed | withdrawn
    rules      jsonb NOT NULL DEFAULT '[]'::jsonb,
    opened_at  timestamptz NOT NULL DEFAULT now(),
    finding    text NOT NULL DEFAULT '',
    operator   text,
    closed_at  timestamptz
);
CREATE INDEX inspections_queue ON inspections (priority, id) WHERE status = 'open';
CREATE UNIQUE INDEX inspections_open_per_list ON inspections (list_id) WHERE status = 'open';

CREATE TABLE applications (
    id             bigserial PRIMARY KEY,
    list_id        bigint NOT NULL REFERENCES lists (id),
    kind           text NOT NULL,                   -- cancellation | modification | review
    status         text NOT NULL DEFAULT 'pending', -- pending | approved | refused | withdrawn
    guid           text NOT NULL DEFAULT '',
    head           jsonb NOT NULL DEFAULT '{}'::jsonb,
    items          jsonb NOT NULL DEFAULT '[]'::jsonb,
    pre_no         text NOT NULL DEFAULT '',
    applicant_dxp  text NOT NULL DEFAULT '',
    receipt_format text NOT NULL DEFAULT 'xml',
    trace_id       text NOT NULL DEFAULT '',
    reason         text NOT NULL DEFAULT '',
    submitted_at   timestamptz NOT NULL DEFAULT now(),
    decided_by     text,
    decided_at     timestamptz,
    decision_note  text NOT NULL DEFAULT ''
);
CREATE UNIQUE INDEX applications_pending ON applications (list_id, kind) WHERE status = 'pending';
