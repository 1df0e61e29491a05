"""``cbec``: the command line of cbec-clearance.

    cbec enterprise register --code 3301960001 --name "..." --dxp-id DXPENT0000000001 --roles agent,ebc [--certificate cert.pem]
    cbec enterprise list | cbec enterprise show CODE
    cbec credential issue --role officer|enterprise|admin --name NAME [--dxp-id DXP] [--ttl-days 90]
    cbec credential list
    cbec send FILE --sender DXPENT0000000001
    cbec receipts DXPENT0000000001 [--follow]
    cbec demo
    cbec webhook set DXPENT0000000001 --url https://erp.example/cbec [--secret S]
    cbec webhook show|remove DXPENT0000000001
    cbec webhook deliveries DXPENT0000000001 [--status parked]
    cbec webhook redeliver DXPENT0000000001 [--id N]      (every parked delivery when --id is absent)

Every HTTP call carries ``Authorization: Bearer $CBEC_TOKEN`` when set (the registry and credential
commands, an admin's, else ``$CBEC_ADMIN_TOKEN``).
"""
from __future__ import annotations

import argparse
import asyncio
import json
import logging
import os
import sys

import httpx

from shared.kafka import topics

from .demo import run_demo
from .kafka_io import ReceiptReader, send


def _gateway_url() -> str:
    return os.environ.get("CBEC_GATEWAY_URL", f"http://127.0.0.1:{os.environ.get('GATEWAY_HTTP_PORT', '8080')}")


def _bootstrap() -> str:
    return os.environ.get("KAFKA_BOOTSTRAP_SERVERS", "127.0.0.1:9092")


def _prefix() -> str:
    return os.environ.get("CBEC_TOPIC_PREFIX", "")


def _kafka_auth() -> dict:
    """The ERP's principal in the secure profile: KAFKA_SECURITY_PROTOCOL=SASL_PLAINTEXT,
    KAFKA_SASL_USERNAME=<DXP id>, KAFKA_SASL_PASSWORD=<what POST /enterprises answered>."""
    protocol = os.environ.get("KAFKA_SECURITY_PROTOCOL", "PLAINTEXT")
    if not protocol.startswith("SASL"):
        return {}
    return {"security_protocol": protocol, "sasl_mechanism": os.environ.get("KAFKA_SASL_MECHANISM", "SCRAM-SHA-512"),
            "sasl_plain_username": os.environ.get("KAFKA_SASL_USERNAME", ""),
            "sasl_plain_password": os.environ.get("KAFKA_SASL_PASSWORD", "")}


def credentials(admin: bool = False) -> dict[str, str]:
    """The caller's Authorization header: CBEC_TOKEN; for an admin's act (registry, credentials)
    else the bootstrap admin's CBEC_ADMIN_TOKEN."""
    token = os.environ.get("CBEC_TOKEN") or (os.environ.get("CBEC_ADMIN_TOKEN") if admin else None)
    return {"Authorization": f"Bearer {token}"} if token else {}


def _print_response(resp: httpx.Response) -> int:
    try:
        print(json.dumps(resp.json(), indent=2, ensure_ascii=False))
    except ValueError:
        print(resp.text)
    return 0 if resp.is_success else 1


def enterprise(args: argparse.Namespace) -> int:
    url = _gateway_url()
    if args.action == "register":
        body = {"code": args.code, "name": args.name, "dxpId": args.dxp_id,
                "roles": [r.strip() for r in args.roles.split(",") if r.strip()]}
        if args.certificate:
            with open(args.certificate, encoding="ascii") as fh:
                body["certificate"] = fh.read()
        params = {"transfer": "true"} if args.transfer else {}
        return _print_response(httpx.post(f"{url}/enterprises", json=body, params=params,
                                          headers=credentials(admin=True), timeout=10))
    if args.action == "list":
        return _print_response(httpx.get(f"{url}/enterprises", headers=credentials(admin=True), timeout=10))
    return _print_response(httpx.get(f"{url}/enterprises/{args.code}", headers=credentials(admin=True), timeout=10))


def credential(args: argparse.Namespace) -> int:
    """Credentials an admin issues (gateway API): the token is printed once."""
    url = f"{_gateway_url()}/credentials"
    if args.action == "list":
        return _print_response(httpx.get(url, headers=credentials(admin=True), timeout=10))
    body = {"role": args.role, "name": args.name, "dxpId": args.dxp_id, "ttlDays": args.ttl_days}
    return _print_response(httpx.post(url, json=body, headers=credentials(admin=True), timeout=10))


def _notification_url() -> str:
    return os.environ.get("CBEC_NOTIFICATION_URL",
                          f"http://127.0.0.1:{os.environ.get('NOTIFICATION_HTTP_PORT', '8082')}")


def webhook(args: argparse.Namespace) -> int:
    """An enterprise's webhook subscription and its deliveries (notification API)."""
    base = f"{_notification_url()}/enterprises/{args.dxp_id}/webhook"
    auth = credentials() or {"X-Operator": os.environ.get("USER", "cbec")}  # X-Operator: the open profile
    if args.action == "set":
        body = {"url": args.url, **({"secret": args.secret} if args.secret else {})}
        return _print_response(httpx.put(base, json=body, headers=auth, timeout=10))
    if args.action == "show":
        return _print_response(httpx.get(base, headers=auth, timeout=10))
    if args.action == "remove":
        return _print_response(httpx.delete(base, headers=auth, timeout=10))
    if args.action == "deliveries":
        params = {"status": args.status} if args.status else {}
        return _print_response(httpx.get(f"{base}/deliveries", params=params, headers=auth, timeout=10))
    target = f"{base}/deliveries/{args.id}/redeliver" if args.id else f"{base}/deliveries/redeliver"
    return _print_response(httpx.post(target, headers=auth, timeout=30))


def send_file(args: argparse.Namespace) -> int:
    with open(args.file, "rb") as fh:
        body = fh.read()
    auth = _kafka_auth()
    # the sender's own inbound topic (the only one its principal may write in the secure profile)
    topic = args.topic or (topics.inbound_topic(args.sender) if auth else topics.INBOUND)
    asyncio.run(send(_bootstrap(), args.sender, body, _prefix(), topic=topic, auth=auth))
    print(f"sent {args.file} ({len(body)} bytes) to {_prefix()}{topic} as {args.sender}")
    return 0


def receipts(args: argparse.Namespace) -> int:
    async def read() -> None:
        async with ReceiptReader(_bootstrap(), args.dxp_ids, _prefix(), auth=_kafka_auth()) as reader:
            while True:
                try:
                    rr = await reader.next(None if args.follow else 3.0)
                except asyncio.TimeoutError:
                    return
                print(rr.receipt.model_dump_json() if args.raw else rr.line(), flush=True)

    try:
        asyncio.run(read())
    except KeyboardInterrupt:
        pass
    return 0


def parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(prog="cbec", description="cbec-clearance command line")
    sub = p.add_subparsers(dest="command", required=True)

    e = sub.add_parser("enterprise", help="register, list and show enterprises (gateway admin API)")
    esub = e.add_subparsers(dest="action", required=True)
    reg = esub.add_parser("register", help="register or update an enterprise")
    reg.add_argument("--code", required=True)
    reg.add_argument("--name", required=True)
    reg.add_argument("--dxp-id", required=True)
    reg.add_argument("--roles", required=True, help="comma-separated: agent,ebc,ebp,logistics,operator")
    reg.add_argument("--certificate", metavar="FILE",
                     help="PEM X.509 certificate the enterprise signs declared messages with "
                          "(its serial number in hex is the KeyName of the signatures)")
    reg.add_argument("--transfer", action="store_true",
                     help="move an already registered code to this (free) DXP id")
    esub.add_parser("list", help="list registered enterprises")
    show = esub.add_parser("show", help="show one enterprise")
    show.add_argument("code")
    e.set_defaults(func=enterprise)

    c = sub.add_parser("credential", help="issue and list credentials (admin; gateway API)")
    csub = c.add_subparsers(dest="action", required=True)
    iss = csub.add_parser("issue", help="issue a bearer token (printed once)")
    iss.add_argument("--role", required=True, choices=["admin", "officer", "enterprise"])
    iss.add_argument("--name", required=True, help="who holds it: recorded as the actor of what it does")
    iss.add_argument("--dxp-id", help="an enterprise credential's own DXP id")
    iss.add_argument("--ttl-days", type=float, default=90)
    csub.add_parser("list", help="the credentials issued (never the tokens)")
    c.set_defaults(func=credential)

    s = sub.add_parser("send", help="send a CEB message file (XML or JSON) to ceb.inbound[.<DXP id>]")
    s.add_argument("file")
    s.add_argument("--sender", required=True, help="the sender's DXP id (the Kafka key)")
    s.add_argument("--topic", help="the logical inbound topic (default: ceb.inbound.<sender> when "
                                   "KAFKA_SECURITY_PROTOCOL is SASL_*, else ceb.inbound)")
    s.set_defaults(func=send_file)

    r = sub.add_parser("receipts", help="print the receipts on enterprises' receipt topics")
    r.add_argument("dxp_ids", nargs="+")
    r.add_argument("--follow", action="store_true", help="keep waiting for new receipts")
    r.add_argument("--raw", action="store_true", help="print each receipt as JSON")
    r.set_defaults(func=receipts)

    w = sub.add_parser("webhook", help="an enterprise's webhook: set, show, remove, deliveries, redeliver")
    wsub = w.add_subparsers(dest="action", required=True)
    wset = wsub.add_parser("set", help="subscribe an HTTPS endpoint (prints the signing secret once)")
    wset.add_argument("dxp_id")
    wset.add_argument("--url", required=True)
    wset.add_argument("--secret", help="shared secret for the signature (generated when absent)")
    for action, text in (("show", "show the subscription and delivery counts"),
                         ("remove", "unsubscribe; pending deliveries are cancelled")):
        wsub.add_parser(action, help=text).add_argument("dxp_id")
    wdel = wsub.add_parser("deliveries", help="list webhook deliveries")
    wdel.add_argument("dxp_id")
    wdel.add_argument("--status", choices=["pending", "delivered", "parked", "cancelled"])
    wre = wsub.add_parser("redeliver", help="send again one delivery (--id) or every parked one")
    wre.add_argument("dxp_id")
    wre.add_argument("--id", type=int)
    w.set_defaults(func=webhook)

    d = sub.add_parser("demo", help="register the demo enterprises and run the sample journey")
    d.add_argument("--format", choices=["xml", "json"], default="xml", help="format of the demo list")
    d.set_defaults(func=lambda a: run_demo(_gateway_url(), _bootstrap(), _prefix(), a.format))
    return p


def main(argv: list[str] | None = None) -> int:
    # a receipt topic is created with the enterprise's first receipt; until then the reader
    # simply waits, which aiokafka would otherwise report as an error
    logging.getLogger("aiokafka.cluster").setLevel(logging.CRITICAL)
    args = parser().parse_args(argv)
    return args.func(args)


if __name__ == "__main__":
    sys.exit(main())
