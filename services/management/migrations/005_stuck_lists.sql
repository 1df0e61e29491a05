-- What the "stuck lists" queue (GET /lists/stuck) reads by: a status and how long since it changed.
CREATE INDEX lists_status_age ON lists (status, updated_at);
