"""Smychka — the composition root: parse the command line, pick a front end, nothing else."""

from __future__ import annotations

import os
import sys


def run() -> int:
    # pydantic looks for plugins in every installed package's metadata the first time a model
    # is built (tens of milliseconds of start-up); the game uses none.
    os.environ.setdefault("PYDANTIC_DISABLE_PLUGINS", "__all__")
    from game.cli import main

    try:
        return main()
    except KeyboardInterrupt:
        sys.stderr.write("\ninterrupted\n")
        return 130
    except BrokenPipeError:
        return 0
    except Exception as err:  # the last line of defence: no traceback reaches a player
        if os.environ.get("SMYCHKA_DEBUG"):
            raise
        sys.stderr.write(
            f"smychka: internal error ({type(err).__name__}: {err}). Nothing was saved over.\n"
            "Please report this; run with SMYCHKA_DEBUG=1 to see the details.\n"
        )
        return 70


if __name__ == "__main__":
    sys.exit(run())
