"""``python -m pillscan``: the same entry point as the ``pillscan`` console script."""

import sys

from pillscan.cli import main

if __name__ == "__main__":
    sys.exit(main())
