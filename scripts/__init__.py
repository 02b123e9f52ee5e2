"""Tools for developers and instructors, run as ``.venv/bin/python scripts/NAME.py``."""

from __future__ import annotations

import os
import sys
from collections.abc import Callable


def run_script(main: Callable[[], int | None]) -> int:
    """Run a script's ``main`` as a command: a reader that stops reading (``| head``) ends it
    quietly, and Ctrl-C says "interrupted" with status 130, neither with a traceback."""
    try:
        status = main() or 0
        sys.stdout.flush()
        return status
    except BrokenPipeError:
        # Nothing more can be written; point stdout at nothing so the exit flush does not fail too.
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        return 0
    except KeyboardInterrupt:
        print("\ninterrupted", file=sys.stderr)
        return 130
