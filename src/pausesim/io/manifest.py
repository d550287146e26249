"""``manifest.json``: what a results folder holds, written last, checked by every reader.

The manifest records how the folder was made (package version, command line, seed, samples,
chunk size, start and end time; whatever the writer passes) and every other file in it with
its size in bytes and SHA-256. It is written after all other files, so a folder with a valid
manifest whose files all match is complete; :func:`read_manifest` refuses anything else (no
manifest, a file missing, changed or not listed).
"""

from __future__ import annotations

import hashlib
import json
import os
from collections.abc import Mapping
from pathlib import Path
from typing import Any

__all__ = [
    "FORMAT",
    "FORMAT_VERSION",
    "MANIFEST",
    "ResultFolderError",
    "file_entries",
    "read_manifest",
    "write_manifest",
]

#: Name of the manifest file inside a results folder.
MANIFEST = "manifest.json"
#: Value of the manifest's ``format`` field.
FORMAT = "pausesim-results"
#: Layout version of the manifest; readers refuse newer ones.
FORMAT_VERSION = 1


class ResultFolderError(ValueError):
    """A results folder that is incomplete, altered or not a pausesim results folder."""


def file_entries(folder: str | os.PathLike[str]) -> list[dict[str, Any]]:
    """Every file under ``folder`` except the manifest: relative path, bytes and SHA-256.

    Paths use ``/`` and are sorted, so the list is the same on every platform.
    """
    root = Path(folder)
    entries = []
    for path in sorted(p for p in root.rglob("*") if p.is_file()):
        rel = path.relative_to(root).as_posix()
        if rel == MANIFEST:
            continue
        entries.append({"path": rel, "bytes": path.stat().st_size, "sha256": _sha256(path)})
    return entries


def write_manifest(folder: str | os.PathLike[str], info: Mapping[str, Any]) -> Path:
    """Write ``manifest.json`` in ``folder``: the format, ``info``, then the file list.

    ``info`` must be JSON-serialisable; its keys come after ``format`` and
    ``format_version`` and before ``files``.
    """
    data = {"format": FORMAT, "format_version": FORMAT_VERSION, **info}
    data["files"] = file_entries(folder)
    path = Path(folder) / MANIFEST
    path.write_text(json.dumps(data, indent=1, allow_nan=False) + "\n", encoding="utf-8")
    return path


def read_manifest(folder: str | os.PathLike[str], *, verify: bool = True) -> dict[str, Any]:
    """The manifest of a results folder, after checking the folder against it.

    Parameters
    ----------
    folder : str or os.PathLike
        A folder written by :func:`pausesim.run.save_result` or an analysis command.
    verify : bool
        Also check every file's size and SHA-256 and that no file is missing or unlisted.

    Returns
    -------
    dict
        The manifest's fields.

    Raises
    ------
    ResultFolderError
        Naming what is wrong: no folder, no or malformed manifest, a newer format, or a file
        missing, altered or not listed.
    """
    root = Path(folder)
    path = root / MANIFEST
    if not root.is_dir():
        raise ResultFolderError(f"{root}: not a folder")
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise ResultFolderError(
            f"{root}: no {MANIFEST}, so not a complete pausesim results folder (it may be from "
            "an interrupted or older run); run it again to rewrite it"
        ) from None
    except (OSError, UnicodeDecodeError, json.JSONDecodeError) as err:
        raise ResultFolderError(f"{path}: unreadable manifest ({err})") from None
    if not isinstance(data, dict) or data.get("format") != FORMAT:
        raise ResultFolderError(f"{path}: not a pausesim results manifest")
    version = data.get("format_version")
    if not isinstance(version, int) or not 1 <= version <= FORMAT_VERSION:
        raise ResultFolderError(
            f"{path}: format_version {version!r}; this pausesim reads up to {FORMAT_VERSION}"
        )
    files = data.get("files")
    if not isinstance(files, list) or not all(
        isinstance(f, dict) and {"path", "bytes", "sha256"} <= set(f) for f in files
    ):
        raise ResultFolderError(f"{path}: malformed file list")
    if verify:
        _verify(root, files)
    return data


def _verify(root: Path, files: list[dict[str, Any]]) -> None:
    actual = {e["path"]: e for e in file_entries(root)}
    listed = {f["path"]: f for f in files}
    problems = [f"{p}: listed but missing" for p in sorted(set(listed) - set(actual))]
    problems += [f"{p}: not listed in {MANIFEST}" for p in sorted(set(actual) - set(listed))]
    for p in sorted(set(listed) & set(actual)):
        if (listed[p]["bytes"], listed[p]["sha256"]) != (actual[p]["bytes"], actual[p]["sha256"]):
            problems.append(f"{p}: size or SHA-256 differs from {MANIFEST}")
    if problems:
        raise ResultFolderError(
            f"{root}: does not match its {MANIFEST}:\n  " + "\n  ".join(problems)
        )


def _sha256(path: Path) -> str:
    h = hashlib.sha256()
    with path.open("rb") as f:
        for block in iter(lambda: f.read(1 << 20), b""):
            h.update(block)
    return h.hexdigest()
