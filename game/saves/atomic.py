"""Writing a file so that it is either the old one or the whole new one, never half of each.

The work is done by :func:`game.files.write_file`, the one writer of the game; this name stays for
the callers that know it."""

from __future__ import annotations

from pathlib import Path

from game.files import MayReplace, write_file


def write_atomically(path: Path, text: str, may_replace: MayReplace | None = None) -> None:
    """Write ``text`` to a temporary file beside ``path``, flush it to disk, rename it over — only
    over a regular file, or as a new one; ``/dev/null``, a terminal or a pipe is written straight.

    A crash (or a kill) at any moment leaves ``path`` as it was or complete; a failure or a refusal
    raises :class:`game.files.FileProblem` (an :class:`OSError` whose text says why) with ``path``
    untouched and the temporary file removed. Temporary files are hidden (``.NAME.*.tmp``); one
    left by a killed process is never read as a save, and is removed by the next write into its
    folder once it is a minute old."""
    write_file(path, text, may_replace)
