-- The outbox holds one row per writing transaction (the batch of messages it emitted, in order)
-- instead of one row per message: a consumer batch that emits 200 receipts inserts one row and the
-- relay deletes one, not 200 with two index entries each; the payloads, compressed together
-- (lz4 where the server has it), write a tenth of the WAL. shared/db/outbox.py reads and writes it.
CREATE TABLE outbox_batches (
    id          bigserial PRIMARY KEY,
    message_ids uuid[] NOT NULL,
    topics      text[] NOT NULL,
    keys        bytea[] NOT NULL,
    payloads    bytea[] NOT NULL,
    headers     jsonb NOT NULL,          -- per message, its [name, value] pairs
    created_at  timestamptz NOT NULL DEFAULT now()
);
DO $$
BEGIN
    ALTER TABLE outbox_batches ALTER COLUMN payloads SET COMPRESSION lz4;
EXCEPTION WHEN OTHERS THEN
    NULL;  -- a server built without lz4 compresses with pglz
END $$;

-- what was waiting in the old outbox leaves first, one batch per row, in its order
INSERT INTO outbox_batches (message_ids, topics, keys, payloads, headers, created_at)
SELECT ARRAY[message_id], ARRAY[topic], ARRAY[key], ARRAY[value], jsonb_build_array(headers), created_at
FROM outbox ORDER BY id;
DROP TABLE outbox;

-- the messages waiting, one row each, in the order the relay publishes them (for reading only)
CREATE VIEW outbox AS
SELECT b.id AS batch_id, u.n::int - 1 AS position, u.message_id, u.topic, u.key, u.value,
       b.headers -> (u.n::int - 1) AS headers, b.created_at
FROM outbox_batches b,
     unnest(b.message_ids, b.topics, b.keys, b.payloads) WITH ORDINALITY AS u(message_id, topic, key, value, n);

-- a parked message keeps no outbox row id any more: parked rows number themselves
CREATE SEQUENCE outbox_parked_id_seq OWNED BY outbox_parked.id;
SELECT setval('outbox_parked_id_seq', coalesce((SELECT max(id) FROM outbox_parked), 0) + 1, false);
ALTER TABLE outbox_parked ALTER COLUMN id SET DEFAULT nextval('outbox_parked_id_seq');
