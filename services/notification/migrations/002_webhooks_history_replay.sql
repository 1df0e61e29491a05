-- Webhooks (subscriptions and their deliveries), Kafka delivery tracking, operator replays.

-- the format an enterprise registered for its receipts, when it chose one
ALTER TABLE enterprises ADD COLUMN receipt_format text;

-- each Kafka delivery remembers its outbox message: queued while the row is in the outbox,
-- published once the relay removed it; seq keeps the order deliveries were queued in
ALTER TABLE deliveries ADD COLUMN message_id uuid;
ALTER TABLE deliveries ADD COLUMN seq bigserial;
CREATE INDEX deliveries_dxp_seq ON deliveries (dxp_id, seq);
CREATE INDEX receipts_issued_at ON receipts (issued_at);

CREATE TABLE webhook_subscriptions (
    dxp_id      text PRIMARY KEY,
    url         text NOT NULL,
    secret      text NOT NULL,
    active      boolean NOT NULL DEFAULT true,
    created_at  timestamptz NOT NULL DEFAULT now(),
    updated_at  timestamptz NOT NULL DEFAULT now()
);

-- one row per receipt per subscribed enterprise; status pending -> delivered | parked,
-- cancelled when the subscription is removed
CREATE TABLE webhook_deliveries (
    id              bigserial PRIMARY KEY,
    receipt_id      uuid NOT NULL REFERENCES receipts (receipt_id),
    dxp_id          text NOT NULL,
    business_key    text NOT NULL,
    format          text NOT NULL,
    status          text NOT NULL DEFAULT 'pending',
    attempts        int NOT NULL DEFAULT 0,
    next_attempt_at timestamptz NOT NULL DEFAULT now(),
    last_error      text,
    last_http_status int,
    created_at      timestamptz NOT NULL DEFAULT now(),
    delivered_at    timestamptz,
    parked_at       timestamptz,
    redelivered     int NOT NULL DEFAULT 0,
    redelivered_by  text,
    UNIQUE (receipt_id, dxp_id)
);
CREATE INDEX webhook_deliveries_due ON webhook_deliveries (next_attempt_at) WHERE status = 'pending';
CREATE INDEX webhook_deliveries_open_key ON webhook_deliveries (dxp_id, business_key, id)
    WHERE status IN ('pending', 'parked');
CREATE INDEX webhook_deliveries_dxp ON webhook_deliveries (dxp_id, status, id);

CREATE TABLE replays (
    id            bigserial PRIMARY KEY,
    dxp_id        text NOT NULL,
    since         timestamptz NOT NULL,
    until         timestamptz,
    operator      text NOT NULL,
    receipts      int NOT NULL,
    requested_at  timestamptz NOT NULL DEFAULT now()
);
