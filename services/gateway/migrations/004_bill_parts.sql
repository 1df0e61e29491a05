-- Parts of split bills (CEB607/507/509 with msgCount > 1), collected until every msgSeqNo has
-- arrived. A group is one sender's one document: message type + copNo.
CREATE TABLE bill_parts (
    sender_dxp_id text NOT NULL,
    message_type  text NOT NULL,
    cop_no        text NOT NULL,
    msg_seq_no    int NOT NULL,
    msg_count     int NOT NULL,
    message       jsonb NOT NULL,
    received_at   timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (sender_dxp_id, message_type, cop_no, msg_seq_no)
);
CREATE TABLE bill_part_groups (
    sender_dxp_id text NOT NULL,
    message_type  text NOT NULL,
    cop_no        text NOT NULL,
    msg_count     int NOT NULL,
    first_at      timestamptz NOT NULL DEFAULT now(),
    trace_id      text NOT NULL DEFAULT '',
    PRIMARY KEY (sender_dxp_id, message_type, cop_no)
);
CREATE INDEX bill_part_groups_first_at ON bill_part_groups (first_at);
