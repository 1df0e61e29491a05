-- The enterprise registry and the log of every message the gateway has seen (by guid).
CREATE TABLE enterprises (
    code        text PRIMARY KEY,
    name        text NOT NULL,
    dxp_id      text NOT NULL UNIQUE,
    roles       text[] NOT NULL,
    created_at  timestamptz NOT NULL DEFAULT now(),
    updated_at  timestamptz NOT NULL DEFAULT now()
);

CREATE TABLE messages (
    guid          text PRIMARY KEY,
    content_hash  bytea NOT NULL,
    sender_dxp_id text NOT NULL,
    message_type  text NOT NULL,
    outcome       text NOT NULL,
    received_at   timestamptz NOT NULL DEFAULT now()
);

CREATE SEQUENCE pre_no_seq;
