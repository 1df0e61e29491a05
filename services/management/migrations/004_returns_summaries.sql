-- Export returns (CEB213 return applications, CEB215 tallies) and summary declarations (CEB701).
CREATE TABLE returns (
    id             bigserial PRIMARY KEY,
    agent_code     text NOT NULL,
    co_el_no       text NOT NULL,
    list_id        bigint NOT NULL REFERENCES lists (id),
    status         text NOT NULL,          -- 120 stored (goods on their way back), 800 released (tallied)
    pre_no         text NOT NULL,
    logistics_code text NOT NULL,
    logistics_no   text NOT NULL,
    declarant_dxp  text NOT NULL,
    receipt_format text NOT NULL,
    head           jsonb NOT NULL,
    items          jsonb NOT NULL,
    tally          jsonb,
    created_at     timestamptz NOT NULL DEFAULT now(),
    updated_at     timestamptz NOT NULL DEFAULT now(),
    UNIQUE (agent_code, co_el_no)
);
CREATE INDEX returns_package ON returns (logistics_code, logistics_no) WHERE status = '120';
CREATE INDEX returns_list ON returns (list_id);

CREATE TABLE summaries (
    id             bigserial PRIMARY KEY,
    agent_code     text NOT NULL,
    cop_no         text NOT NULL,
    sum_no         text NOT NULL UNIQUE,
    pre_no         text NOT NULL,
    ebc_code       text NOT NULL,
    customs_code   text NOT NULL,
    status         text NOT NULL,          -- 3 sent to customs, 399 concluded, 100 refused
    declarant_dxp  text NOT NULL,
    receipt_format text NOT NULL,
    head           jsonb NOT NULL,
    result         jsonb,
    decided_by     text,
    created_at     timestamptz NOT NULL DEFAULT now(),
    updated_at     timestamptz NOT NULL DEFAULT now(),
    UNIQUE (agent_code, cop_no)
);
-- a list is in one live summary at most (a refused summary lets its lists go)
CREATE TABLE summary_lists (
    list_id    bigint PRIMARY KEY REFERENCES lists (id),
    summary_id bigint NOT NULL REFERENCES summaries (id)
);
CREATE SEQUENCE summary_no_seq;
