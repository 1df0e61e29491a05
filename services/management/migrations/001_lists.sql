-- Export lists, master bills and the history of everything that happened to them.
CREATE TABLE lists (
    id             bigserial PRIMARY KEY,
    agent_code     text NOT NULL,
    cop_no         text NOT NULL,
    pre_no         text NOT NULL,
    invt_no        text UNIQUE,
    status         text NOT NULL,
    customs_code   text NOT NULL,
    port_code      text NOT NULL DEFAULT '',
    ebc_code       text NOT NULL DEFAULT '',
    ebp_code       text NOT NULL DEFAULT '',
    logistics_code text NOT NULL DEFAULT '',
    logistics_no   text NOT NULL DEFAULT '',
    order_no       text NOT NULL DEFAULT '',
    trade_mode     text NOT NULL DEFAULT '',
    bill_no        text,
    declarant_dxp  text NOT NULL,
    receipt_format text NOT NULL,
    head           jsonb NOT NULL,
    items          jsonb NOT NULL,
    version        int NOT NULL DEFAULT 1,
    created_at     timestamptz NOT NULL DEFAULT now(),
    updated_at     timestamptz NOT NULL DEFAULT now()
);
-- one live list per business key; a cancelled one may be declared again
CREATE UNIQUE INDEX lists_live_business_key ON lists (agent_code, cop_no) WHERE status <> 'cancelled';
CREATE INDEX lists_bill ON lists (bill_no) WHERE bill_no IS NOT NULL;
CREATE INDEX lists_logistics_no ON lists (logistics_no);

CREATE TABLE bills (
    bill_no        text PRIMARY KEY,
    cop_no         text NOT NULL,
    agent_code     text NOT NULL,
    logistics_code text NOT NULL DEFAULT '',
    customs_code   text NOT NULL,
    status         text NOT NULL,
    declarant_dxp  text NOT NULL,
    receipt_format text NOT NULL,
    head           jsonb NOT NULL,
    created_at     timestamptz NOT NULL DEFAULT now(),
    updated_at     timestamptz NOT NULL DEFAULT now()
);

CREATE TABLE list_history (
    id          bigserial PRIMARY KEY,
    list_id     bigint NOT NULL REFERENCES lists (id),
    event       text NOT NULL,
    status      text NOT NULL,
    detail      jsonb NOT NULL DEFAULT '{}'::jsonb,
    actor       text NOT NULL DEFAULT 'system',
    at          timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX list_history_list ON list_history (list_id, id);

CREATE SEQUENCE invt_no_seq;
