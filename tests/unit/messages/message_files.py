"""Where the sample and fixture messages live, and how two decodings are compared."""
from __future__ import annotations

from pathlib import Path

import shared.samples
from shared.messages.model import CebMessage

FIXTURES_DIR = Path(__file__).resolve().parents[2] / "fixtures" / "messages"
SAMPLE_NAMES = sorted(path.name for path in shared.samples.sample_files())
# the number the 120 receipt would assign, standing in for the samples' placeholder
INVT_NO = "29922026E000000001"


def sample(name: str) -> bytes:
    return shared.samples.sample_bytes(name)


def fixture(name: str) -> bytes:
    return (FIXTURES_DIR / name).read_bytes()


def content(message: CebMessage) -> dict:
    """What must survive a change of format: everything but the format and the signature."""
    return message.model_dump(exclude={"format", "signed"})
