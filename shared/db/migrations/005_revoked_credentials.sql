-- Credentials an admin revoked (shared/auth.py), as every service learns them from cbec.credentials:
-- a token whose jti is here is refused on every request. Pruned once long expired.
CREATE TABLE revoked_credentials (
    token_id   text PRIMARY KEY,
    revoked_at timestamptz NOT NULL,
    revoked_by text NOT NULL,
    expires_at timestamptz NOT NULL
);
CREATE INDEX revoked_credentials_expires_at ON revoked_credentials (expires_at);
