"""The one table of return codes (shared/return_codes.py) holds every code a service answers with."""
from __future__ import annotations

import ast
import re
from pathlib import Path

from shared import return_codes
from shared.messages.errors import ERROR_CODES
from shared.return_codes import BY_CODE, RETURN_CODES

ROOT = Path(__file__).resolve().parents[2]
# a code written where a service answers or records a problem: info("2403", ...), Problem("2101", ...),
# Check/ReturnCode entries aside
_LITERAL = re.compile(r'\b(?:info|Problem|return_info)\(\s*"(\d{4})"')
_CONSTANT = re.compile(r"\bcodes\.([A-Z][A-Z_]+)\b")


def answered_codes(service: str) -> set[str]:
    """Every code the service's code answers with, written as a literal or as a named constant."""
    found: set[str] = set()
    for path in (ROOT / "services" / service).rglob("*.py"):
        text = path.read_text(encoding="utf-8")
        found.update(_LITERAL.findall(text))
        found.update(getattr(return_codes, name) for name in _CONSTANT.findall(text))
    return found


def test_every_code_a_service_answers_with_is_in_the_table():
    unlisted = {service: sorted(c for c in answered_codes(service) if c not in BY_CODE and c not in ERROR_CODES)
                for service in ("gateway", "management", "notification")}
    assert unlisted == {"gateway": [], "management": [], "notification": []}


def test_the_codes_the_table_gives_management_are_ones_management_answers_with():
    used = answered_codes("management")
    assert [c.code for c in RETURN_CODES if c.by == "management" and c.code not in used] == []


def test_management_does_not_answer_with_the_gateways_codes():
    used = answered_codes("management")
    assert [c.code for c in RETURN_CODES if c.by == "gateway" and c.code in used] == []


def test_every_named_constant_is_a_code_of_the_table():
    constants = {name: value for name, value in vars(return_codes).items()
                 if name.isupper() and isinstance(value, str)}
    assert constants and all(value in BY_CODE for value in constants.values())


def test_codes_are_listed_once_in_order():
    codes = [c.code for c in RETURN_CODES]
    assert codes == sorted(set(codes))


def _written_as_digits(path: Path) -> list[str]:
    """The return codes a module writes as string literals (docstrings and a customs code's
    "0000" default aside)."""
    tree = ast.parse(path.read_text(encoding="utf-8"))
    allowed: set[int] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Expr) and isinstance(node.value, ast.Constant):
            allowed.add(id(node.value))  # a docstring
        if (isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute) and node.func.attr == "get"
                and node.args and isinstance(node.args[0], ast.Constant) and node.args[0].value == "customsCode"):
            allowed.update(id(a) for a in node.args)
    return [f"{path.relative_to(ROOT)}:{node.lineno}: {node.value!r}" for node in ast.walk(tree)
            if isinstance(node, ast.Constant) and isinstance(node.value, str) and id(node) not in allowed
            and (node.value in BY_CODE or node.value in ERROR_CODES)]


def test_the_services_write_every_code_by_its_name():
    homes = {ROOT / "shared" / "return_codes.py", ROOT / "shared" / "messages" / "errors.py"}
    found = [hit for folder in ("services", "shared") for path in sorted((ROOT / folder).rglob("*.py"))
             if path not in homes for hit in _written_as_digits(path)]
    assert found == [], "name the code (shared/return_codes.py, shared/messages/errors.py), not its digits"
