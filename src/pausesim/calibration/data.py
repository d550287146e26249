"""Epoch AI's public datasets: find, download, cache, validate and clean them.

Two datasets are used, both CC-BY 4.0 (Epoch AI): "Data on Notable AI Models" and "Data on
Machine Learning Hardware". :func:`load_epoch` looks for each CSV, in order,

1. in an explicit directory (``data_dir``; the ``--data DIR`` option of ``pausesim calibrate``),
2. in the user cache (:func:`cache_dir`),
3. on Epoch's website, downloading it into the cache on first use (atomic write),
4. in the small snapshot shipped inside the package (``calibration/snapshot/``), when the
   download fails — with a message saying so.

Cleaning never drops a row silently: every excluded row is counted with its reason in
:attr:`EpochData.exclusions`.
"""

from __future__ import annotations

import io
import os
import urllib.error
import urllib.request
from dataclasses import dataclass, field
from importlib import resources
from pathlib import Path

import numpy as np
import pandas as pd

from pausesim.calibration.errors import CalibrationError
from pausesim.io.atomic import atomic_write

#: Public CSV downloads of the live datasets (updated daily by Epoch AI).
NOTABLE_MODELS_URL = "https://epoch.ai/data/notable_ai_models.csv"
ML_HARDWARE_URL = "https://epoch.ai/data/ml_hardware.csv"

#: Environment variables that replace the download URLs (mirrors, or a changed Epoch address).
URL_ENV = {"models": "PAUSESIM_EPOCH_MODELS_URL", "hardware": "PAUSESIM_EPOCH_HARDWARE_URL"}

#: File names, in the cache and the snapshot first; other accepted names in a ``data_dir``.
FILENAMES = {
    "models": ("notable_ai_models.csv", "notable_models.csv"),
    "hardware": ("ml_hardware.csv",),
}

MODEL_COLUMNS = {
    "model": "Model",
    "organization": "Organization",
    "date": "Publication date",
    "compute_flop": "Training compute (FLOP)",
    "cost_usd": "Training compute cost (2023 USD)",
}
#: Columns a models file must have (``Organization`` is optional).
MODEL_REQUIRED = ("model", "date", "compute_flop", "cost_usd")

HARDWARE_COLUMNS = {
    "name": "Hardware name",
    "manufacturer": "Manufacturer",
    "type": "Type",
    "date": "Release date",
    "price_usd": "Release price (USD)",
    "fp32": "FP32 (single precision) performance (FLOP/s)",
    "fp16": "FP16 (half precision) performance (FLOP/s)",
    "tf32": "TF32 (TensorFloat-32) performance (FLOP/s)",
    "tensor16": "Tensor-FP16/BF16 performance (FLOP/s)",
    "fp8": "FP8 performance (FLOP/s)",
    "int8": "INT8 performance (OP/s)",
}
HARDWARE_REQUIRED = ("name", "type", "date", "price_usd", "fp32")
#: Throughput columns kept in the snapshot (missing ones are read as empty).
THROUGHPUT = ("fp32", "fp16", "tf32", "tensor16", "fp8", "int8")

SNAPSHOT_DATE = "2026-04-01"
CITATION = (
    "Epoch AI, 'Data on Notable AI Models' and 'Data on Machine Learning Hardware', CC-BY 4.0"
)


@dataclass(frozen=True)
class Exclusion:
    """Rows of one file left out of the fits, and why."""

    file: str
    reason: str
    rows: int


@dataclass(frozen=True)
class EpochData:
    """The two cleaned datasets, where they came from, and what was excluded.

    Attributes
    ----------
    models
        One row per notable model with a publication date and a positive training compute:
        ``model, organization, date, year, compute_flop, cost_usd`` (cost NaN when unknown)
        and ``order``, the row's position in the file (breaks ties between same-day models).
    hardware
        One row per accelerator (any type but CPUs) with a release date, a positive release
        price and some throughput: ``name, manufacturer, type, date, year, price_usd`` and the
        throughput columns in FLOP/s (``fp32, fp16, tf32, tensor16, fp8, int8``).
    sources
        Per dataset (``models``, ``hardware``): a description of the file used.
    exclusions
        Every reason rows were excluded, with the count.
    messages
        Notes for the user, e.g. that a download failed and the snapshot was used.
    """

    models: pd.DataFrame = field(repr=False)
    hardware: pd.DataFrame = field(repr=False)
    sources: dict[str, str]
    exclusions: tuple[Exclusion, ...] = ()
    messages: tuple[str, ...] = ()

    def exclusion_table(self) -> pd.DataFrame:
        """The exclusions as a table: file, reason, rows."""
        return pd.DataFrame(
            [(e.file, e.reason, e.rows) for e in self.exclusions],
            columns=["file", "reason", "rows"],
        )


# -- locating and downloading -------------------------------------------------------------------


def cache_dir() -> Path:
    """Directory of the cached Epoch CSVs.

    ``$PAUSESIM_CACHE_DIR`` if set (used as is), else ``$XDG_CACHE_HOME/pausesim/epoch``, else
    ``~/.cache/pausesim/epoch``.
    """
    explicit = os.environ.get("PAUSESIM_CACHE_DIR")
    if explicit:
        return Path(explicit).expanduser()
    xdg = os.environ.get("XDG_CACHE_HOME")
    base = Path(xdg).expanduser() if xdg else Path.home() / ".cache"
    return base / "pausesim" / "epoch"


def dataset_url(kind: str) -> str:
    """Download URL of a dataset (``models`` or ``hardware``), overridable by environment."""
    default = NOTABLE_MODELS_URL if kind == "models" else ML_HARDWARE_URL
    return os.environ.get(URL_ENV[kind]) or default


def snapshot_path(kind: str) -> Path:
    """Path of the shipped snapshot CSV of a dataset."""
    ref = resources.files("pausesim.calibration").joinpath("snapshot").joinpath(FILENAMES[kind][0])
    return Path(str(ref))


def download(url: str, dest: Path, kind: str, timeout: float = 15.0) -> Path:
    """Download a dataset CSV to ``dest`` atomically, after checking its columns.

    Raises
    ------
    CalibrationError
        If the download fails or the file lacks a required column; ``dest`` is then untouched.
    """
    request = urllib.request.Request(url, headers={"User-Agent": "pausesim-calibrate"})
    try:
        with urllib.request.urlopen(request, timeout=timeout) as response:
            payload = response.read()
    except (urllib.error.URLError, OSError, ValueError) as err:
        reason = getattr(err, "reason", None) or err
        raise CalibrationError(f"cannot download {url}: {reason}") from None
    header = pd.read_csv(io.BytesIO(payload), nrows=0, encoding_errors="replace")
    _check_columns(header.columns, kind, f"download from {url}")
    with atomic_write(dest) as tmp:
        tmp.write_bytes(payload)
    return dest


def _find(directory: Path, kind: str) -> Path | None:
    for name in FILENAMES[kind]:
        if (directory / name).is_file():
            return directory / name
    return None


def locate(
    kind: str,
    data_dir: str | os.PathLike[str] | None = None,
    *,
    cache: str | os.PathLike[str] | None = None,
    url: str | None = None,
    download_missing: bool = True,
    refresh: bool = False,
    timeout: float = 15.0,
) -> tuple[Path, str, str | None]:
    """Find the CSV of one dataset: explicit directory, cache, download, else the snapshot.

    Returns
    -------
    path, source, message
        The file, a description of where it came from, and a note for the user (or None).

    Raises
    ------
    CalibrationError
        If ``data_dir`` is given but holds no file of that dataset.
    """
    if data_dir is not None:
        directory = Path(data_dir)
        found = _find(directory, kind)
        if found is None:
            raise CalibrationError(
                f"{directory}: no {kind} file; expected one of {', '.join(FILENAMES[kind])}"
            )
        return found, f"directory {found}", None
    cache_path = Path(cache) if cache is not None else cache_dir()
    target = cache_path / FILENAMES[kind][0]
    if target.is_file() and not refresh:
        return target, f"cache {target}", None
    if download_missing:
        url = url or dataset_url(kind)
        try:
            download(url, target, kind, timeout)
            return target, f"downloaded {url} to {target}", f"downloaded {url} to {target}"
        except CalibrationError as err:
            if target.is_file():  # a refresh failed: keep the cached copy
                return target, f"cache {target}", f"{err}; using the cached copy {target}"
            note = f"{err}; using the snapshot shipped with pausesim ({SNAPSHOT_DATE})"
            return snapshot_path(kind), f"snapshot {SNAPSHOT_DATE}", note
    return snapshot_path(kind), f"snapshot {SNAPSHOT_DATE}", None


def load_epoch(
    data_dir: str | os.PathLike[str] | None = None,
    *,
    cache: str | os.PathLike[str] | None = None,
    urls: dict[str, str] | None = None,
    download_missing: bool = True,
    refresh: bool = False,
    timeout: float = 15.0,
) -> EpochData:
    """Load and clean both datasets (see the module docstring for where they are looked for).

    Parameters
    ----------
    data_dir
        Directory holding ``notable_ai_models.csv`` (or ``notable_models.csv``) and
        ``ml_hardware.csv``; when given, nothing else is tried.
    cache
        Cache directory (default :func:`cache_dir`).
    urls
        Download URLs per dataset (``models``, ``hardware``), replacing :func:`dataset_url`.
    download_missing
        Whether to download a dataset missing from the cache (else use the snapshot).
    refresh
        Download again even if the cache has the file.
    timeout
        Seconds to wait for each download.

    Raises
    ------
    CalibrationError
        If a file cannot be read or lacks a required column (the file and column are named).
    """
    urls = urls or {}
    paths, sources, messages = {}, {}, []
    for kind in ("models", "hardware"):
        path, source, note = locate(
            kind,
            data_dir,
            cache=cache,
            url=urls.get(kind),
            download_missing=download_missing,
            refresh=refresh,
            timeout=timeout,
        )
        paths[kind], sources[kind] = path, source
        if note:
            messages.append(note)
    models, ex_models = read_models(paths["models"])
    hardware, ex_hardware = read_hardware(paths["hardware"])
    return EpochData(models, hardware, sources, ex_models + ex_hardware, tuple(messages))


# -- reading and cleaning -----------------------------------------------------------------------


def _check_columns(columns, kind: str, where: str) -> None:
    names = MODEL_COLUMNS if kind == "models" else HARDWARE_COLUMNS
    required = MODEL_REQUIRED if kind == "models" else HARDWARE_REQUIRED
    missing = [names[k] for k in required if names[k] not in set(columns)]
    if missing:
        raise CalibrationError(
            f"{where}: missing required column{'s' if len(missing) > 1 else ''} "
            + ", ".join(f"'{m}'" for m in missing)
        )


def _read_csv(path: Path, kind: str) -> pd.DataFrame:
    try:
        raw = pd.read_csv(path, dtype=str, keep_default_na=False, na_values=[""])
    except FileNotFoundError:
        raise CalibrationError(f"{path}: file not found") from None
    except (OSError, UnicodeDecodeError, pd.errors.ParserError, pd.errors.EmptyDataError) as e:
        raise CalibrationError(f"{path}: cannot read as CSV ({e})") from None
    _check_columns(raw.columns, kind, str(path))
    return raw


def usd(values: pd.Series) -> pd.Series:
    """Dollar strings like ``"$6770000.00"`` or ``"1,234"`` as floats (NaN when empty)."""
    text = values.astype("string").str.replace("$", "", regex=False).str.replace(",", "")
    return pd.to_numeric(text.str.strip(), errors="coerce").astype(float)


def number(values: pd.Series) -> pd.Series:
    """Numeric strings as floats (NaN when empty or unparseable)."""
    return pd.to_numeric(values.astype("string").str.strip(), errors="coerce").astype(float)


def decimal_year(dates: pd.Series) -> np.ndarray:
    """Dates as decimal years: ``year + (day_of_year - 1) / 365.25``."""
    d = pd.to_datetime(dates)
    return (d.dt.year + (d.dt.day_of_year - 1) / 365.25).to_numpy(dtype=float)


def _count(mask: np.ndarray, file: str, reason: str) -> list[Exclusion]:
    n = int(np.count_nonzero(mask))
    return [Exclusion(file, reason, n)] if n else []


def read_models(path: str | os.PathLike[str]) -> tuple[pd.DataFrame, tuple[Exclusion, ...]]:
    """Read and clean a notable-models CSV.

    Rows without a parseable publication date, without a training compute, or with a
    non-positive one are excluded and counted. A missing, unparseable or non-positive cost
    keeps the row with cost NaN (non-positive and unparseable costs are counted).
    """
    path = Path(path)
    raw = _read_csv(path, "models")
    col = MODEL_COLUMNS
    date = pd.to_datetime(raw[col["date"]], errors="coerce", format="mixed")
    compute = number(raw[col["compute_flop"]])
    cost = usd(raw[col["cost_usd"]])
    no_date = date.isna().to_numpy()
    no_compute = ~no_date & compute.isna().to_numpy()
    bad_compute = ~no_date & ~no_compute & (compute <= 0).to_numpy()
    keep = ~(no_date | no_compute | bad_compute)
    cost_text = raw[col["cost_usd"]].notna().to_numpy()
    bad_cost = keep & cost_text & ~(cost > 0).to_numpy()
    name = path.name
    exclusions = (
        _count(no_date, name, "no or unparseable publication date")
        + _count(no_compute, name, "no training compute")
        + _count(bad_compute, name, "non-positive training compute")
        + _count(bad_cost, name, "unparseable or non-positive cost (kept, cost treated as unknown)")
    )
    org = raw[col["organization"]] if col["organization"] in raw else pd.Series("", index=raw.index)
    out = pd.DataFrame(
        {
            "model": raw[col["model"]].fillna(""),
            "organization": org.fillna(""),
            "date": date,
            "compute_flop": compute,
            "cost_usd": cost.where(cost > 0),
            "order": np.arange(len(raw)),
        }
    )[keep].reset_index(drop=True)
    out.insert(3, "year", decimal_year(out["date"]))
    return out, tuple(exclusions)


def _is_cpu(types: pd.Series) -> np.ndarray:
    return types.fillna("").str.contains("CPU", case=False, regex=False).to_numpy()


def read_hardware(path: str | os.PathLike[str]) -> tuple[pd.DataFrame, tuple[Exclusion, ...]]:
    """Read and clean an ML-hardware CSV: accelerators with a release date, price and throughput.

    CPUs, rows without a parseable release date, without a release price, with a non-positive
    price, or without any positive throughput are excluded and counted, in that order.
    """
    path = Path(path)
    raw = _read_csv(path, "hardware")
    col = HARDWARE_COLUMNS
    date = pd.to_datetime(raw[col["date"]], errors="coerce", format="mixed")
    price = usd(raw[col["price_usd"]])
    through = {
        k: number(raw[col[k]]).where(lambda s: s > 0)
        if col[k] in raw
        else pd.Series(np.nan, index=raw.index)
        for k in THROUGHPUT
    }
    cpu = _is_cpu(raw[col["type"]])
    no_date = ~cpu & date.isna().to_numpy()
    rest = ~cpu & ~no_date
    no_price = rest & price.isna().to_numpy()
    bad_price = rest & ~no_price & ~(price > 0).to_numpy()
    rest = rest & ~no_price & ~bad_price
    any_flops = pd.DataFrame(through).notna().any(axis=1).to_numpy()
    no_flops = rest & ~any_flops
    keep = rest & any_flops
    name = path.name
    exclusions = (
        _count(cpu, name, "CPU (not an accelerator)")
        + _count(no_date, name, "no or unparseable release date")
        + _count(no_price, name, "no release price")
        + _count(bad_price, name, "non-positive release price")
        + _count(no_flops, name, "no throughput")
    )
    manufacturer = raw[col["manufacturer"]] if col["manufacturer"] in raw else ""
    out = pd.DataFrame(
        {
            "name": raw[col["name"]].fillna(""),
            "manufacturer": manufacturer,
            "type": raw[col["type"]].fillna(""),
            "date": date,
            "price_usd": price,
            **through,
        }
    )[keep].reset_index(drop=True)
    out["manufacturer"] = out["manufacturer"].fillna("")
    out.insert(4, "year", decimal_year(out["date"]))
    return out, tuple(exclusions)


# -- the shipped snapshot -----------------------------------------------------------------------


def write_snapshot(source_dir: str | os.PathLike[str], dest_dir: str | os.PathLike[str]) -> None:
    """Cut the minimal snapshot shipped in ``calibration/snapshot/`` from full Epoch CSVs.

    Keeps the columns the fits need, notable models with a publication date and a positive
    training compute, and accelerators with a release price (file order is preserved: it breaks
    ties in the frontier rank).
    """
    source, dest = Path(source_dir), Path(dest_dir)
    dest.mkdir(parents=True, exist_ok=True)
    models_path = _find(source, "models")
    hw_path = _find(source, "hardware")
    if models_path is None or hw_path is None:
        raise CalibrationError(f"{source}: needs a models and a hardware CSV")
    models = _read_csv(models_path, "models")
    keep = pd.to_datetime(models[MODEL_COLUMNS["date"]], errors="coerce").notna() & (
        number(models[MODEL_COLUMNS["compute_flop"]]) > 0
    )
    cols = [c for c in MODEL_COLUMNS.values() if c in models]
    models.loc[keep, cols].to_csv(dest / FILENAMES["models"][0], index=False)
    hw = _read_csv(hw_path, "hardware")
    keep = ~_is_cpu(hw[HARDWARE_COLUMNS["type"]]) & (usd(hw[HARDWARE_COLUMNS["price_usd"]]) > 0)
    cols = [c for c in HARDWARE_COLUMNS.values() if c in hw]
    hw.loc[keep, cols].to_csv(dest / FILENAMES["hardware"][0], index=False)
