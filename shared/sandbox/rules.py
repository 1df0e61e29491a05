"""The sandbox's rule file (``CBEC_SANDBOX_RULES=path.yaml``): outcomes chosen by business keys.

```yaml
rules:
  - match: {messageType: CEB603, copNo: "AG-INSPECT-*"}   # fnmatch patterns on head fields
    outcome: inspect
  - match: {ebcCode: "3301960002", copNo: "AG-REJECT-*"}
    outcome: reject
    code: "2603"
    text: "the goods description is not specific enough"
  - match: {orderNo: "ORD-SLOW-*"}
    outcome: delay
    seconds: 3600
    status: "120"
```

A rule matches a document when every field it names matches (``messageType`` is the answered
message's type, e.g. ``CEB603``; any other name is a field of the document's head: copNo,
ebcCode, orderNo, logisticsNo, billNo, agentCode, …). The first rule that matches wins; a marker in
the document's ``note`` wins over every rule.
"""
from __future__ import annotations

from dataclasses import dataclass
from fnmatch import fnmatchcase
from pathlib import Path

import yaml

from .outcomes import Outcome, OutcomeError


@dataclass(frozen=True)
class Rule:
    match: tuple[tuple[str, str], ...]
    outcome: Outcome

    def matches(self, message_type: str, head: dict[str, str]) -> bool:
        for name, pattern in self.match:
            value = message_type if name == "messageType" else head.get(name)
            if value is None or not fnmatchcase(str(value), pattern):
                return False
        return True


def parse_rules(data: object, source: str = "rules") -> tuple[Rule, ...]:
    if data is None:
        return ()
    if not isinstance(data, dict) or not isinstance(data.get("rules", []), list):
        raise OutcomeError(f"{source}: expected a mapping with a list 'rules'")
    out = []
    for n, raw in enumerate(data.get("rules") or [], start=1):
        where = f"{source}: rule {n}"
        if not isinstance(raw, dict) or not isinstance(raw.get("match"), dict) or not raw["match"]:
            raise OutcomeError(f"{where}: needs 'match' (field: pattern, …) and 'outcome'")
        try:
            outcome = Outcome(str(raw.get("outcome", "")).lower(), code=str(raw.get("code", "")),
                              status=str(raw.get("status", "")), delay_s=float(raw.get("seconds", 0)),
                              reason=str(raw.get("text", "")))
        except (OutcomeError, ValueError) as exc:
            raise OutcomeError(f"{where}: {exc}") from None
        out.append(Rule(tuple((str(k), str(v)) for k, v in raw["match"].items()), outcome))
    return tuple(out)


def load_rules(path: str) -> tuple[Rule, ...]:
    """The rules of a YAML file (read when the service starts); a bad file stops the start, named."""
    if not path:
        return ()
    file = Path(path)
    try:
        data = yaml.safe_load(file.read_text(encoding="utf-8"))
    except (OSError, yaml.YAMLError) as exc:
        raise OutcomeError(f"CBEC_SANDBOX_RULES={path}: {exc}") from None
    return parse_rules(data, str(file))
