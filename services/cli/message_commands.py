"""``cbec validate``, ``cbec sign``, ``cbec verify``: a message checked and signed offline."""
from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path
from typing import Annotated

import typer
from rich.markup import escape

from shared import return_codes as codes

from .arguments import Json, message_files, read_file
from .output import FAILED, FILE, CliError, err, out, print_json, table
from .validation import NOT_CHECKED_OFFLINE, Report, signed_bytes, validate

STAGE_STYLE = {"read": "red", "fields": "red", "schema": "magenta", "signature": "yellow", "logic": "yellow"}


def _certificate(path: Path | None) -> str | None:
    if path is None:
        return None
    from shared.messages.signature import load_certificate

    pem = read_file(path, "certificate")
    try:
        load_certificate(pem)
    except ValueError:
        raise CliError(FILE, f"{path} is not a PEM X.509 certificate") from None
    return pem.decode("ascii", "replace")


def validate_command(
    files: Annotated[list[Path], typer.Argument(help="Message files (XML or JSON), or folders of them.")],
    sender: Annotated[str | None, typer.Option(help="The sender's DXP id (default: the message's BaseTransfer/dxpId).")] = None,
    roles: Annotated[str | None, typer.Option(help="The sender's roles, comma-separated (default: every role).")] = None,
    cert: Annotated[Path | None, typer.Option(help="The sender's certificate: check the signature against it.")] = None,
    require_signature: Annotated[bool, typer.Option(
        "--require-signature", help="As a gateway with CBEC_SIGNATURE_MODE=required: an unsigned declaration is 2501.")] = False,
    json: Json = False,
) -> None:
    """Check messages offline, answering as the gateway would.

    Reading and field formats (9xxx: a CEB900), the official XSD, the signature (25xx), the logic
    checks (20xx/21xx: returnStatus 100), with the codes and field paths of the gateway's receipts.
    Exit 1 when a message is invalid."""
    certificate = _certificate(cert)
    mode = "required" if require_signature else "optional"
    role_list = [r.strip() for r in roles.split(",") if r.strip()] if roles else None
    reports = [validate(read_file(f), str(f), sender_dxp=sender, roles=role_list, certificate_pem=certificate,
                        signature_mode=mode) for f in message_files(files)]
    if json:
        print_json({"valid": all(r.valid for r in reports), "files": [r.as_json() for r in reports],
                    "notCheckedOffline": list(NOT_CHECKED_OFFLINE)})
    else:
        _show_reports(reports)
    if not all(r.valid for r in reports):
        raise typer.Exit(FAILED)


def _show_reports(reports: list[Report]) -> None:
    console = out()
    for r in reports:
        what = " ".join(x for x in (r.message_type, r.format) if x)
        if r.valid:
            console.print(f"[green]✔[/] {escape(r.file)}  [dim]{what}[/]  valid — the gateway answers {r.answer}")
        else:
            console.print(f"[red]✘[/] {escape(r.file)}  [dim]{what}[/]  {len(r.findings)} problem(s) — the gateway answers "
                          f"[bold]{r.answer}[/]")
            rows = [{"stage": f.stage, "code": f.code, "path": f.path, "desc": f.desc} for f in r.findings]
            console.print(table(rows, [("stage", "stage"), ("code", "code"), ("path", "field"), ("desc", "problem")],
                                styles={"stage": lambda v: f"[{STAGE_STYLE[v]}]{v}[/]"}))
    notes: dict[str, int] = {}
    for r in reports:
        for note in r.notes:
            notes[note] = notes.get(note, 0) + 1
    for note, n in notes.items():
        console.print(f"[dim]note ({n} file{'s' if n > 1 else ''}): {escape(note)}[/]")
    bad = sum(not r.valid for r in reports)
    console.print(f"{len(reports) - bad} valid, {bad} invalid. [dim]Not checked offline: "
                  f"{', '.join(NOT_CHECKED_OFFLINE)}.[/]")


def sign_command(
    file: Annotated[Path, typer.Argument(help="The message to sign (XML or JSON).")],
    key: Annotated[Path, typer.Option(help="The enterprise's private key (PEM; SM2 or RSA).")],
    cert: Annotated[Path, typer.Option(help="Its certificate (PEM), as registered with the gateway.")],
    output: Annotated[Path | None, typer.Option("--out", "-o", help="Write the signed message here (default: stdout).")] = None,
    algorithm: Annotated[str | None, typer.Option(
        help="rsa-sha1 (the standard's RSA), rsa-sha256 (default for RSA keys), rsa-sha512; SM2 keys sign sm2-sm3.")] = None,
    json: Json = False,
) -> None:
    """Sign a message (SM2-SM3 or RSA) the way the gateway verifies it.

    XML: an enveloped XML-DSig with KeyName (the certificate's number) and X509Certificate; JSON:
    the Signature member over the canonical form (docs/verification.md)."""
    from shared.messages.signature import certificate_number, load_certificate, sign_message

    body, key_pem, cert_pem = read_file(file, "message"), read_file(key, "key"), read_file(cert, "certificate")
    try:
        number = certificate_number(load_certificate(cert_pem))
    except ValueError:
        raise CliError(FILE, f"{cert} is not a PEM X.509 certificate") from None
    try:
        signed = sign_message(body, key_pem, cert_pem, algorithm=algorithm)
    except (ValueError, TypeError) as e:
        raise CliError(FILE, f"cannot sign {file} with {key}: {e}") from None
    if output is not None:
        output.write_bytes(signed)
    if json:
        print_json({"file": str(file), "out": str(output) if output else None, "keyName": number,
                    **({} if output else {"signed": signed.decode("utf-8")})})
    elif output is None:
        typer.echo(signed.decode("utf-8"), nl=not signed.endswith(b"\n"))
    else:
        err().print(f"[green]✔[/] signed {file} → {output} (KeyName {number})")


def verify_command(
    file: Annotated[Path, typer.Argument(help="The signed message (XML, DXP envelope, or JSON).")],
    cert: Annotated[Path, typer.Option(help="The certificate the gateway has registered for the sender (PEM).")],
    json: Json = False,
) -> None:
    """Verify a message's signature as the gateway does, naming the step that fails.

    2501 unsigned, 2502 canonicalisation, 2503 digest, 2504 signature value, 2505 unknown
    certificate, 2506 expired certificate, 2507 algorithm. Exit 1 when it does not verify."""
    from services.gateway.domain.signature_check import REQUIRED, signature_problem
    from shared.messages import FormatError, decode_message
    from shared.messages.signature import load_certificate, verify_json, verify_xml

    raw, certificate = read_file(file, "message"), _certificate(cert)
    try:
        message, transport = decode_message(raw)
    except FormatError as e:
        raise CliError(FAILED, f"{file}: the message cannot be read: {e}") from None
    now = datetime.now(UTC)
    signed = signed_bytes(raw, transport) if message.signed else raw
    problem = signature_problem(message, signed, certificate, REQUIRED, now)
    if problem is None and not message.signed:  # a draft needs no signature
        result = {"file": str(file), "verified": False, "code": "", "step": "",
                  "detail": "unsigned draft (appStatus 1): no signature to verify"}
    elif problem is None:
        verify = verify_xml if message.format == "xml" else verify_json
        done = verify(signed, load_certificate(certificate), now=now)
        result = {"file": str(file), "verified": True, "keyName": done.key_name, "algorithm": done.signature_method}
    else:
        step, _, detail = problem.desc.partition(": ") if problem.code != codes.UNSIGNED else ("unsigned", "", problem.desc)
        result = {"file": str(file), "verified": False, "code": problem.code, "step": step, "path": problem.path,
                  "detail": detail, "returnInfo": problem.return_info()}
    if json:
        print_json(result)
    elif result["verified"]:
        out().print(f"[green]✔[/] {file}: signature verified (KeyName {result['keyName']}, {result['algorithm']})")
    else:
        out().print(f"[red]✘[/] {escape(str(file))}: " + (
            f"[bold]{result['code']} {result['step']}[/] at {escape(result['path'])}: {escape(result['detail'])}"
            if result["code"] else escape(result["detail"])))
    if not result["verified"]:
        raise typer.Exit(FAILED)
