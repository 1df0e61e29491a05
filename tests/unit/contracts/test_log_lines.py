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
