"""Smychka — the composition root: parse the command line, pick a front end, nothing else."""

# No ``from __future__`` import: it would be the first statement, outside this guard.
try:  # (a Ctrl-C from the very first instant on ends the game quietly: see run)
    import gc
    import os
    import signal
    import sys
except KeyboardInterrupt:  # pragma: no cover - a window of microseconds
    raise SystemExit(130) from None


def _streams() -> None:
    """Standard output and error that never fail on a character the terminal's encoding lacks
    (``LANG=C``, an ASCII-only terminal: shown as ``\\u2212``); standard input that never fails on
    bytes that are not text (kept as Python keeps undecodable file names, and refused where a
    name is needed)."""
    for stream in (sys.stdout, sys.stderr):
        if stream is not None and hasattr(stream, "reconfigure"):
            try:
                stream.reconfigure(errors="backslashreplace")
            except (OSError, ValueError):
                pass
    if sys.stdin is not None and hasattr(sys.stdin, "reconfigure"):
        try:
            sys.stdin.reconfigure(errors="surrogateescape")
        except (OSError, ValueError):
            pass


def _say(text: str) -> None:
    """A last word on standard error, if there is one to write to."""
    try:
        if sys.stderr is not None:
            sys.stderr.write(text)
            sys.stderr.flush()
    except (OSError, ValueError):
        pass


def _finish_output() -> int | None:
    """Flush standard output; if it cannot take what is left (closed, a full disk, a reader gone),
    say so and drop it, so that the interpreter does not fail on it again at exit. Returns the
    exit status to end with when it failed (None: flushed)."""
    if sys.stdout is None:
        return None
    try:
        sys.stdout.flush()
    except BrokenPipeError:
        sys.stdout = None  # type: ignore[assignment]
        return 0  # the reader stopped reading (| head): not our error
    except (OSError, ValueError) as err:
        from game.files import plain_reason

        sys.stdout = None  # type: ignore[assignment]
        _say(f"smychka: cannot write to standard output: {plain_reason(err) if isinstance(err, OSError) else 'it is closed'}\n")
        return 74
    return None


class _Discard:
    """Where output goes when standard output is closed."""

    def write(self, text: str) -> int:
        return len(text)

    def flush(self) -> None:
        pass

    def isatty(self) -> bool:
        return False


def run() -> int:
    try:
        # pydantic looks for plugins in every installed package's metadata the first time a model
        # is built (tens of milliseconds of start-up); the game uses none.
        os.environ.setdefault("PYDANTIC_DISABLE_PLUGINS", "__all__")
        # Starting allocates much and frees little: the garbage collector's passes over it were
        # a twentieth of the time to the first prompt. It is off until the game has started
        # (game.cli.started turns it on again).
        gc.disable()
        _streams()
        if sys.stdout is None:
            _say("smychka: standard output is closed; what the game prints is lost (the exit status still tells)\n")
            sys.stdout = _Discard()  # type: ignore[assignment]
        from game.cli import main

        status = main(whole_process=True)
        failed = _finish_output()
        return status if failed is None or status else failed
    except KeyboardInterrupt:
        # A second Ctrl-C while saying so changes nothing; the handler is put back after, so a
        # program that runs the game in its own process (the tests) keeps its Ctrl-C, and so do
        # the programs it starts, which inherit an ignored SIGINT and would then never see one.
        previous = signal.signal(signal.SIGINT, signal.SIG_IGN)
        try:
            _say("\ninterrupted\n")
            _finish_output()
        finally:
            signal.signal(signal.SIGINT, previous)
        return 130
    except BrokenPipeError:
        _finish_output()
        return 0
    except OSError as err:  # standard output or input failed (a full disk, a closed terminal)
        from game.files import plain_reason
        from game.textsafe import escape_path

        _finish_output()
        where = f"{escape_path(err.filename)}: " if err.filename else "standard input or output: "
        _say(f"smychka: {where}{plain_reason(err)}. Nothing was saved over.\n")
        return 74
    except Exception as err:  # the last line of defence: no traceback reaches a player
        if os.environ.get("SMYCHKA_DEBUG"):
            raise
        from game.textsafe import escape_controls

        _finish_output()
        _say(f"smychka: internal error ({type(err).__name__}: {escape_controls(str(err))}). Nothing was saved over.\n"
             "Please report this; run with SMYCHKA_DEBUG=1 to see the details.\n")
        return 70


if __name__ == "__main__":
    try:
        code = run()
    except KeyboardInterrupt:  # between run's own handlers, or in them
        code = 130
    sys.exit(code)
