from pathlib import Path

import pytest

SHARED = Path(__file__).resolve().parents[2].parent / "shared" / "data" / "epoch"
#: A closed port: connecting fails at once, so no test can reach the network.
UNREACHABLE = "http://127.0.0.1:9/"


@pytest.fixture(autouse=True)
def _no_network(monkeypatch, tmp_path):
    """Every test gets an empty cache and download URLs that cannot be reached."""
    monkeypatch.setenv("PAUSESIM_CACHE_DIR", str(tmp_path / "cache"))
    monkeypatch.setenv("PAUSESIM_EPOCH_MODELS_URL", UNREACHABLE + "notable_ai_models.csv")
    monkeypatch.setenv("PAUSESIM_EPOCH_HARDWARE_URL", UNREACHABLE + "ml_hardware.csv")


@pytest.fixture(scope="session")
def shared_dir() -> Path:
    if not (SHARED / "notable_models.csv").is_file():
        pytest.skip(f"Epoch data snapshots not found in {SHARED}")
    return SHARED


@pytest.fixture(scope="session")
def shared_data(shared_dir):
    from pausesim.calibration import load_epoch

    return load_epoch(shared_dir)


@pytest.fixture(scope="session")
def shared_calibration(shared_data):
    from pausesim.calibration import calibrate

    return calibrate(shared_data)
