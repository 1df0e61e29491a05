"""The one shape of every list the HTTP APIs answer, and how its 4xx answers are documented.

A list endpoint takes ``offset`` and ``limit`` and answers ``{"total": N, "items": [...]}``:
``total`` counts every row that matches, so a console or a script knows how many pages there are.
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Generic, TypeVar

from fastapi import Depends, Query
from pydantic import BaseModel

T = TypeVar("T")
MAX_LIMIT = 1000


class Page(BaseModel, Generic[T]):
    total: int
    items: list[T]


@dataclass(frozen=True)
class Paging:
    offset: int
    limit: int


def paging(default: int = 100, maximum: int = MAX_LIMIT) -> Any:
    """A FastAPI dependency: ``offset`` (from 0) and ``limit`` (1 … ``maximum``)."""

    def params(offset: int = Query(0, ge=0, description="how many matching rows to skip"),
               limit: int = Query(default, ge=1, le=maximum, description="how many to answer at most")) -> Paging:
        return Paging(offset, limit)

    return Depends(params)


class Problem(BaseModel):
    """What a refused call answers (FastAPI's error shape)."""

    detail: Any


_MEANING = {
    400: "the request cannot be carried out as asked",
    401: "no credential, or one that is not valid (Authorization: Bearer <token>)",
    403: "the credential's role may not do this, or not for this enterprise",
    404: "no such thing",
    409: "refused in the state it is in",
    422: "the request's parameters or body are not valid",
    503: "the service cannot do it now",
}


def errors(*codes: int, **meanings: str) -> dict[int | str, dict[str, Any]]:
    """``responses=`` for a route: the 4xx (and 5xx) it may answer, each with its meaning
    (``meanings``: ``e404="no list with that key"``)."""
    return {code: {"model": Problem, "description": meanings.get(f"e{code}", _MEANING[code])} for code in codes}


AUTH = (401, 403)
