-- Credentials an admin issued (shared/auth.py): never the token itself, only its SHA-256.
CREATE TABLE credentials (
    token_id     text PRIMARY KEY,
    token_sha256 text NOT NULL UNIQUE,
    role         text NOT NULL,
    name         text NOT NULL,
    dxp_id       text,
    issued_by    text NOT NULL,
    issued_at    timestamptz NOT NULL DEFAULT now(),
    expires_at   timestamptz NOT NULL
);

-- Who changed the registry, and how (registered, updated, transferred).
CREATE TABLE registry_changes (
    id         bigserial PRIMARY KEY,
    code       text NOT NULL,
    dxp_id     text NOT NULL,
    change     text NOT NULL,
    actor      text NOT NULL,
    changed_at timestamptz NOT NULL DEFAULT now()
);
