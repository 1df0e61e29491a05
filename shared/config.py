"""Configuration from the environment, with local defaults that match deploy/stack.sh.

Two classes hold what the services share: :class:`ProcessSettings` (every process: its HTTP
address, who may call it, its logs and spans) and :class:`Settings` (the services that speak
Kafka and PostgreSQL). Each service has its own subclass in ``services/<service>/settings.py``
with what only it reads. Every field is read from the variable(s) named by its alias — nothing
else in the environment counts, and an empty variable means "not set". README's configuration
table is generated from these classes (``services/configuration_doc.py``).

Nothing reads the environment at import time: a service calls ``<Its>Settings.from_env()`` in
its ``bootstrap``, which stops start-up with :class:`SettingsError` naming the variable when a
value cannot be used.
"""
from __future__ import annotations

from collections.abc import Mapping
from contextvars import ContextVar
from typing import Any, ClassVar, Literal, Self

from pydantic import AliasChoices, Field, ValidationError, field_validator
from pydantic.fields import FieldInfo
from pydantic_settings import BaseSettings, EnvSettingsSource, PydanticBaseSettingsSource, SettingsConfigDict
from pydantic_settings.sources.utils import parse_env_vars

DEFAULT_KAFKA = "127.0.0.1:9092"

# the environment ``from_env`` reads instead of os.environ (tests, tools), for one construction
_ENVIRONMENT: ContextVar[Mapping[str, str] | None] = ContextVar("cbec_settings_environment", default=None)


class SettingsError(ValueError):
    """A variable whose value cannot be used: the service does not start."""


class _GivenEnvironment(EnvSettingsSource):
    """pydantic-settings' own environment source, reading a given mapping instead of os.environ."""

    def __init__(self, settings_cls: type[BaseSettings], environ: Mapping[str, str]) -> None:
        self._environ = environ
        super().__init__(settings_cls)

    def _load_env_vars(self) -> Mapping[str, str | None]:
        return parse_env_vars(self._environ, self.case_sensitive, self.env_ignore_empty, self.env_parse_none_str)


def env(*names: str, default: Any = None, doc: str, secret: bool = False, shown: str | None = None) -> Any:
    """A field read from the first of ``names`` that is set. ``doc`` is its line in README's table
    (``shown``: the default as the table says it, when the value alone would not tell)."""
    extra: dict[str, Any] = {"shown": shown} if shown is not None else {}
    return Field(default, validation_alias=AliasChoices(*names), description=doc, repr=not secret,
                 json_schema_extra=extra or None)


def variables(field: FieldInfo) -> list[str]:
    """The variables a field is read from, first wins."""
    alias = field.validation_alias
    if isinstance(alias, AliasChoices):
        return [str(choice) for choice in alias.choices]
    return [str(alias)] if alias else []


class ProcessSettings(BaseSettings):
    """What every process of the platform reads (the console too)."""

    # names as written (GATEWAY_HTTP_PORT, not gateway_http_port), as the services read them before
    model_config = SettingsConfigDict(case_sensitive=True, env_ignore_empty=True, validate_by_name=True,
                                      validate_by_alias=True, extra="forbid", frozen=True)

    service: ClassVar[str] = ""

    profile: Literal["secure", "open"] = env(
        "CBEC_PROFILE", default="secure", shown="`secure` (`open` in `make up`/`make demo`/compose)",
        doc="who may call the HTTP APIs: `secure` needs bearer tokens, `open` is the local demo — see "
            "[Credentials](#credentials)")
    auth_key: str = env("CBEC_AUTH_KEY", default="", secret=True, shown="– (made by `make up`)",
                        doc="signs the issued tokens (HS256), the same key in every service")
    admin_token: str = env("CBEC_ADMIN_TOKEN", default="", secret=True, shown="– (made by `make up`)",
                           doc="the bootstrap admin's token (any high-entropy string)")
    # ``<SERVICE>_``: each service's subclass reads its own variable (:func:`own`)
    http_host: str = env("<SERVICE>_HTTP_HOST", "CBEC_HTTP_HOST", default="127.0.0.1",
                         doc="address the HTTP API listens on")
    http_port: int = env("<SERVICE>_HTTP_PORT", default=8080, doc="port of the HTTP API")
    log_format: Literal["json", "text"] | None = env(
        "CBEC_LOG_FORMAT", shown="`json` (`text` when `CBEC_PROFILE=open`)",
        doc="log lines: one JSON object a line (`time level service logger message trace_id [error]`) or "
            "text with the trace id in brackets")
    log_level: Literal["CRITICAL", "ERROR", "WARNING", "INFO", "DEBUG"] = env(
        "CBEC_LOG_LEVEL", default="INFO",
        doc="`DEBUG` also writes a line per message consumed (its type, topic, partition, offset and trace id)")
    otlp_endpoint: str = env(
        "OTEL_EXPORTER_OTLP_TRACES_ENDPOINT", "OTEL_EXPORTER_OTLP_ENDPOINT", default="", shown="– (no spans)",
        doc="when set, spans are exported over OTLP/HTTP: one per consumed message, a child of the `traceparent` "
            "it came with (the exporter reads the other `OTEL_EXPORTER_OTLP_*` itself)")
    otel_service_name: str = env("OTEL_SERVICE_NAME", default="", shown="`cbec-<service>`",
                                 doc="the spans' `service.name`")

    @field_validator("log_level", mode="before")
    @classmethod
    def _upper(cls, value: object) -> object:
        return value.upper() if isinstance(value, str) else value

    @classmethod
    def settings_customise_sources(cls, settings_cls: type[BaseSettings], init_settings: PydanticBaseSettingsSource,
                                   env_settings: PydanticBaseSettingsSource,
                                   dotenv_settings: PydanticBaseSettingsSource,
                                   file_secret_settings: PydanticBaseSettingsSource,
                                   ) -> tuple[PydanticBaseSettingsSource, ...]:
        given = _ENVIRONMENT.get()
        return (init_settings, env_settings if given is None else _GivenEnvironment(settings_cls, given))

    @classmethod
    def from_env(cls, environ: Mapping[str, str] | None = None) -> Self:
        """The settings from ``environ`` (by default the process's environment), or SettingsError."""
        token = _ENVIRONMENT.set(environ)
        try:
            return cls()
        except ValidationError as exc:
            raise SettingsError(cls._explain(exc)) from None
        finally:
            _ENVIRONMENT.reset(token)

    @classmethod
    def _explain(cls, exc: ValidationError) -> str:
        problems = []
        for error in exc.errors():
            where = str(error["loc"][0]) if error["loc"] else ""
            field = cls.model_fields.get(where)
            names = variables(field) if field is not None else [where]
            problems.append(f"{' / '.join(names) or where}={error.get('input')!r}: {error['msg']}")
        return f"{cls.service + ' ' if cls.service else ''}settings: " + "; ".join(problems)


class Settings(ProcessSettings):
    """What every service that speaks Kafka and PostgreSQL reads. A service's own subclass names
    it (``service``) and gives the per-service fields (:func:`own`) their ``<SERVICE>_`` variables."""

    kafka_bootstrap_servers: str = env("KAFKA_BOOTSTRAP_SERVERS", default=DEFAULT_KAFKA, doc="Kafka brokers")
    database_url: str = env(
        "<SERVICE>_DATABASE_URL", "DATABASE_URL", default="postgresql://cbec@127.0.0.1:5432/cbec",
        shown="`postgresql://cbec_<service>@127.0.0.1:5432/cbec`",
        doc="PostgreSQL URL (the service's own role); `DATABASE_URL` is used by every service without one "
            "(and by the tests as the admin URL)")
    db_schema: str = env("<SERVICE>_DB_SCHEMA", default="public", shown="the service's name",
                         doc="the schema holding the service's tables")
    topic_prefix: str = env("CBEC_TOPIC_PREFIX", default="", shown="empty",
                            doc="prefix for every topic and consumer group (tenants, test runs)")
    topic_partitions: int = env("CBEC_TOPIC_PARTITIONS", default=6, doc="partitions of the topics the services create")
    topic_replication: int | None = env(
        "CBEC_TOPIC_REPLICATION", shown="3 on 3+ brokers, else the number of brokers",
        doc="replication factor of the topics the services create (3 replicas: `min.insync.replicas=2`)")
    consumer_batch: int = env("CBEC_CONSUMER_BATCH", default=500, doc="messages per database transaction")
    relay_batch: int = env("CBEC_RELAY_BATCH", default=1000, doc="outbox messages published per relay round")
    fetch_max_wait_ms: int = env(
        "CBEC_FETCH_MAX_WAIT_MS", default=25,
        doc="how long a consumer's fetch waits for `CBEC_FETCH_MIN_BYTES` to gather (a hop waits at most this): "
            "fewer, fuller fetches cost the broker and the consumer far less per record")
    fetch_min_bytes: int = env("CBEC_FETCH_MIN_BYTES", default=32 * 1024,
                               doc="bytes a consumer's fetch waits for (up to `CBEC_FETCH_MAX_WAIT_MS`)")
    max_record_bytes: int = env(
        "CBEC_MAX_RECORD_BYTES", default=5 * 1024 * 1024,
        doc="bytes of a record the platform publishes (the broker's `message.max.bytes`); see "
            "[docs/verification.md](docs/verification.md#limits)")
    kafka_security_protocol: Literal["PLAINTEXT", "SASL_PLAINTEXT", "SASL_SSL"] = env(
        "KAFKA_SECURITY_PROTOCOL", default="PLAINTEXT",
        doc="how the services (and `cbec`) connect to Kafka: PLAINTEXT (the open local demo) or SASL with SCRAM "
            "(the secure profile, `deploy/kafka/secure/`)")
    kafka_sasl_mechanism: str = env("KAFKA_SASL_MECHANISM", default="SCRAM-SHA-512", doc="the SASL mechanism")
    kafka_sasl_username: str = env("<SERVICE>_KAFKA_SASL_USERNAME", "KAFKA_SASL_USERNAME", default="", shown="–",
                                   doc="the principal the service connects as (`make up PROFILE=secure` sets them)")
    kafka_sasl_password: str = env("<SERVICE>_KAFKA_SASL_PASSWORD", "KAFKA_SASL_PASSWORD", default="", secret=True, shown="–",
                                   doc="... and its password")
    retention_days: float = env(
        "CBEC_RETENTION_DAYS", default=30.0,
        doc="inbox rows, dead letters and ended webhook deliveries older than this are pruned (hourly); keep it "
            "above the topics' retention")
    redrive_limit: int = env(
        "CBEC_REDRIVE_LIMIT", default=3,
        doc="a dead letter whose record was redriven this many times (dead-lettering again each time) is not "
            "redriven (409)")
    sandbox: bool = env(
        "CBEC_SANDBOX", default=False, shown="– (`1` in `make demo`)",
        doc="`1`: the sandbox — scripted outcomes and a movable clock ([docs/sandbox.md](docs/sandbox.md)); "
            "refused in the secure profile")
    sandbox_rules: str = env("CBEC_SANDBOX_RULES", default="", shown="–",
                             doc="the sandbox's rule file (YAML): outcomes by business keys")
    ready_stuck_s: float = env(
        "CBEC_READY_STUCK_S", default=60.0,
        doc="`/health/ready` is 503 when a consumer has records waiting and has committed nothing for this long "
            "(or one batch takes this long), or the publishing relay has made no round for this long")
    ready_max_lag: int = env("CBEC_READY_MAX_LAG", default=50_000,
                             doc="... when a consumer lags by more than this many records on one partition")
    ready_outbox_age_s: float = env(
        "CBEC_READY_OUTBOX_AGE_S", default=120.0,
        doc="... when the oldest outbox row of the instance that publishes is older than this (the console also "
            "marks a pending webhook delivery this old red)")

    def topic(self, name: str) -> str:
        """The real topic name of a logical one (a prefix isolates tenants and test runs)."""
        return f"{self.topic_prefix}{name}"

    def group(self, name: str) -> str:
        return f"{self.topic_prefix}{name}"

    @property
    def kafka_secured(self) -> bool:
        return self.kafka_security_protocol.startswith("SASL")

    def kafka_auth(self) -> dict[str, str]:
        """What every aiokafka client of this service is given besides the bootstrap servers."""
        if not self.kafka_secured:
            return {"security_protocol": self.kafka_security_protocol}
        return {
            "security_protocol": self.kafka_security_protocol,
            "sasl_mechanism": self.kafka_sasl_mechanism,
            "sasl_plain_username": self.kafka_sasl_username,
            "sasl_plain_password": self.kafka_sasl_password,
        }


def own(service: str, name: str, default: Any = None) -> Any:
    """The shared field ``name`` as ``service`` reads it: its ``<SERVICE>_`` variable named for it
    (``GATEWAY_HTTP_PORT``), then the shared ones; ``default``: the service's own (its port)."""
    shared = Settings.model_fields[name]
    if default is None:
        default = {"database_url": f"postgresql://cbec_{service}@127.0.0.1:5432/cbec",
                   "db_schema": service}.get(name, shared.default)
    names = [n.replace("<SERVICE>", service.upper()) for n in variables(shared)]
    return env(*names, default=default, doc=shared.description or "", secret=not shared.repr)
