"""Safe file access: the one place the game reads or writes a file on the user's machine.

Every reader and writer of the game goes through these functions, so that the same promises hold
everywhere:

* :func:`read_file` reads only a **regular file**, up to a **named size limit**. A named pipe, a
  device (``/dev/zero``, ``/dev/urandom``), a folder or a socket is refused at once, never opened
  for reading: it could hang the game or fill its memory.
* :func:`write_file` writes **atomically, in place, only over a regular file** (or creates a new
  one): the text goes to a temporary file beside it, flushed to disk, then renamed over. A
  character device the game may write to (``/dev/null``, a terminal) or a named pipe with a
  reader is written **straight**, never replaced. Anything else — a folder, a socket, a block
  device, another device, a symbolic link to a file (the game never follows a link out of where
  the user pointed) — is refused. A caller can refuse to replace a file that is not of its own
  kind (a save, a simulation's output).
* :func:`write_output` does the same for an output a user names on the command line, where ``-``
  means standard output.
* :func:`clean_stale_temporaries` removes what a killed write left behind: the game's own hidden
  temporary files (``.NAME.XXXXXXXX.tmp``) older than a minute. :func:`write_file` calls it on the
  folder it writes to.
* :func:`decode_utf8` decodes the bytes read, or says at which line and column they stop being
  UTF-8.

Every refusal and every failure of the operating system is a :class:`FileProblem`, an
:class:`OSError` whose ``str()`` is one plain sentence (``"is a named pipe (FIFO), not a file"``,
``"the name is too long for the file system"``); the caller puts the file's name in front.
"""

from __future__ import annotations

import errno
import os
import re
import stat
import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import TextIO

TEMPORARY = re.compile(r"^\..+\.[a-z0-9_]{8}\.tmp$")  # what tempfile.mkstemp makes of our prefix and suffix
STALE_AFTER_SECONDS = 60.0
STDOUT = "-"

# The character devices written to straight even though they are not terminals: null, zero, full.
_HARMLESS_DEVICES = {(1, 3), (1, 5), (1, 7)}


class FileProblem(OSError):
    """A file the game will not or cannot read or write as asked. ``str(err)`` (and ``reason``)
    is one sentence in plain words, without the file's name; ``errno`` is the system's error
    number when there is one (``errno.ENOENT`` for a file that does not exist)."""

    def __init__(self, reason: str, path: object = None, code: int | None = None) -> None:
        super().__init__(code if code is not None else 0, reason)
        self.reason = reason
        self.path = path
        self.strerror = reason

    def __str__(self) -> str:
        return self.reason


class NotUtf8(ValueError):
    """Bytes that are not UTF-8 text: the first bad ``byte``, at ``line`` and ``col`` (counted
    in characters, from 1)."""

    def __init__(self, line: int, col: int, byte: int) -> None:
        super().__init__(f"not UTF-8 text (byte 0x{byte:02x}) at line {line}, column {col}")
        self.line = line
        self.col = col
        self.byte = byte


# --- plain words for what the system says -----------------------------------------------------

_WORDS = {
    errno.ENOENT: "file not found",
    errno.EACCES: "permission denied",
    errno.EPERM: "the operation is not permitted",
    errno.ENAMETOOLONG: "the name is too long for the file system",
    errno.ELOOP: "the path goes round a loop of symbolic links",
    errno.ENOTDIR: "a part of the path is not a folder",
    errno.EISDIR: "is a folder",
    errno.ENOSPC: "no space left on the device (the disk is full)",
    errno.EDQUOT: "the disk quota is used up",
    errno.EROFS: "the file system is read-only",
    errno.EIO: "input/output error (the disk or the device failed)",
    errno.EFBIG: "the file would be too large for the file system",
    errno.EMFILE: "too many files are open",
    errno.ENFILE: "too many files are open on this machine",
    errno.EBUSY: "the file is busy",
    errno.ETXTBSY: "the file is busy",
    errno.EXDEV: "the temporary file and the target are on different file systems",
    errno.EPIPE: "the program reading the output has stopped",
    errno.EBADF: "the file is closed",
    errno.ENXIO: "no such device (or no program reading from it)",
    errno.ENODEV: "no such device",
    errno.EINVAL: "the name or the operation is not valid here",
}


def plain_reason(err: BaseException) -> str:
    """One sentence for ``err`` (an :class:`OSError`, or the :class:`ValueError` and
    :class:`UnicodeError` that a name with a NUL or a bad character raises), without the file's
    name: ``"file not found"``, ``"the disk is full"``."""
    if isinstance(err, FileProblem):
        return err.reason
    if isinstance(err, UnicodeError):
        return "the name holds characters that cannot be a file name here (not valid text)"
    if isinstance(err, ValueError):
        return "the name contains a NUL character, which no file name may hold" if "null" in str(err) else str(err)
    if isinstance(err, OSError):
        if err.errno in _WORDS:
            return _WORDS[err.errno]
        return (err.strerror or str(err) or type(err).__name__).lower()
    return str(err) or type(err).__name__


def _problem(err: BaseException, path: object) -> FileProblem:
    code = err.errno if isinstance(err, OSError) else errno.EINVAL
    return FileProblem(plain_reason(err), path, code)


def _kind(mode: int) -> str:
    """What a file that is not a regular one is, in words."""
    if stat.S_ISDIR(mode):
        return "a folder"
    if stat.S_ISFIFO(mode):
        return "a named pipe (FIFO)"
    if stat.S_ISCHR(mode):
        return "a character device"
    if stat.S_ISBLK(mode):
        return "a block device (a disk)"
    if stat.S_ISSOCK(mode):
        return "a socket"
    if stat.S_ISLNK(mode):
        return "a symbolic link"
    return "not a regular file"


def name_problem(path: str | os.PathLike[str], *, new: bool = False) -> str | None:
    """Why ``path`` cannot name a file, before the system is asked: a NUL character; and, for a
    file to be created (``new``), a name that is not valid UTF-8 text. None when it can."""
    text = os.fspath(path)
    if "\x00" in text:
        return "the name contains a NUL character, which no file name may hold"
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:
        if new:
            return "the name is not valid UTF-8 text; the game creates files only with names in UTF-8"
        try:
            os.fsencode(text)
        except UnicodeError:
            return "the name holds characters that cannot be a file name here (not valid text)"
    return None


# --- reading ----------------------------------------------------------------------------------


def read_file(path: str | os.PathLike[str], limit: int, what: str) -> bytes:
    """The bytes of the regular file at ``path`` (symbolic links to one are followed: reading
    changes nothing). ``what`` names the kind of file in messages (``"a save"``). Raises
    :class:`FileProblem` — ``errno.ENOENT`` when it does not exist — for a file that is missing,
    unreadable, not a regular file, or over ``limit`` bytes (a limit that says what it is)."""
    why = name_problem(path)
    if why:
        raise FileProblem(why, path, errno.EINVAL)
    try:
        info = os.stat(path)
        if not stat.S_ISREG(info.st_mode):
            raise FileProblem(_not_regular(info.st_mode, what), path, errno.EISDIR if stat.S_ISDIR(info.st_mode) else errno.EINVAL)
        _check_size(info.st_size, limit, what, path)
        # O_NONBLOCK: if a named pipe took the file's place since the stat, opening it does not wait.
        fd = os.open(path, os.O_RDONLY | os.O_NONBLOCK | getattr(os, "O_NOCTTY", 0) | getattr(os, "O_CLOEXEC", 0))
    except FileProblem:
        raise
    except FileNotFoundError as err:
        if os.path.islink(path):
            raise FileProblem(f"is a symbolic link to nothing ({os.readlink(path)}): file not found", path, errno.ENOENT) from None
        raise _problem(err, path) from None
    except (OSError, ValueError) as err:
        raise _problem(err, path) from None
    try:
        info = os.fstat(fd)
        if not stat.S_ISREG(info.st_mode):
            raise FileProblem(_not_regular(info.st_mode, what), path, errno.EINVAL)
        data = _read_all(fd, limit + 1)
    except FileProblem:
        raise
    except OSError as err:
        raise _problem(err, path) from None
    finally:
        os.close(fd)
    _check_size(len(data), limit, what, path)
    return data


def _read_all(fd: int, most: int) -> bytes:
    """Up to ``most`` bytes of ``fd``, reading until the end of the file."""
    chunks: list[bytes] = []
    total = 0
    while total < most:
        chunk = os.read(fd, min(1 << 20, most - total))
        if not chunk:
            break
        chunks.append(chunk)
        total += len(chunk)
    return b"".join(chunks)


def _not_regular(mode: int, what: str) -> str:
    if stat.S_ISDIR(mode):
        return f"is a folder, expected {what}"
    return f"is {_kind(mode)}, not a file: {what} is read only from a regular file"


def _check_size(size: int, limit: int, what: str, path: object) -> None:
    if size > limit:
        raise FileProblem(f"file is {size:,} bytes; {what} is at most {limit:,} bytes", path, errno.EFBIG)


def decode_utf8(raw: bytes) -> str:
    """``raw`` as UTF-8 text (a byte-order mark at the start is dropped); raises :class:`NotUtf8`
    at the first byte that is not UTF-8, with its line and column."""
    try:
        return raw.decode("utf-8").removeprefix("\ufeff")
    except UnicodeDecodeError as err:
        line = raw[: err.start].count(b"\n") + 1
        line_start = raw.rfind(b"\n", 0, err.start) + 1
        # Columns count characters, as everywhere else: decode the (valid) start of the line.
        col = len(raw[line_start: err.start].decode("utf-8", errors="replace")) + 1
        raise NotUtf8(line, col, raw[err.start]) from None


# --- writing ----------------------------------------------------------------------------------

# A check a caller gives: why the existing regular file at this path must not be replaced (None: it may).
MayReplace = Callable[[Path], "str | None"]


def write_file(path: str | os.PathLike[str], text: str, may_replace: MayReplace | None = None, durable: bool = True) -> str:
    """Write ``text`` (UTF-8) to ``path``; returns how: ``"replaced"``, ``"created"`` or
    ``"written straight"`` (a device or a pipe).

    * A new file, or an existing regular one, is written atomically: a temporary file beside it,
      flushed to disk, renamed over it. A crash or a kill at any moment leaves the old file whole
      or the new one complete. Missing folders on the way are created. ``may_replace`` is asked
      about an existing regular file that is not empty; the reason it returns refuses the write.
      Not ``durable``: the same, without waiting for the disk (the rules cache's entries: up to a
      second each on a busy disk). A killed program still leaves the old file or the new one
      complete, but a crash of the whole system may leave the new one empty or cut short -- only
      for files whose reader notices that and does without them.
    * ``/dev/null``, ``/dev/zero``, ``/dev/full``, a terminal, or a named pipe that a program is
      reading from, are written straight (also through a symbolic link, as ``/dev/stdout`` is);
      they are never replaced.
    * Anything else is refused: a folder, a socket, a block device, any other device, a named pipe
      nobody reads, and a symbolic link to a file (or to nothing): the game never writes through
      a link to a place the user did not name.

    Raises :class:`FileProblem` (nothing changed) for a refusal or a failure. Stale temporary
    files of earlier killed writes in the folder are removed first (see
    :func:`clean_stale_temporaries`)."""
    target = Path(path)
    how = check_writable(target, may_replace)
    if how == "written straight":
        _write_straight(target, text, _stat_following(target))
    else:
        _write_atomically(target, text, durable)
    return how


def check_writable(path: str | os.PathLike[str], may_replace: MayReplace | None = None) -> str:
    """What :func:`write_file` would do with ``path``, without writing: ``"created"``,
    ``"replaced"`` or ``"written straight"``; raises :class:`FileProblem` for what it would
    refuse. (For a command that writes two files: check both before writing either.)"""
    target = Path(path)
    why = name_problem(target)
    if why:
        raise FileProblem(why, target, errno.EINVAL)
    try:
        info: os.stat_result | None = os.lstat(target)
    except FileNotFoundError:
        info = None
    except (OSError, ValueError) as err:
        raise _problem(err, target) from None
    if info is None:
        for part in _to_create(target):  # the file, and any folder on the way that does not exist yet
            why = name_problem(part.name, new=True)
            if why:
                raise FileProblem(why, target, errno.EINVAL)
        return "created"
    mode = info.st_mode
    if stat.S_ISLNK(mode):
        followed = _stat_following(target)
        if stat.S_ISFIFO(followed.st_mode) or (stat.S_ISCHR(followed.st_mode) and _may_open_device(followed)):
            return "written straight"
        if stat.S_ISCHR(followed.st_mode):
            raise FileProblem(_other_device(followed), target, errno.EINVAL)
        try:
            points_to = os.readlink(target)
        except OSError:
            points_to = "?"
        if points_to.startswith(("/proc/self/fd/", "/dev/fd/")):
            raise FileProblem(f"is an open file of this program (a link to {points_to}); write - for standard output", target, errno.EINVAL)
        raise FileProblem(f"is a symbolic link (to {points_to}); the game does not write through links: name the file itself, or another path",
                          target, errno.EINVAL)
    if stat.S_ISREG(mode):
        if may_replace is not None and info.st_size > 0:
            why = may_replace(target)
            if why:
                raise FileProblem(why, target, errno.EEXIST)
        return "replaced"
    if stat.S_ISFIFO(mode) or (stat.S_ISCHR(mode) and _may_open_device(info)):
        return "written straight"
    if stat.S_ISCHR(mode):
        raise FileProblem(_other_device(info), target, errno.EINVAL)
    raise FileProblem(f"is {_kind(mode)}, not a file: the game writes only to files, terminals, pipes and /dev/null", target, errno.EINVAL)


def _to_create(path: Path) -> list[Path]:
    """``path`` and those of its parents that do not exist (up to the first that does)."""
    out = [path]
    for parent in path.parents:
        if os.path.lexists(parent):
            break
        out.append(parent)
    return out


def _stat_following(link: Path) -> os.stat_result:
    try:
        return os.stat(link)
    except FileNotFoundError:
        raise FileProblem("is a symbolic link to nothing; the game does not create files through links", link, errno.ENOENT) from None
    except (OSError, ValueError) as err:
        raise _problem(err, link) from None


def _other_device(info: os.stat_result) -> str:
    device = f"{os.major(info.st_rdev)}:{os.minor(info.st_rdev)}"
    return f"is a device ({device}) other than a terminal or /dev/null: the game writes only to files, terminals, pipes and /dev/null"


def _write_straight(path: Path, text: str, info: os.stat_result) -> None:
    """Write to a device or a pipe without replacing it. Only /dev/null, /dev/zero, /dev/full,
    terminals and pipes; any other device is refused before it is even opened (opening some
    devices does something by itself)."""
    is_fifo = stat.S_ISFIFO(info.st_mode)
    if not is_fifo and not _may_open_device(info):
        raise FileProblem(_other_device(info), path, errno.EINVAL)
    flags = os.O_WRONLY | os.O_NONBLOCK | getattr(os, "O_NOCTTY", 0) | getattr(os, "O_CLOEXEC", 0)
    try:
        fd = os.open(path, flags)
    except OSError as err:
        if is_fifo and err.errno == errno.ENXIO:
            raise FileProblem("is a named pipe (FIFO) that no program is reading from; nothing was written", path, errno.ENXIO) from None
        raise _problem(err, path) from None
    try:
        now = os.fstat(fd)
        same = (now.st_mode & 0o170000, now.st_rdev) == (info.st_mode & 0o170000, info.st_rdev)
        if not same or (stat.S_ISCHR(now.st_mode) and not (_harmless(now) or os.isatty(fd))):
            raise FileProblem("is a device other than a terminal or /dev/null: the game writes only to files, terminals, pipes and /dev/null",
                              path, errno.EINVAL)
        os.set_blocking(fd, True)
        data = memoryview(text.encode("utf-8"))
        while data:
            written = os.write(fd, data)
            data = data[written:]
    except FileProblem:
        raise
    except OSError as err:
        raise _problem(err, path) from None
    finally:
        os.close(fd)


def _device(info: os.stat_result) -> tuple[int, int]:
    return os.major(info.st_rdev), os.minor(info.st_rdev)


# Linux's terminal devices: virtual consoles and serial lines (4), /dev/tty and the console (5),
# pseudo-terminals (136-143). Opening one does nothing but open it.
_TERMINAL_MAJORS = frozenset({4, 5, *range(136, 144)})


def _may_open_device(info: os.stat_result) -> bool:
    if not stat.S_ISCHR(info.st_mode):
        return False
    if _harmless(info):
        return True
    return sys.platform.startswith("linux") and _device(info)[0] in _TERMINAL_MAJORS


def _harmless(info: os.stat_result) -> bool:
    """/dev/null, /dev/zero or /dev/full (by their numbers on Linux; elsewhere /dev/null's own)."""
    if sys.platform.startswith("linux"):
        return _device(info) in _HARMLESS_DEVICES
    try:
        return info.st_rdev == os.stat(os.devnull).st_rdev
    except OSError:
        return False


def _write_atomically(path: Path, text: str, durable: bool = True) -> None:
    import tempfile  # (imported here: reading, all most commands do, needs none of it)

    try:
        path.parent.mkdir(parents=True, exist_ok=True)
    except (OSError, ValueError) as err:
        if isinstance(err, FileExistsError):
            raise FileProblem("a part of the path is not a folder", path, errno.ENOTDIR) from None
        raise _problem(err, path) from None
    clean_stale_temporaries(path.parent)
    try:
        # A short prefix: a name near the file system's limit still leaves room for the rest.
        import tempfile  # (only to write a file: not on the way to the first prompt)

        fd, tmp = tempfile.mkstemp(prefix=f".{path.name[:64]}.", suffix=".tmp", dir=path.parent)
    except (OSError, ValueError) as err:
        raise _problem(err, path) from None
    try:
        os.fchmod(fd, _mode_for(path))
        with os.fdopen(fd, "w", encoding="utf-8") as handle:
            handle.write(text)
            handle.flush()
            if durable:
                os.fsync(handle.fileno())
        os.replace(tmp, path)
    except BaseException as err:
        try:
            os.unlink(tmp)
        except OSError:
            pass
        if isinstance(err, OSError):
            raise _problem(err, path) from None
        raise
    if durable:
        _sync_folder(path.parent)


def _mode_for(path: Path) -> int:
    """The permissions of the file being replaced, or a new file's usual ones (mkstemp's are 0600)."""
    try:
        return path.stat().st_mode & 0o777
    except OSError:
        return 0o644


def _sync_folder(folder: Path) -> None:
    """Make the rename itself durable (POSIX); a no-op where folders cannot be opened."""
    try:
        fd = os.open(folder, os.O_RDONLY)
    except OSError:
        return
    try:
        os.fsync(fd)
    except OSError:
        pass
    finally:
        os.close(fd)


def clean_stale_temporaries(folder: str | os.PathLike[str], now: float | None = None, older_than: float = STALE_AFTER_SECONDS) -> int:
    """Remove the game's own temporary files that a killed write left in ``folder``: regular
    files named like ``.NAME.XXXXXXXX.tmp`` (hidden, as :func:`write_file` names them) last
    changed more than ``older_than`` seconds ago — a write in progress is younger than that.
    Nothing else is touched; a file that cannot be removed is left. Returns how many were."""
    moment = time.time() if now is None else now
    removed = 0
    try:
        entries = list(os.scandir(folder))
    except (OSError, ValueError):
        return 0
    for entry in entries:
        if not TEMPORARY.match(entry.name):
            continue
        try:
            info = entry.stat(follow_symlinks=False)
            if stat.S_ISREG(info.st_mode) and moment - info.st_mtime > older_than:
                os.unlink(entry.path)
                removed += 1
        except OSError:
            continue
    return removed


def write_output(target: str | os.PathLike[str], text: str, stdout: TextIO | None = None, may_replace: MayReplace | None = None) -> str:
    """Write an output the user named on the command line: ``-`` is standard output (``stdout``,
    default :data:`sys.stdout`), anything else goes through :func:`write_file`. Returns how it was
    written (``"standard output"`` for ``-``); raises :class:`FileProblem`."""
    if os.fspath(target) == STDOUT:
        stream = stdout or sys.stdout
        try:
            stream.write(text)
            stream.flush()
        except OSError as err:
            raise _problem(err, STDOUT) from None
        return "standard output"
    return write_file(target, text, may_replace)
