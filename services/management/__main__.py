"""``python -m services.management``: run the clearance management system."""
import sys

from shared.runtime import serve

from .bootstrap import bootstrap

if __name__ == "__main__":
    sys.exit(serve(bootstrap, "management"))
