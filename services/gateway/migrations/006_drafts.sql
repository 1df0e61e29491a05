-- Documents sent with appStatus 1 (暂存): kept by the platform as drafts, answered with
-- returnStatus 1, never forwarded to management. One row per sender's document (message type +
-- business key): a later draft replaces it; a later declaration (appStatus 2) of the same document
-- supersedes it (declared_guid, declared_at set) — the declaration is what is verified and forwarded.
CREATE TABLE drafts (
    sender_dxp_id text NOT NULL,
    message_type  text NOT NULL,
    business_key  text NOT NULL,
    guid          text NOT NULL,
    format        text NOT NULL,
    head          jsonb NOT NULL,
    items         jsonb NOT NULL,
    stored_at     timestamptz NOT NULL DEFAULT now(),
    declared_guid text,
    declared_at   timestamptz,
    PRIMARY KEY (sender_dxp_id, message_type, business_key)
);
