"""Management's settings: what :class:`shared.config.Settings` holds, and the risk rules of the
release-or-inspect decision (README, Configuration)."""
from __future__ import annotations

from typing import ClassVar

from shared.config import Settings, env, own

from .domain.risk import RiskRules


class ManagementSettings(Settings):
    service: ClassVar[str] = "management"

    database_url: str = own("management", "database_url")
    db_schema: str = own("management", "db_schema")
    http_host: str = own("management", "http_host")
    http_port: int = own("management", "http_port", 8081)
    kafka_sasl_username: str = own("management", "kafka_sasl_username")
    kafka_sasl_password: str = own("management", "kafka_sasl_password")

    risk_rules_file: str = env("MANAGEMENT_RISK_RULES", default="",
                               shown="`services/management/config/risk_rules.json`",
                               doc="the risk rules file of the release-or-inspect decision")
    risk_key: str = env("MANAGEMENT_RISK_KEY", default="", secret=True, shown="– (made by `make up`)",
                        doc="the risk sampling key (at least 16 characters in the secure profile): the sampling "
                            "draws must not be predictable from the rules file")

    def risk_rules(self) -> RiskRules:
        """The rules file read and checked (a file with mistakes stops the service)."""
        return RiskRules.load(self.risk_rules_file or None)
