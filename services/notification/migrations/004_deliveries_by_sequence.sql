-- An enterprise's deliveries are read by their sequence (deliveries_dxp_seq: the history, its
-- cursor, replays); nothing reads them by queue time, so every delivery no longer pays for a
-- second index on (dxp_id, queued_at).
DROP INDEX IF EXISTS deliveries_dxp;
