"""Sample CEB messages, one folder per sending role (README.md; docs/guides/), which together
make one shipment's whole journey to 899."""
from __future__ import annotations

from pathlib import Path

HERE = Path(__file__).resolve().parent
ROLES = ("ebc", "logistics", "agent", "operator")
# the journey, in the order it is sent: (role that sends it, file, receipt, the status it ends at)
JOURNEY = (
    ("ebc", "CEB303_order.xml", "CEB304", "120"),
    ("ebc", "CEB403_payment.xml", "CEB404", "120"),
    ("logistics", "CEB505_waybill.xml", "CEB506", "120"),
    ("agent", "CEB603_list.xml", "CEB604", "399"),
    ("agent", "CEB607_master_bill.xml", "CEB608", "120"),
    ("operator", "CEB507_arrival.xml", "CEB604", "800"),
    ("logistics", "CEB509_departure.xml", "CEB604", "899"),
)


def sample_path(name: str) -> Path:
    """A sample by its file name, whichever role's folder holds it (``CEB603_list.xml``)."""
    for path in sorted(HERE.rglob(name)):
        return path
    raise FileNotFoundError(f"no sample {name} under {HERE}")


def sample_bytes(name: str) -> bytes:
    return sample_path(name).read_bytes()


def sample_files() -> list[Path]:
    """Every sample message (XML and JSON), of every role."""
    return sorted(p for p in HERE.rglob("CEB*") if p.suffix in (".xml", ".json"))
