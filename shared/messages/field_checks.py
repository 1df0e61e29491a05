"""Format-level field checks of the preliminary verification, driven by the catalogue.

``check_fields`` reports, for every document, list item, ``BaseTransfer``, ``BaseSubscribe`` and
``ExtendMessage``: required fields absent or empty (9004), values longer than allowed (9005) and
values not matching their format or allowed values, or shorter than the schema's fixed or minimum
length (9006); plus the root ``guid`` and, for headed documents, the number of list items the
schema allows (at least one, except an arrival's; at most 100 order and list items).
One problem per field at most. Logic checks (gnum sequence, price x qty, weights, parties) are the
gateway's, not here. Decoding does not call this: the gateway does, and answers with CEB900.
"""
from __future__ import annotations

import re
from collections.abc import Callable, Iterable

from shared.messages.catalogue import (
    BASE_SUBSCRIBE,
    BASE_TRANSFER,
    EXTEND_MESSAGE,
    MESSAGE_SPECS,
    FieldSpec,
)
from shared.messages.errors import (
    BAD_FORMAT,
    MALFORMED_STRUCTURE,
    MISSING_REQUIRED,
    TOO_LONG,
    UNKNOWN_MESSAGE_TYPE,
    FieldProblem,
)
from shared.messages.field_formats import GUID, TEXT, FieldFormat
from shared.messages.model import CebMessage

_ROOT_GUID = FieldSpec("guid", GUID, 36, required=True, min_length=36)
_ROOT_VERSION = FieldSpec("version", TEXT, 10, required=True)


def check_fields(message: CebMessage) -> list[FieldProblem]:
    """Every format-level problem of ``message``, in document order; empty if it passes."""
    spec = MESSAGE_SPECS.get(message.message_type)
    if spec is None:
        return [
            FieldProblem(
                UNKNOWN_MESSAGE_TYPE,
                message.message_type or "message_type",
                f"{message.message_type!r} is not an export message type",
            )
        ]
    problems: list[FieldProblem] = []
    root_guid = problem_with(_ROOT_GUID, message.guid, f"{spec.root}/@guid")
    if root_guid:
        problems.append(root_guid)
    root_version = problem_with(_ROOT_VERSION, message.version, f"{spec.root}/@version")
    if root_version:
        problems.append(root_version)
    doc_spec = spec.document
    for number, document in enumerate(message.documents, start=1):
        path = f"{doc_spec.name}[{number}]"
        if document.name != doc_spec.name:
            problems.append(
                FieldProblem(
                    MALFORMED_STRUCTURE, path, f"a {spec.message_type} holds {doc_spec.name} "
                    f"documents, not {document.name}"
                )
            )
            continue
        if doc_spec.flat:
            problems += check_values(doc_spec.head_fields, document.head, path)
            continue
        problems += check_values(doc_spec.head_fields, document.head, f"{path}/{doc_spec.head}")
        if len(document.items) < doc_spec.items_min:
            problems.append(
                FieldProblem(
                    MISSING_REQUIRED,
                    f"{path}/{doc_spec.item}",
                    f"at least one {doc_spec.item} item is required",
                )
            )
        elif doc_spec.items_max is not None and len(document.items) > doc_spec.items_max:
            problems.append(
                FieldProblem(
                    MALFORMED_STRUCTURE,
                    f"{path}/{doc_spec.item}",
                    f"{len(document.items)} items; at most {doc_spec.items_max} are allowed",
                )
            )
        for n, item in enumerate(document.items, start=1):
            problems += check_values(doc_spec.item_fields, item, f"{path}/{doc_spec.item}[{n}]")
    base = message.base_transfer.__dict__  # its fields, as model_dump() would give them
    problems += check_values(BASE_TRANSFER.head_fields, base, "BaseTransfer")
    for n, subscription in enumerate(message.subscriptions, start=1):
        problems += check_values(BASE_SUBSCRIBE.head_fields, subscription, f"BaseSubscribe[{n}]")
    if message.extension is not None:
        problems += check_values(EXTEND_MESSAGE.head_fields, message.extension, "ExtendMessage")
    return problems


def check_values(
    fields: Iterable[FieldSpec], values: dict[str, str], path: str
) -> list[FieldProblem]:
    """Problems of one container's values against its field specs (``path``: the container)."""
    if type(fields) is not tuple:
        fields = tuple(fields)  # it may be read twice
    if passes(fields, values):
        return []
    problems = []
    known = set()
    for spec in fields:
        known.add(spec.name)
        problem = problem_with(spec, values.get(spec.name, ""), f"{path}/{spec.name}")
        if problem is not None:
            problems.append(problem)
    for name in values.keys() - known:
        problems.append(
            FieldProblem(MALFORMED_STRUCTURE, f"{path}/{name}", "not a field of this element")
        )
    return problems


def problem_with(spec: FieldSpec, value: str, path: str) -> FieldProblem | None:
    """The first problem of one value, or None."""
    if not value:
        if spec.required:
            return FieldProblem(MISSING_REQUIRED, path, "is required and may not be empty")
        return None
    if len(value) > spec.max_length:
        return FieldProblem(
            TOO_LONG,
            path,
            f"is {len(value)} characters long; at most {spec.max_length} are allowed",
        )
    if not spec.format.accepts(value):
        return FieldProblem(
            BAD_FORMAT, path, f"{_shown(value)} is not {spec.format.expected}"
        )
    if len(value) < spec.min_length:
        exactly = "exactly" if spec.min_length == spec.max_length else "at least"
        return FieldProblem(
            BAD_FORMAT,
            path,
            f"is {len(value)} characters long; {exactly} {spec.min_length} are required",
        )
    return None


def _shown(value: str) -> str:
    return repr(value if len(value) <= 40 else value[:37] + "...")


# --- the quick answer for the common case: every value passes ------------------------------------
# Per tuple of field specs, the checks reduced to (name, required, max length, predicate); a
# container that passes them all has no problem, and only one that does not is walked again by
# ``check_values`` above to say what is wrong, in the same words and order.

Rule = tuple[str, bool, int, int, "Callable[[str], object] | None"]
_RULES: dict[int, tuple[tuple[FieldSpec, ...], tuple[Rule, ...], frozenset[str]]] = {}


def _digits(value: str) -> bool:
    return value.isascii() and value.isdigit()  # ASCII digits are exactly [0-9]


def _decimal(value: str) -> bool:
    whole, dot, fraction = value.partition(".")
    return whole.isascii() and whole.isdigit() and (not dot or (fraction.isascii() and fraction.isdigit()))


def _n_digits(n: int) -> Callable[[str], bool]:
    return lambda value: len(value) == n and value.isascii() and value.isdigit()


# patterns a few string methods judge faster than the regex engine, with the same answer
_QUICKER = {r"[0-9]+": _digits, r"[0-9]+(?:\.[0-9]+)?": _decimal,
            r"[0-9A-Za-z]+": lambda value: value.isascii() and value.isalnum()}
_N_DIGITS = re.compile(r"\[0-9\]\{([0-9]+)\}")


def _matcher(pattern: re.Pattern[str]) -> Callable[[str], object]:
    quicker = _QUICKER.get(pattern.pattern)
    if quicker is not None and not pattern.flags & ~re.UNICODE:
        return quicker
    counted = _N_DIGITS.fullmatch(pattern.pattern)
    if counted is not None and not pattern.flags & ~re.UNICODE:
        return _n_digits(int(counted.group(1)))
    return pattern.fullmatch


def _decimal_of(total: int, fraction: int) -> Callable[[str], bool]:
    """``field_formats.decimal(total, fraction)``'s pattern, judged by string methods."""
    def accepts(value: str) -> bool:
        whole, dot, part = value.partition(".")
        return (0 < len(whole) <= total and whole.isascii() and whole.isdigit()
                and (not dot or (len(part) <= fraction and part.isascii() and part.isdigit())))
    return accepts


def predicate(fmt: FieldFormat) -> Callable[[str], object] | None:
    """A function whose truth is ``fmt.accepts(value)`` (None: every value is accepted)."""
    if fmt.values:
        return frozenset(fmt.values).__contains__
    if fmt.kind == "decimal" and fmt.digits and fmt.calendar is None:
        return _decimal_of(*fmt.digits)
    pattern, calendar = fmt.pattern, fmt.calendar
    if pattern is not None and calendar is not None:
        matches = _matcher(pattern)
        return lambda value: matches(value) and calendar(value)
    if pattern is not None:
        return _matcher(pattern)
    return calendar


def _rules(fields: tuple[FieldSpec, ...]) -> tuple[tuple[Rule, ...], frozenset[str]]:
    cached = _RULES.get(id(fields))
    if cached is not None and cached[0] is fields:
        return cached[1], cached[2]
    rules = tuple(
        (f.name, f.required, f.max_length, f.min_length, predicate(f.format)) for f in fields
    )
    known = frozenset(f.name for f in fields)
    if len(_RULES) < 256:  # the catalogue's tuples (kept alive here, so their ids stay theirs)
        _RULES[id(fields)] = (fields, rules, known)
    return rules, known


def passes(fields: tuple[FieldSpec, ...], values: dict[str, str]) -> bool:
    """True when ``check_values(fields, values, ...)`` would find no problem."""
    rules, known = _rules(fields)
    get = values.get
    for name, required, max_length, min_length, accepts in rules:
        value = get(name)
        if value:
            if not min_length <= len(value) <= max_length or (
                accepts is not None and not accepts(value)
            ):
                return False
        elif required:
            return False
    return values.keys() <= known
