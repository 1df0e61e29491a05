"""Documents generated from the code (docs/verification.md, README's configuration tables, …):
one way to write them, and to check that the committed copy is current (``--check``)."""
from __future__ import annotations

from pathlib import Path


def write_or_check(path: Path, text: str, argv: list[str], command: str) -> int:
    """With ``--check`` in ``argv``: 0 if ``path`` holds ``text``, else 1 and a line naming
    ``command``; without it, write ``text`` to ``path``. The exit status."""
    if "--check" in argv:
        if not path.exists() or path.read_text(encoding="utf-8") != text:
            print(f"{path} is out of date: run {command}")
            return 1
        return 0
    path.write_text(text, encoding="utf-8")
    print(f"wrote {path}")
    return 0
