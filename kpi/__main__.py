"""`python -m kpi …`: see ``kpi.cli.main`` for the commands."""
import sys

from kpi.cli.main import main

if __name__ == "__main__":
    sys.exit(main())
