"""Split bills: a CEB607/507/509 may come in parts numbered msgSeqNo 1..msgCount. The parts are
collected until every number has arrived, then checked and forwarded as one message."""
from __future__ import annotations

from shared import return_codes as codes
from shared.messages.catalogue import spec_for
from shared.messages.model import CebMessage, Document

from .checking import Problem, head_path

# head fields every part of one bill must agree on
SHARED_HEAD_FIELDS = ("msgCount", "customsCode", "billNo", "appType", "trafMode", "logisticsCode",
                      "agentCode", "operatorCode")


def part_numbers(message: CebMessage) -> tuple[str, int, int] | None:
    """(copNo, msgSeqNo, msgCount) of a part of a split bill; None when the message is whole."""
    if not spec_for(message.message_type).split or len(message.documents) != 1:
        return None
    head = message.document.head
    count, seq = head.get("msgCount", ""), head.get("msgSeqNo", "")
    if not (count.isdigit() and seq.isdigit()) or int(count) <= 1:
        return None
    return head.get("copNo", ""), int(seq), int(count)


def disagreement(first: CebMessage, first_seq: int, part: CebMessage, seq: int) -> Problem | None:
    """2602 when ``part`` disagrees with an earlier part of the same bill on a shared head field."""
    for name in SHARED_HEAD_FIELDS:
        mine, theirs = part.document.get(name), first.document.get(name)
        if mine != theirs:
            return Problem(codes.PARTS_DISAGREE, f"{head_path(part, 1)}/{name}",
                           f"part {seq} says {name} {mine or '(empty)'}, part {first_seq} said {theirs or '(empty)'}")
    return None


def missing(parts: dict[int, object], count: int) -> list[int]:
    return [n for n in range(1, count + 1) if n not in parts]


# what each part's own receipt says about it
PART_FIELDS = ("guid", "msgSeqNo")


def part_heads(parts: dict[int, CebMessage]) -> list[dict[str, str]]:
    """Each part's own receipt fields (its guid, its msgSeqNo), in msgSeqNo order."""
    return [{name: parts[n].document.get(name) for name in PART_FIELDS} for n in sorted(parts)]


def combine(parts: dict[int, CebMessage]) -> CebMessage:
    """One message holding the whole bill: part 1's envelope and head, every part's items in order."""
    first = parts[min(parts)]
    items = [item for n in sorted(parts) for item in parts[n].document.items]
    document = Document(name=first.document.name, head=dict(first.document.head), items=items)
    return first.model_copy(update={"documents": [document]})
