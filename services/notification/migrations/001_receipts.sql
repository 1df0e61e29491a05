-- Who is who (projected from cbec.enterprises), every receipt issued, and its deliveries.
CREATE TABLE enterprises (
    code        text PRIMARY KEY,
    name        text NOT NULL,
    dxp_id      text NOT NULL,
    roles       text[] NOT NULL,
    updated_at  timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX enterprises_dxp ON enterprises (dxp_id);

CREATE TABLE receipts (
    receipt_id   uuid PRIMARY KEY,
    message_type text NOT NULL,
    business_key text NOT NULL,
    guid         text NOT NULL,
    return_status text NOT NULL,
    fields       jsonb NOT NULL,
    issued_at    timestamptz NOT NULL,
    issued_by    text NOT NULL,
    trace_id     text NOT NULL DEFAULT '',
    received_at  timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX receipts_business_key ON receipts (business_key);
CREATE INDEX receipts_guid ON receipts (guid);

CREATE TABLE deliveries (
    receipt_id  uuid NOT NULL REFERENCES receipts (receipt_id),
    dxp_id      text NOT NULL,
    channel     text NOT NULL,
    format      text NOT NULL,
    status      text NOT NULL,
    queued_at   timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (receipt_id, dxp_id, channel)
);
CREATE INDEX deliveries_dxp ON deliveries (dxp_id, queued_at);
