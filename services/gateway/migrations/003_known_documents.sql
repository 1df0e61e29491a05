-- Orders (CEB303) the platform forwarded, keyed by ebpCode + orderNo, so that a payment receipt
-- (CEB403) can be checked against its order (code 2123). kind is 'order'.
CREATE TABLE known_documents (
    kind        text NOT NULL,
    party_code  text NOT NULL,
    number      text NOT NULL,
    head        jsonb NOT NULL,
    items       jsonb NOT NULL,
    updated_at  timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (kind, party_code, number)
);
