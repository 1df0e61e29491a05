"""``python -m services.gateway``: run the clearance service platform."""
import sys

from shared.runtime import serve

from .bootstrap import bootstrap

if __name__ == "__main__":
    sys.exit(serve(bootstrap, "gateway"))
