"""``cbec``: the command line of cbec-clearance (docs/cli.md lists every command with an example).

    cbec validate FILE|DIR…                      offline: what the gateway would answer
    cbec sign FILE --key K --cert C [-o OUT]     SM2-SM3 or RSA, as the gateway verifies
    cbec verify FILE --cert C                    the failing step named (2501–2507)
    cbec send FILE|DIR… [--fresh] [--each]       bulk to the inbound topic, then the receipts' summary
    cbec receipts DXP… [--follow] [--since 1h] [--status S] [--key K]
    cbec enterprise|credential|webhook|list|inspection|application|dead-letter|replay …
    cbec demo

Tables and colour for people, ``--json`` on every command for scripts, one line on stderr for an
error with the exit codes of :mod:`.output`; ``--version``; ``--install-completion``.
"""
from __future__ import annotations

import sys
from importlib.metadata import PackageNotFoundError, version
from typing import Annotated

import typer

from . import kafka_commands, message_commands, operator_commands
from .arguments import Json
from .output import EXIT_CODES, guarded, out, print_json

app = typer.Typer(
    name="cbec", no_args_is_help=True, pretty_exceptions_enable=False, rich_markup_mode="markdown",
    help="cbec-clearance: validate, sign and send CEB messages, follow receipts, act as an operator.",
    epilog="Exit codes: " + "; ".join(f"{c} {m}" for c, m in EXIT_CODES.items()) + ".",
    context_settings={"help_option_names": ["-h", "--help"]},
)


def _version() -> str:
    try:
        return version("cbec-clearance")
    except PackageNotFoundError:
        return "unknown"


def _show_version(value: bool) -> None:
    if value:
        from shared.messages.json_schema import EDITION

        typer.echo(f"cbec {_version()} (CEB {EDITION})")
        raise typer.Exit()


@app.callback()
def _root(version_: Annotated[bool, typer.Option("--version", callback=_show_version, is_eager=True,
                                                 help="Print the version and exit.")] = False) -> None:
    """cbec-clearance: validate, sign and send CEB messages, follow receipts, act as an operator."""


app.command("validate")(guarded(message_commands.validate_command))
app.command("sign")(guarded(message_commands.sign_command))
app.command("verify")(guarded(message_commands.verify_command))
app.command("send")(guarded(kafka_commands.send_command))
app.command("receipts")(guarded(kafka_commands.receipts_command))
for _name, _group in operator_commands.GROUPS:
    app.add_typer(_group, name=_name)


@app.command("demo")
@guarded
def demo(fmt: Annotated[str, typer.Option("--format", help="xml or json: the format of the demo list.")] = "xml") -> None:
    """Register the demo enterprises and send the sample journey, printing each receipt."""
    import os

    from .demo import run_demo
    from .http_api import service_url
    from .kafka_commands import prefix

    raise typer.Exit(run_demo(service_url("gateway"), os.environ.get("KAFKA_BOOTSTRAP_SERVERS", "127.0.0.1:9092"),
                              prefix(), fmt))


@app.command("exit-codes")
@guarded
def exit_codes(json: Json = False) -> None:
    """What each exit code means."""
    if json:
        print_json({str(k): v for k, v in EXIT_CODES.items()})
    else:
        for code, meaning in EXIT_CODES.items():
            out().print(f"{code:>4}  {meaning}")


def main(argv: list[str] | None = None) -> int:
    try:
        app(args=argv, prog_name="cbec")
    except SystemExit as e:
        return e.code if isinstance(e.code, int) else (0 if e.code is None else 1)
    return 0


if __name__ == "__main__":
    sys.exit(main())
