import functools
import http.server
import os
import threading
from pathlib import Path

import pandas as pd
import pytest

from pausesim.calibration import CalibrationError, calibrate, load_epoch
from pausesim.calibration.data import read_hardware, read_models, snapshot_path

UNREACHABLE = "http://127.0.0.1:9/"  # a closed port

MODELS_HEADER = (
    "Model,Organization,Publication date,Training compute (FLOP),Training compute cost (2023 USD)\n"
)


def test_shared_data_loads_and_counts_what_it_excludes(shared_data):
    m, h = shared_data.models, shared_data.hardware
    assert len(m) == 988  # the README: 1,892 rows, 988 with compute
    ex = shared_data.exclusion_table().set_index(["file", "reason"])["rows"]
    assert ex[("notable_models.csv", "no training compute")] == 1892 - 988
    raw = pd.read_csv(shared_data.sources["hardware"].removeprefix("directory "))
    assert len(h) + ex.loc["ml_hardware.csv"].sum() == len(raw)  # nothing dropped uncounted
    assert (m["compute_flop"] > 0).all() and m["date"].notna().all()
    assert m["cost_usd"].notna().sum() == 156 and (m["cost_usd"].dropna() > 0).all()
    assert (h["price_usd"] > 0).all() and not h["type"].str.contains("CPU").any()


def test_the_shipped_snapshot_is_small_attributed_and_gives_the_same_fits(shared_calibration):
    folder = snapshot_path("models").parent
    assert sum(f.stat().st_size for f in folder.iterdir()) < 150_000
    assert "CC-BY 4.0" in (folder / "README.md").read_text()
    snap = load_epoch(download_missing=False)
    assert set(snap.sources.values()) == {"snapshot 2026-04-01"}
    cal = calibrate(snap)
    for fit, full in zip(cal.fits, shared_calibration.fits, strict=True):
        assert (fit.trend, fit.n, fit.selection) == (full.trend, full.n, full.selection)
        assert fit.growth_median == pytest.approx(full.growth_median, rel=1e-12)
        assert fit.growth_p5 == pytest.approx(full.growth_p5, rel=1e-12)


def test_a_missing_column_is_named_with_its_file(tmp_path):
    f = tmp_path / "notable_ai_models.csv"
    f.write_text("Model,Publication date,Training compute (FLOP)\nx,2020-01-01,1e20\n")
    with pytest.raises(CalibrationError, match=r"notable_ai_models.csv.*'Training compute cost"):
        read_models(f)
    f.write_text(MODELS_HEADER + "x,o,2020-01-01,1e20,\n")
    (tmp_path / "ml_hardware.csv").write_text("Hardware name,Type\n")
    with pytest.raises(
        CalibrationError,
        match=r"ml_hardware.csv: missing required columns 'Release date', 'Release price",
    ):
        load_epoch(tmp_path)


def test_a_data_dir_without_the_files_is_an_error(tmp_path):
    with pytest.raises(CalibrationError, match="no models file"):
        load_epoch(tmp_path)


def test_bad_rows_are_counted_with_their_reason(tmp_path):
    f = tmp_path / "m.csv"
    f.write_text(
        MODELS_HEADER
        + "a,o,2020-01-01,1e20,$1000.00\n"
        + "b,o,,1e20,\n"
        + "c,o,not a date,1e20,\n"
        + "d,o,2020-02-01,,\n"
        + "e,o,2020-03-01,-5,\n"
        + 'f,o,2020-04-01,2e20,"$1,500.00"\n'
        + "g,o,2020-05-01,3e20,$0.00\n"
    )
    models, ex = read_models(f)
    assert models["model"].tolist() == ["a", "f", "g"]
    assert models["cost_usd"].tolist()[:2] == [1000.0, 1500.0] and pd.isna(models["cost_usd"][2])
    counts = {e.reason: e.rows for e in ex}
    assert counts == {
        "no or unparseable publication date": 2,
        "no training compute": 1,
        "non-positive training compute": 1,
        "unparseable or non-positive cost (kept, cost treated as unknown)": 1,
    }
    assert models["order"].tolist() == [0, 5, 6]
    h = tmp_path / "h.csv"
    h.write_text(
        "Hardware name,Type,Release date,Release price (USD),"
        "FP32 (single precision) performance (FLOP/s)\n"
        "cpu,CPU,2020-01-01,$100,1e12\ngpu,GPU,2020-01-01,$100,1e13\n"
        "nodate,GPU,,$100,1e13\nfree,GPU,2020-01-01,$0,1e13\nnoprice,GPU,2020-01-01,,1e13\n"
        "slow,GPU,2020-01-01,$10,\n"
    )
    hw, ex = read_hardware(h)
    assert hw["name"].tolist() == ["gpu"] and hw["fp32"].tolist() == [1e13]
    assert sum(e.rows for e in ex) == 5


def _serve(directory: Path):
    handler = functools.partial(http.server.SimpleHTTPRequestHandler, directory=str(directory))
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    return server


def test_download_into_the_cache_from_a_local_server(tmp_path, shared_dir):
    site = tmp_path / "site"
    site.mkdir()
    (site / "models.csv").write_bytes((shared_dir / "notable_models.csv").read_bytes())
    (site / "hw.csv").write_bytes((shared_dir / "ml_hardware.csv").read_bytes())
    server = _serve(site)
    try:
        base = f"http://127.0.0.1:{server.server_address[1]}/"
        cache = tmp_path / "c"
        urls = {"models": base + "models.csv", "hardware": base + "hw.csv"}
        data = load_epoch(cache=cache, urls=urls)
        assert data.sources["models"].startswith("downloaded ")
        assert (cache / "notable_ai_models.csv").read_bytes() == (site / "models.csv").read_bytes()
        assert len(data.models) == 988
        assert not [p for p in cache.iterdir() if p.name.startswith(".")]  # no temporaries left
        # second use: the cache, no download (the server may be gone)
        server.shutdown()
        again = load_epoch(cache=cache, urls={k: UNREACHABLE for k in urls})
        assert again.sources["models"] == f"cache {cache / 'notable_ai_models.csv'}"
        assert again.messages == ()
        # a file that is not the dataset (e.g. an HTML error page) is never cached
        server = _serve(site)
        (site / "page.csv").write_text("<html>Not the data</html>\n")
        bad = f"http://127.0.0.1:{server.server_address[1]}/page.csv"
        other = load_epoch(cache=tmp_path / "c2", urls={"models": bad, "hardware": bad})
        assert not (tmp_path / "c2" / "notable_ai_models.csv").exists()
        assert "missing required column" in other.messages[0]
        assert other.sources["models"] == "snapshot 2026-04-01"
    finally:
        server.shutdown()


def test_offline_fallback_to_the_snapshot_with_a_clear_message(tmp_path):
    cache = tmp_path / "empty"
    data = load_epoch(cache=cache, urls={"models": UNREACHABLE, "hardware": UNREACHABLE}, timeout=2)
    assert data.sources == {"models": "snapshot 2026-04-01", "hardware": "snapshot 2026-04-01"}
    assert len(data.messages) == 2
    assert all(
        "cannot download http://127.0.0.1:9/" in m and "snapshot" in m for m in data.messages
    )
    assert not cache.exists() or not any(cache.iterdir())
    assert len(data.models) == 988


def test_cache_directory_follows_the_environment(monkeypatch, tmp_path):
    from pausesim.calibration.data import cache_dir

    monkeypatch.setenv("PAUSESIM_CACHE_DIR", str(tmp_path / "x"))
    assert cache_dir() == tmp_path / "x"
    monkeypatch.delenv("PAUSESIM_CACHE_DIR")
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "xdg"))
    assert cache_dir() == tmp_path / "xdg" / "pausesim" / "epoch"
    monkeypatch.delenv("XDG_CACHE_HOME")
    assert cache_dir() == Path(os.path.expanduser("~")) / ".cache" / "pausesim" / "epoch"


def test_the_shipped_snapshot_is_cut_from_the_shared_data_unchanged(shared_dir, tmp_path):
    """`write_snapshot` regenerates the shipped offline fallback byte for byte."""
    from pausesim.calibration.data import FILENAMES, snapshot_path, write_snapshot

    write_snapshot(shared_dir, tmp_path)
    for kind in ("models", "hardware"):
        made = (tmp_path / FILENAMES[kind][0]).read_bytes()
        assert made == snapshot_path(kind).read_bytes()
