"""Kafka header names are spelled in one module, shared/kafka/headers.py: a second spelling of one
elsewhere in the code (a typo there would silently read nothing) fails here."""
from __future__ import annotations

import ast
from pathlib import Path

from shared.kafka import headers

ROOT = Path(__file__).resolve().parents[3]
NAMES = {v for k, v in vars(headers).items() if k.isupper() and isinstance(v, str)}


def test_header_names_are_spelled_only_in_shared_kafka_headers():
    assert {"cbec-message-id", "traceparent", "dlq-reason", "cbec-redrive-count"} <= NAMES
    spelled = []
    for folder in ("shared", "services", "scripts"):
        for path in sorted((ROOT / folder).rglob("*.py")):
            if path == ROOT / "shared/kafka/headers.py":
                continue
            for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
                if isinstance(node, ast.Constant) and node.value in NAMES:
                    spelled.append(f"{path.relative_to(ROOT)}:{node.lineno} {node.value!r}")
    assert spelled == [], "use shared.kafka.headers instead: " + ", ".join(spelled)
