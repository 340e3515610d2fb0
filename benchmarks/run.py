#!/usr/bin/env python3
"""``python benchmarks/run.py [options]``: the same as ``python -m benchmarks`` (see ``benchmarks/__init__.py``)."""

import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from benchmarks.__main__ import main  # noqa: E402

if __name__ == "__main__":
    sys.exit(main())
