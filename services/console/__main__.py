"""``python -m services.console``: run the operators' web console."""
import sys

from shared.runtime import serve

from .bootstrap import bootstrap

if __name__ == "__main__":
    sys.exit(serve(bootstrap, "console"))
