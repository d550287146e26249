"""Results folders written as a unit: readers see the whole new folder or the old one.

:func:`write_folder` builds the folder in a hidden sibling ``.<name>.tmp-<random>``, writes
``manifest.json`` last (:mod:`pausesim.io.manifest`), flushes everything to disk, and only then
swaps it in. Stale files of an earlier run never survive, because the old folder is replaced
as a whole, never file by file.

Concurrent writers: a lock file ``.<name>.lock`` beside the target (``flock``, released by the
kernel even if the holder is killed) admits one writer per folder; a second one is refused at
once with :class:`FolderBusyError` naming the other process. The command line takes the lock
when it validates ``--out``, before simulating, so a second run stops before computing.

Interrupts: SIGINT and SIGTERM raise inside the build (:mod:`pausesim.io.interrupts`), the
temporary is removed in ``finally``, and a signal whose exception was swallowed still stops the
swap. A folder whose existing contents are not a pausesim results folder is never replaced.

Crash windows (SIGKILL, power loss), with the commit being the swap:

- *before the swap*: the target is untouched; the hidden temporary is left behind and removed by
  the next write to the same target.
- *the swap*: on Linux an atomic exchange (``renameat2(RENAME_EXCHANGE)``), so there is no window.
  Elsewhere two renames: the old folder is renamed to ``.<name>.old-<random>``, then the new one
  to the target. A crash between them leaves no target; the next write to it (or
  :func:`recover`) renames the old folder back.
- *after the swap*: the new folder is in place; the old one, being deleted, is left under a
  hidden name and removed by the next write.
"""

from __future__ import annotations

import contextlib
import ctypes
import ctypes.util
import errno
import glob
import json
import os
import sys
from collections.abc import Iterator, Mapping
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from pausesim.io import interrupts
from pausesim.io.atomic import _fsync_directory, _fsync_tree, _remove, temporary_sibling
from pausesim.io.manifest import FORMAT, MANIFEST, write_manifest

try:
    import fcntl
except ImportError:  # pragma: no cover - not POSIX: no lock, the swap alone protects readers
    fcntl = None

__all__ = [
    "FolderBusyError",
    "OutputFolderError",
    "check_output_folder",
    "folder_lock",
    "recover",
    "test_delay",
    "write_folder",
]

#: Suffixes of the files pausesim has ever written to a results folder; a folder holding only
#: such files (and no sub-folders or hidden files) is taken to be an older results folder.
_RESULT_SUFFIXES = {".toml", ".csv", ".parquet", ".nc", ".json"}


class OutputFolderError(ValueError):
    """An output folder that cannot be written: the message says why and what to do."""


class FolderBusyError(OutputFolderError):
    """Another process is writing the same output folder."""


def check_output_folder(target: str | os.PathLike[str]) -> Path:
    """Check that ``target`` can be written as a results folder, before any work is done.

    Parameters
    ----------
    target : str or os.PathLike
        The folder to write.

    Returns
    -------
    Path
        ``target`` as an absolute path.

    Raises
    ------
    OutputFolderError
        If ``target`` is an existing file or symbolic link, an existing folder that is not a
        pausesim results folder, or its nearest existing parent is not a writable folder.
    """
    path = Path(os.path.abspath(target))
    if not path.name:
        raise OutputFolderError(f"{path}: cannot write results to a file system root")
    if path.is_symlink():
        raise OutputFolderError(f"{path}: is a symbolic link; give the folder it points to")
    if path.exists():
        if not path.is_dir():
            raise OutputFolderError(f"{path}: is an existing file, not a folder")
        if not _is_results_folder(path):
            raise OutputFolderError(
                f"{path}: exists and is not a pausesim results folder (no {MANIFEST}); "
                "it would be replaced as a whole, so choose a new or empty folder"
            )
    parent = path.parent
    while not parent.exists():
        parent = parent.parent
    if not parent.is_dir():
        raise OutputFolderError(f"{path}: {parent} is a file, not a folder")
    if not os.access(parent, os.W_OK | os.X_OK):
        raise OutputFolderError(f"{path}: cannot write in {parent} (permission denied)")
    return path


def _is_results_folder(path: Path) -> bool:
    entries = list(path.iterdir())
    if not entries:
        return True
    manifest = path / MANIFEST
    if manifest.is_file():
        with contextlib.suppress(OSError, ValueError):
            return json.loads(manifest.read_text(encoding="utf-8")).get("format") == FORMAT
        return False
    # Folders written before manifests: only result files, nothing else.
    return all(
        e.is_file() and not e.name.startswith(".") and e.suffix in _RESULT_SUFFIXES for e in entries
    )


# -- the lock ------------------------------------------------------------------------------------

_held: dict[Path, list] = {}  # absolute target -> [file descriptor, depth]


def _lock_path(target: Path) -> Path:
    return target.parent / f".{target.name}.lock"


@contextlib.contextmanager
def folder_lock(target: str | os.PathLike[str]) -> Iterator[Path]:
    """Hold the write lock of the results folder ``target`` for the block.

    Re-entrant within a process. On entry, leftovers of writers that died (temporaries, an old
    folder set aside) are cleaned up (:func:`recover`). Yields ``target`` as an absolute path.

    Raises
    ------
    FolderBusyError
        If another process holds the lock; the message names it.
    """
    path = Path(os.path.abspath(target))
    if path in _held:
        _held[path][1] += 1
        try:
            yield path
        finally:
            _held[path][1] -= 1
        return
    path.parent.mkdir(parents=True, exist_ok=True)
    fd = _acquire(path)
    _held[path] = [fd, 1]
    try:
        recover(path)
        yield path
    finally:
        del _held[path]
        if fd is not None:
            with contextlib.suppress(FileNotFoundError):
                os.unlink(_lock_path(path))
            os.close(fd)


def _acquire(path: Path) -> int | None:
    if fcntl is None:  # pragma: no cover
        return None
    lock = _lock_path(path)
    while True:
        fd = os.open(lock, os.O_RDWR | os.O_CREAT, 0o644)
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            holder = _holder(fd)
            os.close(fd)
            raise FolderBusyError(
                f"{path}: another pausesim process is writing this folder ({holder}); wait for "
                f"it to finish or choose another folder (lock file {lock})"
            ) from None
        except BaseException:
            os.close(fd)
            raise
        # The holder may have removed the file between our open and our lock: retry on the
        # file now at that path.
        try:
            same = os.stat(lock).st_ino == os.fstat(fd).st_ino
        except FileNotFoundError:
            same = False
        if not same:
            os.close(fd)
            continue
        info = {
            "pid": os.getpid(),
            "since": datetime.now(UTC).isoformat(timespec="seconds"),
            "command": " ".join(sys.argv),
        }
        os.ftruncate(fd, 0)
        os.pwrite(fd, json.dumps(info).encode(), 0)
        return fd


def _holder(fd: int) -> str:
    with contextlib.suppress(OSError, ValueError):
        info = json.loads(os.pread(fd, 65536, 0).decode())
        return f"pid {info['pid']}, since {info['since']}: {info['command']}"
    return "pid unknown"


def recover(target: str | os.PathLike[str]) -> None:
    """Clean up after writers of ``target`` that died: call only while holding its lock.

    If the target is missing but an old folder was set aside by an interrupted swap, that folder
    is renamed back; every other temporary or set-aside sibling is removed.
    """
    path = Path(os.path.abspath(target))
    pattern = f".{glob.escape(path.name)}"
    olds = sorted(path.parent.glob(pattern + ".old-*"), key=lambda p: p.stat().st_mtime)
    if olds and not os.path.lexists(path):
        os.replace(olds.pop(), path)
    for leftover in [*olds, *path.parent.glob(pattern + ".tmp-*")]:
        _remove(leftover)


# -- the write -----------------------------------------------------------------------------------


@contextlib.contextmanager
def write_folder(target: str | os.PathLike[str], info: Mapping[str, Any]) -> Iterator[Path]:
    """Yield an empty temporary folder to fill; swap it in for ``target`` if the block succeeds.

    Parameters
    ----------
    target : str or os.PathLike
        The results folder to write; checked by :func:`check_output_folder`.
    info : Mapping
        Fields of the manifest (JSON-serialisable). ``started_at`` defaults to the time the
        block starts, and ``finished_at`` is the time the manifest is written.

    Yields
    ------
    Path
        The temporary folder, a hidden sibling of ``target``.

    Raises
    ------
    OutputFolderError
        If ``target`` cannot be written (:func:`check_output_folder`) or another process writes
        it (:class:`FolderBusyError`).
    """
    info = {"started_at": _now(), **info}
    with interrupts.handle_signals(), folder_lock(check_output_folder(target)) as path:
        tmp = temporary_sibling(path)
        try:
            tmp.mkdir()
            test_delay()
            yield tmp
            write_manifest(tmp, {**info, "finished_at": _now()})
            _fsync_tree(tmp)
            _swap(tmp, path)
        finally:
            # The new folder not swapped in, or the old one swapped out; a second Ctrl-C
            # waits for this rather than leaving half of it.
            with interrupts.signals_blocked():
                _remove(tmp)
        _fsync_directory(path.parent)


def _swap(tmp: Path, path: Path) -> None:
    with interrupts.signals_blocked():
        interrupts.raise_if_received()  # a signal whose exception was swallowed stops here
        if not os.path.lexists(path):
            os.rename(tmp, path)
        elif not _exchange(tmp, path):
            old = temporary_sibling(path, tag="old")
            os.rename(path, old)
            os.rename(tmp, path)
            os.rename(old, tmp)  # removed by the caller


_RENAME_EXCHANGE = 2
_AT_FDCWD = -100


def _exchange(a: Path, b: Path) -> bool:
    """Atomically exchange two paths (Linux ``renameat2``); false if not supported here."""
    if os.environ.get("PAUSESIM_NO_RENAME_EXCHANGE") or not sys.platform.startswith("linux"):
        return False
    try:
        libc = ctypes.CDLL(ctypes.util.find_library("c"), use_errno=True)
        renameat2 = libc.renameat2
    except (OSError, AttributeError):
        return False
    rc = renameat2(_AT_FDCWD, os.fsencode(a), _AT_FDCWD, os.fsencode(b), _RENAME_EXCHANGE)
    if rc == 0:
        return True
    err = ctypes.get_errno()
    if err in (errno.ENOSYS, errno.EINVAL, errno.ENOTSUP):
        return False
    raise OSError(err, os.strerror(err), os.fspath(b))


def test_delay() -> None:
    """Sleep ``PAUSESIM_TEST_SAVE_DELAY`` seconds, if set: a test hook called between files.

    Lets tests send a real signal while a folder is being written.
    """
    delay = os.environ.get("PAUSESIM_TEST_SAVE_DELAY")
    if delay:
        import time

        time.sleep(float(delay))


def _now() -> str:
    return datetime.now(UTC).isoformat(timespec="milliseconds")
