"""Settings: each service reads its own variables, a bad value stops it naming the variable, and
README's configuration tables are the settings classes'."""
from pathlib import Path

import pytest

from services import configuration_doc
from services.console.settings import ConsoleSettings
from services.gateway.settings import GatewaySettings
from services.management.settings import ManagementSettings
from services.notification.settings import NotificationSettings
from shared.config import SettingsError, variables

README = Path(__file__).resolve().parents[2] / "README.md"


def test_readme_configuration_is_rendered_from_the_settings_classes():
    text = README.read_text(encoding="utf-8")
    assert configuration_doc.with_tables(text) == text, (
        "README's configuration is out of date: run python -m services.configuration_doc")


def test_every_setting_is_read_from_a_named_variable_and_documented():
    for cls in configuration_doc.PROCESSES:
        for name, field in cls.model_fields.items():
            assert variables(field), f"{cls.__name__}.{name} has no variable"
            assert field.description, f"{cls.__name__}.{name} is not documented"
    readme = README.read_text(encoding="utf-8")
    assert "`GATEWAY_SENDER_RATE`" in readme and "`CBEC_WEBHOOK_ALLOW`" in readme


def test_a_service_reads_its_own_variables_before_the_shared_ones():
    env = {"DATABASE_URL": "postgresql://all@db/cbec", "GATEWAY_DATABASE_URL": "postgresql://gw@db/cbec",
           "CBEC_HTTP_HOST": "0.0.0.0", "MANAGEMENT_HTTP_HOST": "10.0.0.2", "GATEWAY_SENDER_RATE": "0"}
    gateway, management = GatewaySettings.from_env(env), ManagementSettings.from_env(env)
    assert (gateway.database_url, gateway.http_host, gateway.http_port) == ("postgresql://gw@db/cbec", "0.0.0.0", 8080)
    assert (management.database_url, management.http_host, management.http_port) == \
        ("postgresql://all@db/cbec", "10.0.0.2", 8081)
    assert gateway.sender_rate == 0 and gateway.db_schema == "gateway"
    assert NotificationSettings.from_env({}).database_url == "postgresql://cbec_notification@127.0.0.1:5432/cbec"
    assert ConsoleSettings.from_env({"CONSOLE_HTTP_PORT": "9000"}).http_port == 9000


@pytest.mark.parametrize(("cls", "env", "named"), [
    (GatewaySettings, {"GATEWAY_SENDER_RATE": "fast"}, "GATEWAY_SENDER_RATE"),
    (GatewaySettings, {"CBEC_SIGNATURE_MODE": "sometimes"}, "CBEC_SIGNATURE_MODE"),
    (NotificationSettings, {"NOTIFICATION_HTTP_PORT": "80a"}, "NOTIFICATION_HTTP_PORT"),
    (ConsoleSettings, {"CBEC_PROFILE": "public"}, "CBEC_PROFILE"),
])
def test_a_value_that_cannot_be_used_stops_start_up_naming_the_variable(cls, env, named):
    with pytest.raises(SettingsError, match=named):
        cls.from_env(env)


def test_an_empty_variable_counts_as_unset():
    assert GatewaySettings.from_env({"CBEC_TOPIC_REPLICATION": "", "GATEWAY_SENDER_RATE": ""}).sender_rate == 100


def test_a_process_with_a_bad_setting_exits_with_one_line_naming_it(monkeypatch, capsys):
    from shared.runtime import serve

    async def never() -> None:
        raise AssertionError("not built with a bad setting")

    monkeypatch.setenv("CBEC_PROFILE", "public")
    assert serve(never, "console") == 2
    assert "CBEC_PROFILE='public'" in capsys.readouterr().err
