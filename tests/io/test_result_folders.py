"""Results folders are whole or absent, and re-run (issue 10, items 2 and 3).

The signal tests run the real command line in a subprocess and interrupt it during the save;
``PAUSESIM_TEST_SAVE_DELAY`` makes the save sleep between files so the signal lands mid-save.
"""

import errno
import hashlib
import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from typer.testing import CliRunner

import pausesim.scenario as S
from pausesim.cli.app import app
from pausesim.io import interrupts
from pausesim.io.folder import (
    FolderBusyError,
    OutputFolderError,
    check_output_folder,
    folder_lock,
    write_folder,
)
from pausesim.io.manifest import MANIFEST, ResultFolderError, read_manifest
from pausesim.run import compare, load_result, save_result, simulate
from pausesim.sensitivity.files import write_analyses, write_analysis

CLI = [sys.executable, "-c", "from pausesim.cli.app import main; main()"]
runner = CliRunner()


@pytest.fixture(scope="module")
def small_run():
    return simulate(S.load("essay-realistic", samples=30), chunk_size=100)


@pytest.fixture(scope="module")
def small_comparison():
    return compare(S.load("essay-realistic", samples=30), keep="none", chunk_size=100)


def snapshot(folder: Path) -> dict[str, str]:
    """Every file under ``folder`` and its SHA-256."""
    return {
        p.relative_to(folder).as_posix(): hashlib.sha256(p.read_bytes()).hexdigest()
        for p in sorted(folder.rglob("*"))
        if p.is_file()
    }


def leftovers(folder: Path) -> list[Path]:
    """Hidden siblings of ``folder``: temporaries, set-aside folders, the lock file."""
    return sorted(folder.parent.glob(f".{folder.name}.*"))


# -- the folder is replaced as a unit ------------------------------------------------------------


def test_a_run_after_a_comparison_leaves_none_of_its_files(tmp_path, small_run, small_comparison):
    out = tmp_path / "R"
    save_result(small_comparison, out)
    assert (out / "deltas.csv").exists() and (out / "verdicts.csv").exists()
    files = save_result(small_run, out)
    assert sorted(p.name for p in out.iterdir()) == sorted(p.name for p in files)
    assert not (out / "deltas.csv").exists() and not (out / "verdicts.csv").exists()
    assert read_manifest(out)["kind"] == "run"
    assert leftovers(out) == []


def test_the_two_rename_swap_also_replaces_the_folder(tmp_path, monkeypatch, small_run):
    monkeypatch.setenv("PAUSESIM_NO_RENAME_EXCHANGE", "1")
    out = tmp_path / "R"
    (out).mkdir()
    (out / "stale.csv").write_text("x\n")
    save_result(small_run, out)
    assert not (out / "stale.csv").exists()
    read_manifest(out)
    assert leftovers(out) == []


def test_a_failing_save_leaves_the_old_folder_and_no_temporary(tmp_path, monkeypatch, small_run):
    out = tmp_path / "R"
    save_result(small_run, out, trajectories=False)
    before = snapshot(out)
    import pausesim.io as io

    real, calls = io.save_table, []

    def disk_full(table, path):
        calls.append(path)
        if len(calls) == 2:
            raise OSError(errno.ENOSPC, "No space left on device", str(path))
        return real(table, path)

    monkeypatch.setattr(io, "save_table", disk_full)
    with pytest.raises(OSError, match="No space"):
        save_result(small_run, out)
    assert snapshot(out) == before
    assert leftovers(out) == []


def test_a_swallowed_interrupt_still_stops_the_swap(tmp_path, small_run):
    out = tmp_path / "R"
    save_result(small_run, out, trajectories=False)
    before = snapshot(out)
    with pytest.raises(KeyboardInterrupt), write_folder(out, {}) as tmp:
        (tmp / "scenario.toml").write_text("name = 'new'\n")
        try:  # what a finaliser that prints "Exception ignored" does
            os.kill(os.getpid(), signal.SIGINT)
            time.sleep(0.1)
        except KeyboardInterrupt:
            pass
    assert snapshot(out) == before
    assert leftovers(out) == []
    assert signal.getsignal(signal.SIGINT) is signal.default_int_handler


def test_leftovers_of_a_killed_writer_are_cleaned_up_and_a_set_aside_folder_restored(
    tmp_path, small_run
):
    out = tmp_path / "R"
    save_result(small_run, out, trajectories=False)
    before = snapshot(out)
    os.rename(out, tmp_path / ".R.old-0123")  # killed between the two renames
    (tmp_path / ".R.tmp-abcd").mkdir()  # killed while building
    (tmp_path / ".R.tmp-abcd" / "trajectories_policy.nc").write_bytes(b"\0" * 1000)
    with folder_lock(out):
        pass
    assert snapshot(out) == before
    assert leftovers(out) == []


# -- what may be written ------------------------------------------------------------------------


def test_output_folders_that_are_refused(tmp_path):
    (tmp_path / "file").write_text("x")
    with pytest.raises(OutputFolderError, match="is an existing file"):
        check_output_folder(tmp_path / "file")
    with pytest.raises(OutputFolderError, match="is a file, not a folder"):
        check_output_folder(tmp_path / "file" / "sub")
    (tmp_path / "mine").mkdir()
    (tmp_path / "mine" / "thesis.docx").write_text("precious")
    with pytest.raises(OutputFolderError, match="not a pausesim results folder"):
        check_output_folder(tmp_path / "mine")
    (tmp_path / "link").symlink_to(tmp_path / "mine")
    with pytest.raises(OutputFolderError, match="symbolic link"):
        check_output_folder(tmp_path / "link")
    assert check_output_folder(tmp_path / "new" / "deeper") == tmp_path / "new" / "deeper"


@pytest.mark.skipif(os.geteuid() == 0, reason="root writes anywhere")
def test_an_unwritable_parent_is_refused(tmp_path):
    ro = tmp_path / "ro"
    ro.mkdir()
    ro.chmod(0o555)
    try:
        with pytest.raises(OutputFolderError, match="permission denied"):
            check_output_folder(ro / "R")
    finally:
        ro.chmod(0o755)


@pytest.mark.parametrize(
    ("setup", "message"),
    [("file", "is an existing file"), ("foreign", "not a pausesim results folder")],
)
def test_bad_out_is_refused_before_the_simulation(tmp_path, setup, message):
    out = tmp_path / "R"
    if setup == "file":
        out.write_text("x")
    else:
        out.mkdir()
        (out / "notes.txt").write_text("keep me")
    # 10 million samples would take minutes: the refusal must come first.
    args = ["run", "essay-realistic", "-n", "10000000", "--keep", "none", "--out", str(out)]
    r = runner.invoke(app, args)
    assert r.exit_code == 2, r.output
    assert message in r.output
    assert "Traceback" not in r.output


# -- concurrent writers -------------------------------------------------------------------------


def test_a_second_writer_is_refused_naming_the_first(tmp_path, small_run):
    out = tmp_path / "R"
    holder = subprocess.Popen(
        [
            sys.executable,
            "-c",
            "import sys, time\n"
            "from pausesim.io.folder import folder_lock\n"
            f"with folder_lock({str(out)!r}):\n"
            "    print('locked', flush=True)\n"
            "    time.sleep(30)\n",
        ],
        stdout=subprocess.PIPE,
        text=True,
    )
    try:
        assert holder.stdout.readline().strip() == "locked"
        with pytest.raises(FolderBusyError, match=f"pid {holder.pid}"):
            save_result(small_run, out)
        r = runner.invoke(app, ["run", "essay-realistic", "-n", "20", "--out", str(out)])
        assert r.exit_code == 2 and "another pausesim process" in r.output
    finally:
        holder.terminate()
        holder.wait(10)
    assert not out.exists()
    save_result(small_run, out)  # the lock went with its holder
    assert leftovers(out) == []


# -- real signals during the save ----------------------------------------------------------------


def _wait_for_save(proc: subprocess.Popen, out: Path, timeout: float = 120.0) -> None:
    """Return once the hidden temporary of ``out`` holds a file (the save is under way)."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        for tmp in out.parent.glob(f".{out.name}.tmp-*"):
            if any(tmp.iterdir()):
                return
        assert proc.poll() is None, proc.communicate()
        time.sleep(0.02)
    raise AssertionError("the save never started")


@pytest.mark.parametrize(
    ("signum", "status"), [(signal.SIGINT, 130), (signal.SIGTERM, 143)], ids=["INT", "TERM"]
)
def test_a_signal_during_the_save_leaves_the_old_folder_untouched(
    tmp_path, small_comparison, signum, status
):
    out = tmp_path / "R"
    save_result(small_comparison, out)
    before = snapshot(out)
    env = {**os.environ, "PAUSESIM_TEST_SAVE_DELAY": "0.3"}
    args = [*CLI, "run", "essay-realistic", "-n", "30", "--seed", "7", "--out", str(out)]
    proc = subprocess.Popen(
        args, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True
    )
    _wait_for_save(proc, out)
    proc.send_signal(signum)
    _, err = proc.communicate(timeout=60)
    assert proc.returncode == status, err
    assert "Traceback" not in err
    assert snapshot(out) == before
    read_manifest(out)
    assert leftovers(out) == []


def test_after_sigkill_the_old_folder_is_whole_and_the_next_save_cleans_up(
    tmp_path, small_comparison, small_run
):
    out = tmp_path / "R"
    save_result(small_comparison, out)
    before = snapshot(out)
    env = {**os.environ, "PAUSESIM_TEST_SAVE_DELAY": "0.3"}
    args = [*CLI, "run", "essay-realistic", "-n", "30", "--out", str(out)]
    proc = subprocess.Popen(args, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    _wait_for_save(proc, out)
    proc.kill()
    proc.wait(60)
    assert snapshot(out) == before  # the kill left a hidden temporary, not a mixed folder
    assert any(p.name.startswith(".R.tmp-") for p in leftovers(out))
    save_result(small_run, out)
    assert leftovers(out) == []
    read_manifest(out)


def test_a_write_error_after_the_run_exits_1_and_changes_nothing(tmp_path, monkeypatch):
    out = tmp_path / "R"
    r = runner.invoke(app, ["run", "essay-realistic", "-n", "20", "--keep", "none", "-o", str(out)])
    assert r.exit_code == 0, r.output
    before = snapshot(out)
    import pausesim.io as io

    def disk_full(table, path):
        raise OSError(errno.ENOSPC, "No space left on device", str(path))

    monkeypatch.setattr(io, "save_table", disk_full)
    r = runner.invoke(app, ["run", "essay-realistic", "-n", "20", "-o", str(out)])
    assert r.exit_code == 1
    assert "No space left on device" in r.output and "nothing there was changed" in r.output
    assert snapshot(out) == before
    assert leftovers(out) == []


def test_a_signal_before_the_save_stops_with_130_and_writes_nothing(tmp_path):
    out = tmp_path / "R"
    args = [*CLI, "run", "essay-realistic", "-n", "200000", "--keep", "none", "--out", str(out)]
    proc = subprocess.Popen(args, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    deadline = time.monotonic() + 60
    while not (tmp_path / ".R.lock").exists():  # --out was checked: the simulation runs
        assert proc.poll() is None and time.monotonic() < deadline, proc.communicate()
        time.sleep(0.02)
    time.sleep(0.5)
    proc.send_signal(signal.SIGINT)
    _, err = proc.communicate(timeout=60)
    assert proc.returncode == 130, err
    assert not out.exists()
    assert leftovers(out) == []


def test_the_signal_handlers_report_and_restore():
    before = signal.getsignal(signal.SIGTERM)
    with pytest.raises(interrupts.Terminated), interrupts.handle_signals():
        os.kill(os.getpid(), signal.SIGTERM)
        time.sleep(1)
    assert interrupts.received() == signal.SIGTERM
    assert interrupts.exit_status(0) == 143
    assert signal.getsignal(signal.SIGTERM) == before


# -- the manifest and the reader ------------------------------------------------------------------


def test_the_manifest_records_how_the_folder_was_made(tmp_path, small_comparison):
    out = tmp_path / "R"
    save_result(small_comparison, out, keep="none", command=["pausesim", "compare"])
    m = read_manifest(out)
    assert m["pausesim_version"] and m["chunk_size"] == 100 and m["keep"] == "none"
    assert m["seed"] == small_comparison.scenario.seed and m["samples"] == 30
    assert m["command"] == ["pausesim", "compare"]
    assert m["started_at"] <= m["finished_at"]
    listed = {f["path"]: f for f in m["files"]}
    assert set(listed) == {p.name for p in out.iterdir()} - {MANIFEST}
    sc = out / "scenario.toml"
    assert listed["scenario.toml"]["bytes"] == sc.stat().st_size
    assert listed["scenario.toml"]["sha256"] == hashlib.sha256(sc.read_bytes()).hexdigest()


def test_the_cli_records_its_command_line(tmp_path):
    out = tmp_path / "R"
    r = runner.invoke(app, ["run", "essay-realistic", "-n", "20", "--keep", "none", "-o", str(out)])
    assert r.exit_code == 0, r.output
    m = read_manifest(out)
    assert m["keep"] == "none" and m["chunk_size"] == 5000 and m["command"]


def test_load_result_refuses_an_incomplete_or_altered_folder(tmp_path, small_run):
    out = tmp_path / "R"
    save_result(small_run, out, trajectories=False)
    saved = load_result(out)
    assert saved.scenario == small_run.scenario
    assert np.allclose(
        saved.table("metrics_policy")["danger_year"],
        small_run.metrics["danger_year"].values,
        equal_nan=True,
    )
    (out / "extra.csv").write_text("x\n")
    with pytest.raises(ResultFolderError, match="extra.csv: not listed"):
        load_result(out)
    (out / "extra.csv").unlink()
    with (out / "summary.csv").open("a") as f:
        f.write("tampered\n")
    with pytest.raises(ResultFolderError, match="summary.csv: size or SHA-256 differs"):
        load_result(out)
    (out / MANIFEST).unlink()
    with pytest.raises(ResultFolderError, match="no manifest.json"):
        load_result(out)
    (out / MANIFEST).write_text(json.dumps({"format": "something else"}))
    with pytest.raises(ResultFolderError, match="not a pausesim results manifest"):
        load_result(out)


def test_a_saved_folder_reruns_to_the_same_numbers(tmp_path):
    first = simulate(S.load("essay-realistic", samples=40, seed=3), chunk_size=25, keep="none")
    out = tmp_path / "R"
    save_result(first, out)
    saved = load_result(out)
    again = simulate(saved.scenario, chunk_size=saved.manifest["chunk_size"], keep="none")
    pd.testing.assert_frame_equal(
        saved.table("metrics_policy"),
        load_result(save_result(again, tmp_path / "R2")[0].parent).table("metrics_policy"),
    )


# -- analysis folders ---------------------------------------------------------------------------


def test_analysis_folders_are_written_as_a_unit(tmp_path):
    out = tmp_path / "A"
    frame = pd.DataFrame({"parameter": ["a", "b"], "value": [1.0, 2.0]})
    write_analyses({"one": (frame, {"seed": 1}), "two": (frame, {"seed": 1})}, out)
    assert {p.name for p in out.iterdir()} == {
        "one.csv",
        "one.parquet",
        "one.json",
        "two.csv",
        "two.parquet",
        "two.json",
        MANIFEST,
    }
    files = write_analysis(frame, out, "sweep", {"seed": 2})
    assert sorted(p.name for p in out.iterdir()) == sorted(p.name for p in files)
    assert read_manifest(out)["tables"] == ["sweep"]
    assert leftovers(out) == []
