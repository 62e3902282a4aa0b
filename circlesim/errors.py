"""The one toolkit for user errors: exit codes, value parsers, output checks, the one-line message.

Every ``circlesim`` command (run, sweep, report, compare, validate, claims, fit, ui, params,
scenarios, and any plug-in) reports a user mistake the same way: one line on stderr,
``circlesim: error: <what, naming the key, file or value, and what is allowed>``, exit status 2,
never a traceback. The pieces:

- :class:`UsageError`: raise it for a bad flag, path or value (the core raises
  :class:`circlesim.parameters.ParameterError`; both end up on the same path);
- :func:`user_errors`: every exception class that means "the user's input is wrong";
- :func:`run_guarded`: the one error path (used by :func:`circlesim.cli.main` for every
  sub-command, built in or plug-in);
- :func:`whole_number`, :func:`parse_whole_number`, :func:`port_number`: the one whole-number
  parser (argparse type and plain function);
- :func:`check_output_file`, :func:`check_output_dir`, :func:`check_distinct`: output paths
  checked before any work starts;
- :func:`atomic_write`, :func:`atomic_write_bytes`, :func:`atomic_write_text`: never a
  half-written file;
- :func:`one_line`: the message formatter.

This module imports nothing heavy and nothing from the model, so every layer can use it.
"""

from __future__ import annotations

import argparse
import errno
import os
import sys
import tempfile
from collections.abc import Callable, Iterable, Mapping
from contextlib import contextmanager
from pathlib import Path
from typing import Any

__all__ = [
    "EXIT_FAILED",
    "EXIT_INTERRUPTED",
    "EXIT_OK",
    "EXIT_USAGE",
    "MAX_LINE",
    "MAX_SEED",
    "MAX_STEPS",
    "UsageError",
    "atomic_write",
    "atomic_write_bytes",
    "atomic_write_text",
    "check_distinct",
    "check_output_dir",
    "check_output_file",
    "one_line",
    "parse_whole_number",
    "port_number",
    "print_error",
    "register_user_error",
    "run_guarded",
    "user_errors",
    "whole_number",
]

EXIT_OK = 0
#: some work failed (e.g. runs of a sweep, a validation check): recorded, rerun to retry
EXIT_FAILED = 1
#: bad input: one line on stderr
EXIT_USAGE = 2
EXIT_INTERRUPTED = 130

#: most days one run may simulate (run, sweep, compare, the app)
MAX_STEPS = 100_000
#: largest seed accepted anywhere (numpy takes any non-negative int; 128 bits is plenty)
MAX_SEED = 2**128 - 1

#: longest message printed (a pasted megabyte of text must not flood the terminal)
MAX_LINE = 600


class UsageError(Exception):
    """A user mistake (bad flag, path or value): printed as one line, exit status 2.

    ``key`` optionally names the flag, key or file the message is about.
    """

    def __init__(self, message: Any = "", key: str | None = None):
        super().__init__(one_line(message))
        self.key = key


def one_line(message: Any, limit: int = MAX_LINE) -> str:
    """``message`` (text or exception) as one line: whitespace collapsed, at most ``limit``
    characters, no leading ``circlesim: `` (the caller adds the program name)."""
    if isinstance(message, BaseException):
        text = str(message)
        if isinstance(message, OSError) and message.strerror:
            where = f"{message.filename}: " if message.filename is not None else ""
            text = f"{where}{message.strerror}"
        if isinstance(message, KeyError) and message.args:
            text = str(message.args[0])
        text = text or type(message).__name__
    else:
        text = str(message)
    text = " ".join(text.split())
    for prefix in ("circlesim: error: ", "circlesim: "):
        text = text.removeprefix(prefix)
    if len(text) > limit:
        text = text[: limit - 3] + "..."
    return text


_EXTRA: list[type[BaseException]] = []


def register_user_error(cls: type[BaseException]) -> type[BaseException]:
    """Declare a plug-in's own exception class a user error (one line, exit 2). Usable as a
    class decorator. Plug-ins may also simply raise :class:`UsageError` or ``ParameterError``."""
    if cls not in _EXTRA:
        _EXTRA.append(cls)
    return cls


def user_errors() -> tuple[type[BaseException], ...]:
    """Every exception class that means bad user input (each prints as one line, exit 2).

    Classes of optional layers are included when that layer is importable.
    """
    classes: list[type[BaseException]] = [UsageError]
    for module, names in (
        ("circlesim.parameters", ("ParameterError",)),
        ("circlesim.scenarios", ("ScenarioError",)),
        ("circlesim.graphfile", ("GraphFileError",)),
        ("circlesim.sweep.spec", ("SpecError",)),
        ("circlesim.sweep.engine", ("SweepConflict",)),
        ("circlesim.sweep.report", ("ReportError",)),
        ("circlesim.sweep.store", ("DamagedResults",)),
        ("circlesim.budget", ("MemoryBudgetError",)),
    ):
        try:
            mod = __import__(module, fromlist=list(names))
        except ImportError:
            continue
        for name in names:
            cls = getattr(mod, name, None)
            if isinstance(cls, type) and issubclass(cls, BaseException):
                classes.append(cls)
    return tuple(dict.fromkeys(classes + _EXTRA))


def print_error(message: Any, prog: str = "circlesim") -> None:
    """Print ``prog: error: <one line>`` on stderr (never raises)."""
    try:
        print(f"{prog}: error: {one_line(message)}", file=sys.stderr, flush=True)
    except (OSError, ValueError):
        pass


def _silence_stdout() -> None:
    """After stdout failed (closed pipe, full disk), point it at /dev/null so the interpreter's
    final flush does not print a second error."""
    try:
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
        os.close(devnull)
    except (OSError, ValueError, AttributeError):
        pass


def run_guarded(fn: Callable[[], int | None], prog: str = "circlesim",
                interrupted: str = "interrupted") -> int:
    """Call ``fn()`` and turn every user error into one line on stderr and exit status 2.

    The one error path of every command: user errors (:func:`user_errors`) and operating-system
    errors (a missing folder, a full disk, a closed pipe) print one line; Ctrl-C prints
    ``interrupted`` and returns 130. stdout is flushed here, so a failure to write the output
    (``> /dev/full``) is reported too. Any other exception is a bug and propagates.
    """
    try:
        status = int(fn() or 0)
        sys.stdout.flush()
        return status
    except KeyboardInterrupt:
        print_error(interrupted, prog) if interrupted else None
        return EXIT_INTERRUPTED
    except BrokenPipeError:
        _silence_stdout()  # the reader went away (| head): not an error
        return EXIT_OK
    except user_errors() as exc:
        print_error(exc, prog)
        return EXIT_USAGE
    except RecursionError:
        print_error("input is nested too deeply", prog)
        return EXIT_USAGE
    except OSError as exc:
        if exc.errno in (errno.ENOSPC, errno.EIO, errno.EBADF) and exc.filename is None:
            _silence_stdout()
            print_error(f"cannot write the output: {exc.strerror or exc}", prog)
        else:
            print_error(exc, prog)
        return EXIT_USAGE


# --------------------------------------------------------------------------- numbers


def parse_whole_number(text: Any, name: str, minimum: int | None = 0,
                       maximum: int | None = None) -> int:
    """The one whole-number parser: ``text`` (str or int) -> int within [minimum, maximum].

    Accepts surrounding spaces and ``_`` digit separators (``1_000``); refuses booleans,
    fractions (``2.9``), ``inf``/``nan`` and anything else, with a :class:`UsageError` naming
    ``name`` and the allowed range.
    """
    allowed = _allowed_range(minimum, maximum)
    shown = repr(text) if isinstance(text, str) else str(text)
    if len(shown) > 60:
        shown = shown[:57] + "..."
    if isinstance(text, bool):
        raise UsageError(f"{name}: expected {allowed}, got {shown}", key=name)
    if isinstance(text, int):
        value = text
    else:
        try:
            value = int(str(text).strip(), 10)
        except ValueError:
            raise UsageError(f"{name}: expected {allowed}, got {shown}", key=name) from None
    if (minimum is not None and value < minimum) or (maximum is not None and value > maximum):
        raise UsageError(f"{name}: {shown} is out of range (allowed: {allowed})", key=name)
    return value


def _show_int(value: int) -> str:
    if value > 10**12 and (value + 1) & value == 0:
        return f"2**{value.bit_length()} - 1"
    return f"{value:,}"


def _allowed_range(minimum: int | None, maximum: int | None) -> str:
    if minimum is None and maximum is None:
        return "a whole number"
    if maximum is None:
        return "a whole number, 0 or more" if minimum == 0 else \
            f"a whole number, at least {minimum}"
    if minimum is None:
        return f"a whole number, at most {_show_int(maximum)}"
    return f"a whole number from {minimum} to {_show_int(maximum)}"


def whole_number(minimum: int | None = 0, maximum: int | None = None):
    """An argparse ``type=``: :func:`parse_whole_number` with an argparse-style error
    (argparse puts the flag in front: ``argument --steps: expected ...``)."""

    def convert(text: str) -> int:
        try:
            return parse_whole_number(text, "value", minimum, maximum)
        except UsageError as exc:
            raise argparse.ArgumentTypeError(str(exc).removeprefix("value: ")) from None

    convert.__name__ = "whole number"
    return convert


#: argparse type for a TCP port
port_number = whole_number(1, 65535)


# --------------------------------------------------------------------------- outputs


def _probe_writable(folder: Path, flag: str, shown: str) -> None:
    """Create and delete a scratch file in ``folder``: the only sure test (root, read-only
    mounts, ACLs)."""
    try:
        fd, tmp = tempfile.mkstemp(dir=folder, prefix=".circlesim-probe-", suffix=".tmp")
    except OSError as exc:
        raise UsageError(f"{flag} {shown}: cannot write in folder {folder}: "
                         f"{exc.strerror or exc}", key=flag) from None
    os.close(fd)
    try:
        os.unlink(tmp)
    except OSError:
        pass


def check_output_file(path: str | os.PathLike | None, flag: str,
                      suffixes: Iterable[str] | None = None) -> Path | None:
    """Check, before any work, that ``path`` can be written as a file.

    Refuses: a name without one of ``suffixes``; an existing directory; a missing parent
    folder; a parent that is not a folder; a folder this process cannot write in; an existing
    file that cannot be replaced. Returns the path (or None if ``path`` is None).
    """
    if path is None:
        return None
    text = os.fspath(path)
    shown = repr(text) if (not text.strip() or "\x00" in text) else text
    if not text.strip() or "\x00" in text:
        raise UsageError(f"{flag} {shown}: needs a file name", key=flag)
    if suffixes:
        suffixes = tuple(suffixes)
        if not text.lower().endswith(suffixes):
            raise UsageError(f"{flag} {text}: the file name must end in "
                             f"{' or '.join(suffixes)}", key=flag)
    target = Path(text)
    try:
        if target.is_dir():
            raise UsageError(f"{flag} {text}: is a directory; give a file name", key=flag)
        parent = target.absolute().parent
        if not parent.exists():
            raise UsageError(f"{flag} {text}: folder {parent} does not exist", key=flag)
        if not parent.is_dir():
            raise UsageError(f"{flag} {text}: {parent} is not a folder", key=flag)
        if target.exists() and not os.access(target, os.W_OK):
            raise UsageError(f"{flag} {text}: the file exists and cannot be replaced", key=flag)
    except OSError as exc:  # name too long, permission denied on a parent, ...
        raise UsageError(f"{flag} {text}: {exc.strerror or exc}", key=flag) from None
    _probe_writable(parent, flag, text)
    return target


def check_output_dir(path: str | os.PathLike | None, flag: str) -> Path | None:
    """Check, before any work, that ``path`` is (or can be created as) a writable folder."""
    if path is None:
        return None
    text = os.fspath(path)
    if not text.strip() or "\x00" in text:
        raise UsageError(f"{flag} {text!r}: needs a folder name", key=flag)
    target = Path(text)
    try:
        if target.exists() and not target.is_dir():
            raise UsageError(f"{flag} {text}: exists and is not a folder", key=flag)
        probe = target.absolute()
        while not probe.exists():
            probe = probe.parent
        if not probe.is_dir():
            raise UsageError(f"{flag} {text}: {probe} is not a folder", key=flag)
    except OSError as exc:
        raise UsageError(f"{flag} {text}: {exc.strerror or exc}", key=flag) from None
    _probe_writable(probe, flag, text)
    return target


def check_distinct(outputs: Mapping[str, str | os.PathLike | None]) -> None:
    """Refuse two outputs that are the same file (``{flag: path}``; None entries ignored)."""
    seen: dict[str, str] = {}
    for flag, path in outputs.items():
        if path is None:
            continue
        key = os.path.normcase(os.path.realpath(os.fspath(path)))
        if key in seen:
            raise UsageError(f"{seen[key]} and {flag} are the same file ({os.fspath(path)}); "
                             "give two different names", key=flag)
        seen[key] = flag


@contextmanager
def atomic_write(path: str | os.PathLike):
    """``with atomic_write(path) as tmp: write(tmp)``: the body writes a temporary file next to
    ``path``; it is flushed to disk and renamed over ``path`` only if the body succeeds, so
    ``path`` is always either the old file or the complete new one."""
    target = Path(path)
    fd, name = tempfile.mkstemp(dir=target.absolute().parent, prefix=f".{target.name}.",
                                suffix=".tmp")
    os.close(fd)
    tmp = Path(name)
    try:
        yield tmp
        with open(tmp, "rb+") as fh:
            os.fsync(fh.fileno())
        os.replace(tmp, target)
    finally:
        if tmp.exists():
            tmp.unlink()
    try:
        dfd = os.open(target.absolute().parent, os.O_RDONLY)
    except OSError:
        return
    try:
        os.fsync(dfd)
    except OSError:
        pass
    finally:
        os.close(dfd)


def atomic_write_bytes(path: str | os.PathLike, data: bytes) -> None:
    with atomic_write(path) as tmp:
        tmp.write_bytes(data)


def atomic_write_text(path: str | os.PathLike, text: str) -> None:
    atomic_write_bytes(path, text.encode("utf-8"))
