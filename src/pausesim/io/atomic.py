"""Atomic writes: a file or directory appears complete under its final name, or not at all.

Writers fill a temporary sibling of the target (same directory, so the final ``os.replace`` is a
rename within one file system), the data are flushed to disk with ``fsync``, and only then is
the temporary renamed over the target. An exception or a ``KeyboardInterrupt`` inside the block
removes the temporary and leaves any previous file at the target untouched (DESIGN §9).
"""

from __future__ import annotations

import contextlib
import os
import secrets
import shutil
from collections.abc import Iterator
from pathlib import Path

__all__ = ["atomic_write", "temporary_sibling"]


def temporary_sibling(target: Path, tag: str = "tmp") -> Path:
    """Return an unused hidden path next to ``target``, like ``.<name>.tmp-<random>``.

    Parameters
    ----------
    target : Path
        The final path the temporary stands in for.
    tag : str
        Marker placed between the name and the random token.

    Returns
    -------
    Path
        A path in ``target.parent`` that did not exist when checked.
    """
    while True:
        candidate = target.parent / f".{target.name}.{tag}-{secrets.token_hex(6)}"
        if not os.path.lexists(candidate):
            return candidate


@contextlib.contextmanager
def atomic_write(path: str | os.PathLike[str], *, directory: bool = False) -> Iterator[Path]:
    """Yield a temporary path to write to; move it onto ``path`` only if the block succeeds.

    Parameters
    ----------
    path : str or os.PathLike
        Final destination. Missing parent directories are created.
    directory : bool
        If true the temporary is an empty directory (for directory stores such as Zarr),
        otherwise an empty file created with the usual permissions (``0o666`` minus umask).

    Yields
    ------
    Path
        The temporary path, a hidden sibling ``.<name>.tmp-<random>`` of ``path``.

    Notes
    -----
    Files are replaced with a single atomic ``os.replace``. A directory cannot be renamed over a
    non-empty directory, so an existing target directory is first renamed aside and deleted
    after the new one is in place; a crash in between leaves the old data in the hidden
    ``.<name>.old-<random>`` sibling rather than losing it.
    """
    target = Path(path)
    target.parent.mkdir(parents=True, exist_ok=True)
    tmp = temporary_sibling(target)
    _create_empty(tmp, directory)
    try:
        yield tmp
        _fsync_tree(tmp)
        _replace(tmp, target)
    except BaseException:
        _remove(tmp)
        raise
    _fsync_directory(target.parent)


def _create_empty(tmp: Path, directory: bool) -> None:
    if directory:
        tmp.mkdir(mode=0o777)
    else:
        os.close(os.open(tmp, os.O_CREAT | os.O_EXCL | os.O_WRONLY, 0o666))


def _replace(tmp: Path, target: Path) -> None:
    if not tmp.is_dir() or not os.path.lexists(target):
        os.replace(tmp, target)
        return
    old = temporary_sibling(target, tag="old")
    os.replace(target, old)
    try:
        os.replace(tmp, target)
    except BaseException:
        os.replace(old, target)
        raise
    _remove(old)


def _fsync_tree(path: Path) -> None:
    if not path.is_dir():
        _fsync_file(path)
        return
    for root, _dirs, files in os.walk(path):
        for name in files:
            _fsync_file(Path(root) / name)
        _fsync_directory(Path(root))


def _fsync_file(path: Path) -> None:
    fd = os.open(path, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def _fsync_directory(path: Path) -> None:
    # Makes the rename itself durable; not every platform can open a directory for fsync.
    with contextlib.suppress(OSError):
        fd = os.open(path, os.O_RDONLY)
        try:
            os.fsync(fd)
        finally:
            os.close(fd)


def _remove(path: Path) -> None:
    with contextlib.suppress(FileNotFoundError):
        if path.is_dir() and not path.is_symlink():
            shutil.rmtree(path)
        else:
            path.unlink()
