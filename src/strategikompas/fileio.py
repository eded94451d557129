"""Atomic file writes: a temporary file in the same folder, then a rename.

An interrupted run leaves either the old file or the new one, never half of one. Also the
number of cores a run may spread its writing or work over (``usable_cores``)."""

from __future__ import annotations

import contextlib
import csv
import hashlib
import io
import os
import stat
import tempfile
from collections.abc import Callable, Iterable, Iterator, Sequence
from pathlib import Path
from typing import IO, TypeVar

from .errors import InputError, os_problem


def sha256_file(path: Path) -> str:
    """The file's SHA-256, read a megabyte at a time."""
    digest = hashlib.sha256()
    with Path(path).open("rb") as handle:
        for chunk in iter(lambda: handle.read(1 << 20), b""):
            digest.update(chunk)
    return digest.hexdigest()


def _umask() -> int:
    mask = os.umask(0)
    os.umask(mask)
    return mask


def _mode_for(path: Path) -> int:
    """The replaced file's permission bits, else those of a new file under the umask."""
    try:
        return stat.S_IMODE(path.stat().st_mode)
    except OSError:
        return 0o666 & ~_umask()


@contextlib.contextmanager
def atomic_open(path: Path, mode: str = "w", encoding: str | None = "utf-8", newline: str | None = None) -> Iterator[IO]:
    """Open a temporary sibling of ``path``; on success rename it over ``path``. The handle's
    ``temporary`` is the sibling's path (to check what was written before it counts).

    Raises InputError naming the path when its folder is missing or not writable."""
    path = Path(path)
    folder = path.parent if str(path.parent) else Path(".")
    if not folder.is_dir():
        raise InputError(f"Kan ikke skrive {path}: mappen {folder} findes ikke.")
    try:
        fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=folder)
    except OSError as exc:
        raise InputError(f"Kan ikke skrive {path}: {os_problem(exc)}.") from exc
    binary = "b" in mode
    try:
        # mkstemp creates the file as 0600; give it the mode a plain open() would (or the
        # replaced file's), so others who share the folder can still read it.
        os.chmod(tmp, _mode_for(path))
        with os.fdopen(fd, mode, encoding=None if binary else encoding, newline=None if binary else newline) as handle:
            handle.temporary = Path(tmp)  # type: ignore[attr-defined]  # what is written so far, to check before it counts
            yield handle
            handle.flush()
            os.fsync(handle.fileno())
        os.replace(tmp, path)
    except BaseException:
        with contextlib.suppress(FileNotFoundError):
            os.unlink(tmp)
        raise


def atomic_write_bytes(path: Path, data: bytes) -> None:
    with atomic_open(path, "wb") as handle:
        handle.write(data)


def atomic_write_text(path: Path, text: str) -> None:
    with atomic_open(path, "w") as handle:
        handle.write(text)


def write_csv(path: Path, header: Sequence[str], rows: Iterable[Sequence[object]], *, delimiter: str = ",", bom: bool = False) -> None:
    """Write a CSV atomically. Rows are rendered fully before the file is touched."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, delimiter=delimiter, lineterminator="\n")
    writer.writerow(header)
    writer.writerows(["" if v is None else v for v in row] for row in rows)
    with atomic_open(path, "w", encoding="utf-8-sig" if bom else "utf-8", newline="") as handle:
        handle.write(buffer.getvalue())


def _say_waiting(lock: Path) -> None:
    import sys

    print(f"strategikompas: en anden kørsel ændrer {lock.parent / lock.name[1:-5]}; venter på, at den bliver færdig ...", file=sys.stderr)


@contextlib.contextmanager
def locked(path: Path, on_wait=_say_waiting) -> Iterator[None]:
    """An exclusive lock for changing ``path`` (a lock file beside it, ``.name.lock``): two
    runs that read, change and write the same file take turns, so neither loses the
    other's change. The lock goes with the process, so a killed run never leaves it held."""
    import fcntl

    path = Path(path)
    lock = path.with_name(f".{path.name}.lock")
    try:
        handle = lock.open("a")
    except OSError as exc:
        raise InputError(f"{lock}: kan ikke låse ({os_problem(exc)}).") from exc
    with handle:
        try:
            fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            on_wait(lock)  # held by another run: say so, then wait for it
            fcntl.flock(handle, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(handle, fcntl.LOCK_UN)


def usable_cores() -> int:
    """The cores this process may run on (its CPU affinity where the system tells it)."""
    return len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else (os.cpu_count() or 1)


T = TypeVar("T")


def alongside(there: Callable[[], bytes], here: Callable[[], T], fork: bool = True) -> tuple[T, bytes | None]:
    """``here()`` in this process while ``there()`` runs in a forked one (when ``fork``):
    here's result and there's bytes, or None for them when the fork was not possible or
    its process failed (the caller then does that work itself: the result is the same).
    If ``here`` fails or is interrupted, the forked process is waited for, not read."""
    collect = _in_fork(there) if fork else (lambda wanted=True: None)
    try:
        result = here()
    except BaseException:
        collect(False)
        raise
    return result, collect()


def _in_fork(work: Callable[[], bytes]) -> Callable[..., bytes | None]:
    """``work`` started in a forked process (which shares this one's memory: nothing is
    copied to it) while this one goes on; the returned function waits for its bytes, sent
    back through a pipe (``collect(False)``: not wanted, the process is only waited for),
    or None when the fork was not possible or its process failed."""
    if not hasattr(os, "fork"):
        return lambda wanted=True: None
    try:
        read_end, write_end = os.pipe()
    except OSError:
        return lambda wanted=True: None
    try:
        pid = os.fork()
    except OSError:
        os.close(read_end)
        os.close(write_end)
        return lambda wanted=True: None
    if pid == 0:  # the child: its bytes, to the pipe, and out without running the parent's clean-up
        status = 1
        try:
            os.close(read_end)
            data = work()
            with os.fdopen(write_end, "wb") as out:
                out.write(data)
            status = 0
        finally:
            os._exit(status)
    os.close(write_end)

    def collect(wanted: bool = True) -> bytes | None:
        pipe = os.fdopen(read_end, "rb")
        try:
            data = pipe.read() if wanted else None
        finally:  # closed first: a child still writing (this process was interrupted) stops on the broken pipe
            pipe.close()
            _, status = os.waitpid(pid, 0)
        return data if status == 0 else None

    return collect
