-- Revoking one credential (DELETE /credentials/{tokenId}): who revoked it, when, and why.
ALTER TABLE credentials ADD COLUMN revoked_at timestamptz, ADD COLUMN revoked_by text, ADD COLUMN revoke_reason text;
