"""Reading the small text files users hand to pausesim (scenarios, worldviews, parameters).

Every such file is read here, once: only regular files, at most :data:`MAX_INPUT_BYTES`, and
only UTF-8 text, each refusal with a message naming the file. A device (``/dev/zero``), a
FIFO or a directory is refused before a byte is read, so a wrong path can neither hang nor
exhaust memory.
"""

from __future__ import annotations

import os
import stat
from pathlib import Path

#: Largest input file accepted, in bytes: scenario files are a few kilobytes.
MAX_INPUT_BYTES = 4 * 1024 * 1024


class InputFileError(ValueError):
    """A file that cannot be read as input; the message names the file and the reason."""


def _kind(mode: int) -> str:
    if stat.S_ISDIR(mode):
        return "a directory"
    if stat.S_ISFIFO(mode):
        return "a FIFO (named pipe)"
    if stat.S_ISCHR(mode) or stat.S_ISBLK(mode):
        return "a device"
    if stat.S_ISSOCK(mode):
        return "a socket"
    return "not a regular file"


def read_text(path: str | os.PathLike[str], what: str = "file") -> str:
    """The UTF-8 text of a regular file of at most :data:`MAX_INPUT_BYTES` bytes.

    A leading byte-order mark is dropped. Raises :class:`InputFileError` naming ``path``
    and ``what`` (e.g. ``"scenario file"``) otherwise.
    """
    path = Path(path)
    flags = os.O_RDONLY | getattr(os, "O_NONBLOCK", 0)  # opening a FIFO must not block
    try:
        fd = os.open(path, flags)
    except OSError as err:
        raise InputFileError(f"{path}: cannot read {what} ({err.strerror})") from None
    mode = os.fstat(fd).st_mode
    if not stat.S_ISREG(mode):
        os.close(fd)
        raise InputFileError(f"{path}: cannot read {what}: it is {_kind(mode)}")
    with os.fdopen(fd, "rb") as f:
        try:
            raw = f.read(MAX_INPUT_BYTES + 1)
        except OSError as err:
            raise InputFileError(f"{path}: cannot read {what} ({err.strerror})") from None
    if len(raw) > MAX_INPUT_BYTES:
        raise InputFileError(
            f"{path}: {what} is larger than {MAX_INPUT_BYTES // (1024 * 1024)} MB; "
            "pausesim input files are small TOML text"
        )
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as err:
        line = raw[: err.start].count(b"\n") + 1
        raise InputFileError(
            f"{path}: {what} is not UTF-8 text (invalid byte 0x{raw[err.start]:02x} at line "
            f"{line}, byte {err.start}); save it as UTF-8"
        ) from None
    return text.removeprefix("\ufeff")
