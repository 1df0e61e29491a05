-- Outbox rows the broker refused for good (larger than it allows, a topic it will not take …),
-- with the reason; the relay carries on without them. An operator lists them and sends them again
-- (shared/db/outbox.py: parked, redrive; GET /outbox/parked, POST /outbox/parked/{id}/redrive).
CREATE TABLE outbox_parked (
    id          bigint PRIMARY KEY,
    message_id  uuid NOT NULL UNIQUE,
    topic       text NOT NULL,
    key         bytea,
    value       bytea NOT NULL,
    headers     jsonb NOT NULL DEFAULT '[]'::jsonb,
    created_at  timestamptz NOT NULL,
    parked_at   timestamptz NOT NULL DEFAULT now(),
    reason      text NOT NULL
);
