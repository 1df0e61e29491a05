"""``python -m services.gateway``: run the clearance service platform."""
import asyncio
import sys

from shared.runtime import configure_logging

from .bootstrap import build


async def main() -> int:
    gateway = await build()
    return await gateway.host.run(gateway.app, extra_tasks=gateway.extra_tasks)


if __name__ == "__main__":
    configure_logging()
    sys.exit(asyncio.run(main()))
