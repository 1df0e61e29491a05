-- Orders (CEB303) and waybills (CEB505) the platform forwarded, so that a list or payment can be
-- checked against them (codes 2121-2123). kind: 'order' keyed by ebpCode + orderNo, 'waybill'
-- keyed by logisticsCode + logisticsNo.
CREATE TABLE known_documents (
    kind        text NOT NULL,
    party_code  text NOT NULL,
    number      text NOT NULL,
    head        jsonb NOT NULL,
    items       jsonb NOT NULL,
    updated_at  timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (kind, party_code, number)
);
