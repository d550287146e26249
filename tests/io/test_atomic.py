import os
import stat

import pytest

from pausesim.io import atomic
from pausesim.io.atomic import atomic_write


def _entries(directory):
    return sorted(p.name for p in directory.iterdir())


def test_writes_through_a_hidden_sibling_then_renames(tmp_path):
    target = tmp_path / "out.txt"
    with atomic_write(target) as tmp:
        assert tmp.parent == tmp_path
        assert tmp.name.startswith(".out.txt.tmp-")
        assert tmp.exists() and not target.exists()
        tmp.write_text("done")
    assert target.read_text() == "done"
    assert _entries(tmp_path) == ["out.txt"]


def test_creates_missing_parent_directories(tmp_path):
    target = tmp_path / "a" / "b" / "out.txt"
    with atomic_write(target) as tmp:
        tmp.write_text("x")
    assert target.read_text() == "x"


def test_new_file_has_umask_permissions_not_private_tempfile_ones(tmp_path):
    umask = os.umask(0o022)
    try:
        with atomic_write(tmp_path / "out.txt") as tmp:
            tmp.write_text("x")
    finally:
        os.umask(umask)
    assert stat.S_IMODE((tmp_path / "out.txt").stat().st_mode) == 0o644


@pytest.mark.parametrize("error", [RuntimeError("boom"), KeyboardInterrupt()])
def test_failure_leaves_neither_file_nor_temporary(tmp_path, error):
    target = tmp_path / "out.txt"
    with pytest.raises(type(error)):
        with atomic_write(target) as tmp:
            tmp.write_text("half")
            raise error
    assert _entries(tmp_path) == []


@pytest.mark.parametrize("error", [RuntimeError("boom"), KeyboardInterrupt()])
def test_failure_leaves_previous_file_unchanged(tmp_path, error):
    target = tmp_path / "out.txt"
    target.write_text("old")
    with pytest.raises(type(error)):
        with atomic_write(target) as tmp:
            tmp.write_text("new but half")
            raise error
    assert target.read_text() == "old"
    assert _entries(tmp_path) == ["out.txt"]


def test_success_replaces_previous_file(tmp_path):
    target = tmp_path / "out.txt"
    target.write_text("old")
    with atomic_write(target) as tmp:
        tmp.write_text("new")
    assert target.read_text() == "new"
    assert _entries(tmp_path) == ["out.txt"]


def test_data_are_fsynced_before_the_rename(tmp_path, monkeypatch):
    events = []
    real_fsync, real_replace = os.fsync, os.replace
    monkeypatch.setattr(atomic.os, "fsync", lambda fd: (events.append("fsync"), real_fsync(fd)))
    monkeypatch.setattr(
        atomic.os, "replace", lambda a, b: (events.append("replace"), real_replace(a, b))
    )
    with atomic_write(tmp_path / "out.txt") as tmp:
        tmp.write_text("x")
    assert events.index("fsync") < events.index("replace")


def test_directory_mode_replaces_an_existing_directory(tmp_path):
    target = tmp_path / "store.zarr"
    target.mkdir()
    (target / "old").write_text("old")
    with atomic_write(target, directory=True) as tmp:
        assert tmp.is_dir()
        (tmp / "new").write_text("new")
    assert _entries(target) == ["new"]
    assert _entries(tmp_path) == ["store.zarr"]


def test_directory_mode_failure_keeps_the_old_directory(tmp_path):
    target = tmp_path / "store.zarr"
    target.mkdir()
    (target / "old").write_text("old")
    with pytest.raises(RuntimeError):
        with atomic_write(target, directory=True) as tmp:
            (tmp / "new").write_text("half")
            raise RuntimeError("boom")
    assert _entries(target) == ["old"]
    assert _entries(tmp_path) == ["store.zarr"]
