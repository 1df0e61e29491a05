-- The senders' token buckets (services/gateway/domain/sender_quota.py), shared by every gateway
-- instance: tokens as of `at` (seconds since the epoch).
CREATE TABLE sender_tokens (
    sender text PRIMARY KEY,
    tokens double precision NOT NULL,
    at     double precision NOT NULL
);
