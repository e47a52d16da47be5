"""`python -m introbot` runs the `introbot` command."""

import sys

from introbot.cli import main

sys.exit(main())
