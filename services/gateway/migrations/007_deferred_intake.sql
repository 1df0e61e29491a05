-- Messages a sender sent beyond its rate (services/gateway/domain/sender_quota.py): taken in turn,
-- in the order they came, once the sender has tokens again.
CREATE TABLE deferred_intake (
    id          bigserial PRIMARY KEY,
    sender      text NOT NULL,
    topic       text NOT NULL,
    partition   int NOT NULL,
    "offset"    bigint NOT NULL,
    key         bytea,
    value       bytea,
    headers     jsonb NOT NULL DEFAULT '[]'::jsonb,
    deferred_at timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX deferred_intake_sender ON deferred_intake (sender, id);
