"""Drafts (appStatus 1, 暂存): documents the platform keeps and never forwards, until a declaration
(appStatus 2) of the same document supersedes them."""
from __future__ import annotations

import json
from dataclasses import dataclass, field

import asyncpg

from shared.messages.catalogue import spec_for
from shared.messages.model import Document


def document_key(sender_dxp_id: str, message_type: str, doc: Document) -> tuple[str, str, str]:
    """A sender's document: message type and its business key fields (e.g. CEB603 copNo, ...)."""
    names = spec_for(message_type).business_key
    return sender_dxp_id, message_type, "/".join(doc.get(n) or "" for n in names)


@dataclass
class Draft:
    key: tuple[str, str, str]
    guid: str
    format: str
    document: Document
    declared_guid: str | None = None


@dataclass
class DraftChanges:
    """What one batch does to the drafts, written at its end with at most two statements: the
    drafts it stored (the last per document, superseded if a declaration followed) and the
    documents it declared that were drafts before."""

    stored: dict[tuple[str, str, str], Draft] = field(default_factory=dict)
    declared: dict[tuple[str, str, str], str] = field(default_factory=dict)

    def store(self, draft: Draft) -> None:
        self.stored[draft.key] = draft
        self.declared.pop(draft.key, None)

    def declare(self, key: tuple[str, str, str], guid: str) -> None:
        if key in self.stored:
            self.stored[key].declared_guid = guid
        else:
            self.declared[key] = guid

    async def write(self, conn: asyncpg.Connection) -> None:
        if self.stored:
            await conn.executemany(_UPSERT, [
                (*d.key, d.guid, d.format, json.dumps(d.document.head), json.dumps(d.document.items), d.declared_guid)
                for d in self.stored.values()])
        if self.declared:
            senders, types, keys = zip(*self.declared)
            await conn.execute(
                "UPDATE drafts d SET declared_guid = x.guid, declared_at = now() "
                "FROM unnest($1::text[], $2::text[], $3::text[], $4::text[]) AS x(sender, type, key, guid) "
                "WHERE d.sender_dxp_id = x.sender AND d.message_type = x.type AND d.business_key = x.key "
                "AND d.declared_guid IS NULL",
                list(senders), list(types), list(keys), list(self.declared.values()))


_UPSERT = (
    "INSERT INTO drafts (sender_dxp_id, message_type, business_key, guid, format, head, items, declared_guid, "
    "declared_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, CASE WHEN $8::text IS NULL THEN NULL ELSE now() END) "
    "ON CONFLICT (sender_dxp_id, message_type, business_key) DO UPDATE SET guid = EXCLUDED.guid, "
    "format = EXCLUDED.format, head = EXCLUDED.head, items = EXCLUDED.items, stored_at = now(), "
    "declared_guid = EXCLUDED.declared_guid, declared_at = EXCLUDED.declared_at"
)


async def find(conn: asyncpg.Connection, key: tuple[str, str, str]) -> asyncpg.Record | None:
    return await conn.fetchrow("SELECT * FROM drafts WHERE sender_dxp_id = $1 AND message_type = $2 "
                               "AND business_key = $3", *key)
