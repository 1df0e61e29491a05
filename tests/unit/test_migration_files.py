"""Each package's migrations have numbers of their own, and the renumbered ones map to real files."""
from __future__ import annotations

from collections import Counter
from importlib import resources

import pytest

from shared.db.migrator import RENAMED, SHARED_PACKAGE

PACKAGES = {"shared": SHARED_PACKAGE, "gateway": "services.gateway.migrations",
            "management": "services.management.migrations", "notification": "services.notification.migrations"}


def _names(package: str) -> list[str]:
    return sorted(f.name[:-4] for f in resources.files(package).iterdir() if f.name.endswith(".sql"))


@pytest.mark.parametrize("owner", sorted(PACKAGES))
def test_no_two_migrations_of_a_package_share_a_number(owner):
    numbers = Counter(name.split("_", 1)[0] for name in _names(PACKAGES[owner]))
    assert [n for n, count in numbers.items() if count > 1] == []


def test_every_renumbered_migration_names_a_file_under_its_new_name_and_none_under_its_old():
    for old, new in RENAMED.items():
        owner, _, old_name = old.partition(":")
        names = _names(PACKAGES[owner])
        assert new in names and old_name not in names, old
