-- Dead letters an operator can read, send again (redrive) or set aside (discard), with an audit of
-- who did what, when and why (shared/db/dead_letters.py, GET/POST /dead-letters on every service).
-- headers: the record's own, as text; redrives: how many times this record had been redriven
-- before it dead-lettered this time (the cbec-redrive-count header), the loop guard's count.
ALTER TABLE dead_letters
    ADD COLUMN headers    jsonb NOT NULL DEFAULT '[]'::jsonb,
    ADD COLUMN redrives   int NOT NULL DEFAULT 0,
    ADD COLUMN state      text NOT NULL DEFAULT 'open' CHECK (state IN ('open', 'redriven', 'discarded')),
    ADD COLUMN settled_by text,
    ADD COLUMN settled_at timestamptz;
CREATE INDEX dead_letters_browse ON dead_letters (state, id);

CREATE TABLE dead_letter_actions (
    id             bigserial PRIMARY KEY,
    dead_letter_id bigint NOT NULL,  -- no foreign key: the audit outlives the pruned dead letter
    action         text NOT NULL CHECK (action IN ('redrive', 'discard')),
    actor          text NOT NULL,
    role           text NOT NULL,
    token_id       text,
    reason         text NOT NULL DEFAULT '',
    topic          text NOT NULL,
    message_id     uuid,  -- the outbox id the redriven record is published with
    at             timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX dead_letter_actions_of ON dead_letter_actions (dead_letter_id, id);
