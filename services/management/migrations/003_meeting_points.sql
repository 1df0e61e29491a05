-- Where documents about the same goods meet (an order and its list, a list and its waybill, a bill
-- and its arrival …): a transaction that handles a document locks the document's meeting points
-- first, so two instances never decide about the same meeting at once, each blind to the other's
-- rows (see services/management/domain/meeting_points.py and docs/architecture.md).
CREATE TABLE meeting_points (
    point bigint PRIMARY KEY
);
