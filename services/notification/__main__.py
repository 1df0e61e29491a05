"""``python -m services.notification``: run the notification service."""
import sys

from shared.runtime import serve

from .bootstrap import bootstrap

if __name__ == "__main__":
    sys.exit(serve(bootstrap, "notification"))
