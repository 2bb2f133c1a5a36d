"""``python -m scheduling.solver --input problem.json --output result.json`` (no Django needed)."""

import sys

from .cli import main

sys.exit(main())
