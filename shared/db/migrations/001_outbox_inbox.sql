-- What a service emits (written in the transaction that changes its state) and what it has
-- consumed (so a redelivered message is recognised). See docs/architecture.md.
CREATE TABLE outbox (
    id          bigserial PRIMARY KEY,
    message_id  uuid NOT NULL UNIQUE,
    topic       text NOT NULL,
    key         bytea,
    value       bytea NOT NULL,
    headers     jsonb NOT NULL DEFAULT '[]'::jsonb,
    created_at  timestamptz NOT NULL DEFAULT now()
);

CREATE TABLE inbox (
    consumer     text NOT NULL,
    message_id   text NOT NULL,
    processed_at timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (consumer, message_id)
);

CREATE TABLE dead_letters (
    id          bigserial PRIMARY KEY,
    consumer    text NOT NULL,
    topic       text NOT NULL,
    partition   int NOT NULL,
    "offset"    bigint NOT NULL,
    key         bytea,
    value       bytea,
    reason      text NOT NULL,
    created_at  timestamptz NOT NULL DEFAULT now()
);
