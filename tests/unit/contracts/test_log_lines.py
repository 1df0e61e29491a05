"""A sender's text cannot forge a log line."""
from __future__ import annotations

import logging

from shared.runtime import OneLineFormatter


def test_a_newline_in_a_logged_value_does_not_start_a_line():
    formatter = OneLineFormatter("%(levelname)s %(message)s")
    record = logging.LogRecord("x", logging.INFO, __file__, 1, "retransmission of %s dropped",
                               ("G1\nERROR forged: admin logged in\x1b[2J",), None)
    line = formatter.format(record)
    assert line == "INFO retransmission of G1\\u000aERROR forged: admin logged in\\u001b[2J dropped"


def test_a_traceback_stays_indented_under_its_line():
    formatter = OneLineFormatter("%(message)s")
    try:
        raise ValueError("bad\nERROR forged")
    except ValueError:
        import sys
        record = logging.LogRecord("x", logging.ERROR, __file__, 1, "failed", (), sys.exc_info())
    lines = formatter.format(record).splitlines()
    assert lines[0] == "failed" and all(line.startswith("    | ") for line in lines[1:])


def test_a_json_line_is_one_object_with_the_trace_id_of_the_message_being_handled():
    import json

    from shared import tracing
    from shared.runtime import JsonLineFormatter

    formatter = JsonLineFormatter("gateway")
    tracing.bind("4bf92f3577b34da6a3ce929d0e0e4736")
    try:
        raise ValueError("bad")
    except ValueError:
        import sys
        record = logging.LogRecord("x", logging.ERROR, __file__, 1, "guid %s\nforged", ("G1",), sys.exc_info())
        line = formatter.format(record)
    finally:
        tracing.bind("")
    assert "\n" not in line
    fields = json.loads(line)
    assert fields["message"] == "guid G1\nforged" and fields["level"] == "ERROR" and fields["service"] == "gateway"
    assert fields["trace_id"] == "4bf92f3577b34da6a3ce929d0e0e4736"
    assert "ValueError: bad" in fields["error"]


def test_logs_are_json_unless_the_open_demo_or_the_switch_says_text():
    from shared.runtime import log_format

    assert log_format({}) == "json"
    assert log_format({"CBEC_PROFILE": "secure"}) == "json"
    assert log_format({"CBEC_PROFILE": "open"}) == "text"
    assert log_format({"CBEC_PROFILE": "open", "CBEC_LOG_FORMAT": "json"}) == "json"
    assert log_format({"CBEC_PROFILE": "secure", "CBEC_LOG_FORMAT": "text"}) == "text"
