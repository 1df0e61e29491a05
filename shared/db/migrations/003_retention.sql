-- What the periodic prune (shared/db/retention.py) looks rows up by.
CREATE INDEX inbox_processed_at ON inbox (processed_at);
CREATE INDEX dead_letters_created_at ON dead_letters (created_at);
