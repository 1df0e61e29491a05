"""docs/messages/ says what the catalogue (and so the gateway) accepts, page by page."""
from __future__ import annotations

from shared.messages.catalogue import MESSAGE_SPECS
from shared.messages.catalogue_doc import DOCS, rendered


def test_docs_messages_are_rendered_from_the_catalogue():
    pages = rendered()
    assert set(pages) == {"README.md", *(f"{code}.md" for code in MESSAGE_SPECS)}
    for name, text in pages.items():
        assert (DOCS / name).read_text(encoding="utf-8") == text, (
            f"docs/messages/{name} is out of date: run python -m shared.messages.catalogue_doc")
    assert {p.name for p in DOCS.glob("*.md")} == set(pages)
