-- A claimed (in-flight) webhook delivery is marked by claimed_until instead of a pushed-back
-- next_attempt_at, so its retry schedule stays visible and recovery can pull retries forward.
ALTER TABLE webhook_deliveries ADD COLUMN claimed_until timestamptz;
