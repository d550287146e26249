"""The playground's HTTP layer: a FastAPI app with a JSON API and one static page.

Limits (``docs/web.md``): request bodies over :data:`MAX_BODY_BYTES` get 413; samples are
capped per endpoint (:data:`pausesim.web.service.SAMPLE_CAPS`, 422 above); one simulation runs
at a time per process, in a worker thread, and a request that cannot finish within the
timeout gets 503 (still waiting for an earlier one) or 504 (its own run is too slow). Every
field is validated; errors name it. No request can make the server read a file or evaluate
code: scenarios come from the shipped presets or from the request's TOML, parsed as data.
"""

from __future__ import annotations

import asyncio
import contextlib
import io
import threading
import time
from concurrent.futures import ThreadPoolExecutor
from importlib import resources
from pathlib import Path
from typing import Any

from fastapi import FastAPI, HTTPException, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import FileResponse, JSONResponse, Response
from fastapi.staticfiles import StaticFiles
from pydantic import BaseModel, ConfigDict, Field

from pausesim import __version__
from pausesim.web import service
from pausesim.web.service import SAMPLE_CAPS, RequestError, Runs

#: Largest request body accepted (bytes); larger ones get 413.
MAX_BODY_BYTES = 64 * 1024
#: Seconds a request may take, waiting for the simulation lock included.
DEFAULT_TIMEOUT = 30.0
#: Most overrides one request may carry.
MAX_OVERRIDES = 100

OverrideValue = str | bool | int | float


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid")


class PolicyRequest(_Strict):
    """A second policy: a preset's policy with ``policy.*`` overrides, on the first's worlds."""

    preset: str = Field(max_length=100, description="shipped preset whose policy to take")
    overrides: dict[str, OverrideValue] = Field(
        default_factory=dict,
        max_length=MAX_OVERRIDES,
        description="policy fields in the dotted form of --set, e.g. policy.end.duration_years",
    )


class ScenarioRequest(_Strict):
    """A scenario: a shipped preset (or TOML text) with overrides, samples and seed."""

    preset: str | None = Field(
        None, max_length=100, description="a shipped preset name (GET /api/scenarios)"
    )
    toml: str | None = Field(
        None, max_length=MAX_BODY_BYTES, description="a whole scenario as TOML text, instead"
    )
    overrides: dict[str, OverrideValue] = Field(
        default_factory=dict,
        max_length=MAX_OVERRIDES,
        description="fields in the dotted form of the command line's --set: "
        "'alg_halving_months': 6, 'policy.end.duration_years': 3, or TOML text such as "
        "'{kind=\"lognormal\", p5=6, p95=12}'; 'none' resets a field to its default",
    )
    seed: int | None = Field(None, ge=0, le=2**63 - 1, description="random seed")


class RunRequest(ScenarioRequest):
    """One policy on the scenario's worlds."""

    samples: int | None = Field(None, ge=1, le=SAMPLE_CAPS["run"], description="sampled worlds")


class CompareRequest(ScenarioRequest):
    """The scenario's policy against no pause, and optionally against a second policy."""

    samples: int | None = Field(None, ge=1, le=SAMPLE_CAPS["compare"], description="sampled worlds")
    policy_b: PolicyRequest | None = Field(
        None, description="a second policy, compared on the same worlds (policy A against B)"
    )


class TornadoRequest(ScenarioRequest):
    """The tornado: each main crux parameter at its 5th and 95th percentile."""

    samples: int = Field(200, ge=10, le=SAMPLE_CAPS["tornado"], description="worlds per run")
    worldview: str | None = Field(None, max_length=100, description="default: every one")
    parameters: list[str] | None = Field(
        None,
        min_length=1,
        max_length=20,
        description="parameters to move (default: the page's main cruxes)",
    )


class CruxRequest(ScenarioRequest):
    """The crux finder on one comparison: which parameter ranges flip the verdict."""

    samples: int = Field(1000, ge=50, le=SAMPLE_CAPS["cruxes"], description="sampled worlds")
    boot: int = Field(20, ge=0, le=100, description="bootstrap resamples of each threshold")


# -- limits -------------------------------------------------------------------------------------


class BodyLimit:
    """ASGI middleware: 413 for a body over ``max_bytes`` (declared or streamed)."""

    def __init__(self, app, max_bytes: int = MAX_BODY_BYTES) -> None:
        self.app = app
        self.max_bytes = max_bytes

    async def __call__(self, scope, receive, send):
        if scope["type"] != "http":
            return await self.app(scope, receive, send)
        headers = dict(scope.get("headers") or [])
        declared = headers.get(b"content-length")
        if declared is not None:
            try:
                size = int(declared)
            except ValueError:
                size = -1
            if size < 0 or size > self.max_bytes:
                return await _too_large(self.max_bytes, size)(scope, receive, send)
        seen = 0

        async def limited():
            nonlocal seen
            message = await receive()
            if message["type"] == "http.request":
                seen += len(message.get("body", b""))
                if seen > self.max_bytes:
                    raise HTTPException(413, _too_large_text(self.max_bytes, seen))
            return message

        return await self.app(scope, limited, send)


def _too_large_text(limit: int, size: int) -> str:
    got = f"{size:,} bytes" if size >= 0 else "an invalid Content-Length"
    return f"request body: at most {limit:,} bytes ({limit // 1024} KiB) are accepted, got {got}"


def _too_large(limit: int, size: int) -> JSONResponse:
    text = _too_large_text(limit, size)
    return JSONResponse({"message": text, "detail": [{"field": "", "message": text}]}, 413)


class Gate:
    """One simulation at a time, in a worker thread, within a deadline."""

    def __init__(self, timeout: float = DEFAULT_TIMEOUT) -> None:
        self.timeout = timeout
        self.lock = threading.Lock()
        self.pool = ThreadPoolExecutor(max_workers=4, thread_name_prefix="pausesim-web")

    async def run(self, fn, *args):
        """``fn(*args)`` in a worker thread, raising 503 or 504 past the deadline."""
        start = time.monotonic()
        state = {"started": False}

        def job():
            if not self.lock.acquire(timeout=self.timeout):
                raise _Busy()
            try:
                state["started"] = True
                if time.monotonic() - start > self.timeout:
                    raise _Busy()
                return fn(*args)
            finally:
                self.lock.release()

        future = asyncio.get_running_loop().run_in_executor(self.pool, job)
        future.add_done_callback(_consume)  # an abandoned run's error is not logged as lost
        try:
            return await asyncio.wait_for(asyncio.shield(future), self.timeout)
        except _Busy:
            raise HTTPException(
                503,
                f"the server is busy with earlier simulations and could not start this one "
                f"within {self.timeout:g} s; try again, or with fewer samples",
            ) from None
        except TimeoutError:
            if not state["started"]:
                raise HTTPException(
                    503,
                    f"the server is busy with earlier simulations and could not start this one "
                    f"within {self.timeout:g} s; try again, or with fewer samples",
                ) from None
            raise HTTPException(
                504,
                f"the simulation took longer than the server's limit of {self.timeout:g} s; "
                "lower samples (or run it with the command line, which has no limit)",
            ) from None


class _Busy(Exception):
    pass


def _consume(future) -> None:
    if not future.cancelled():
        future.exception()


# -- the app ------------------------------------------------------------------------------------


def _static_dir() -> Path:
    return Path(str(resources.files("pausesim.web").joinpath("static")))


def _plotly_js() -> Path:
    import plotly

    path = Path(plotly.__file__).parent / "package_data" / "plotly.min.js"
    if not path.is_file():
        raise RuntimeError(f"plotly.min.js is missing from the plotly package ({path})")
    return path


def create_app(
    timeout: float = DEFAULT_TIMEOUT,
    cache_size: int = 16,
    processes: int = 0,
    backend: str = "numpy",
) -> FastAPI:
    """The playground app: JSON API under ``/api``, the page at ``/``, OpenAPI at ``/docs``.

    ``processes`` worker processes (0: none) simulate a comparison's two runs at the same
    time; they start with the app and stop when it shuts down. ``backend`` is the engines'
    array backend (:mod:`pausesim.backend`); ``"jax"`` builds its programs at start-up.
    """
    holder: dict = {}

    @contextlib.asynccontextmanager
    async def lifespan(_app):
        yield
        holder["engine"].close()

    app = FastAPI(
        lifespan=lifespan,
        title="pausesim playground",
        version=__version__,
        description="Simulate AI development under AI-pause policies: the delay a pause buys, "
        "the overhang and capability jump when it lifts, who holds the frontier, and the "
        "risk under several worldviews. Requests name a shipped preset and override fields "
        "in the dotted form of the command line's --set.",
    )
    app.add_middleware(BodyLimit, max_bytes=MAX_BODY_BYTES)
    gate = Gate(timeout)
    engine = service.Engine(cache_size, processes, backend)
    app.state.gate = gate
    app.state.engine = engine
    holder["engine"] = engine

    @app.exception_handler(RequestError)
    async def _request_error(request: Request, err: RequestError):
        detail = [{"field": f, "message": m} for f, m in err.errors]
        text = "; ".join(f"{f}: {m}" if f else m for f, m in err.errors)
        return JSONResponse({"message": text, "detail": detail}, err.status)

    @app.exception_handler(RequestValidationError)
    async def _validation_error(request: Request, err: RequestValidationError):
        detail = []
        for e in err.errors():
            loc = [str(x) for x in e["loc"] if x not in ("body",)]
            field = ".".join(loc)
            detail.append({"field": field, "message": _plain(e)})
        text = "; ".join(
            f"{d['field']}: {d['message']}" if d["field"] else d["message"] for d in detail
        )
        return JSONResponse({"message": text, "detail": detail}, 422)

    @app.exception_handler(HTTPException)
    async def _http_error(request: Request, err: HTTPException):
        text = str(err.detail)
        return JSONResponse(
            {"message": text, "detail": [{"field": "", "message": text}]}, err.status_code
        )

    # -- pages --

    @app.get("/", include_in_schema=False)
    def index():
        return FileResponse(_static_dir() / "index.html", media_type="text/html")

    @app.get("/static/plotly.min.js", include_in_schema=False)
    def plotly_js():
        return FileResponse(_plotly_js(), media_type="text/javascript")

    app.mount("/static", StaticFiles(directory=_static_dir()), name="static")

    # -- catalog --

    @app.get("/api/scenarios", summary="The shipped scenarios (presets)")
    def scenarios() -> list[dict]:
        out = []
        for name in service.preset_names():
            data = service.preset_data(name)
            policy = data.get("policy") or {}
            out.append(
                {
                    "name": name,
                    "engine": data.get("engine", "compute"),
                    "description": data.get("description", ""),
                    "policy_description": policy.get("description", ""),
                    "samples": data.get("samples", 1000),
                }
            )
        return out

    @app.get("/api/scenarios/{name}", summary="One preset: its raw fields and the scenario TOML")
    def scenario(name: str) -> dict:
        sc = service.build_scenario(name, {})
        return {
            "name": name,
            "data": service.preset_data(name),
            "toml": service.to_toml(sc),
            "actors": list(sc.actors),
        }

    @app.get("/api/parameters", summary="Every parameter: label, unit, source, range, default")
    def parameters(engine: str = "compute") -> list[dict]:
        from pausesim.engines import engine_names, get_engine
        from pausesim.labels import describe

        if engine not in engine_names():
            raise RequestError([("engine", f"unknown engine '{engine}'; {list(engine_names())}")])
        rows = []
        for p in get_engine(engine).catalog:
            lab = describe(p.name, "parameter", engine)
            lo, hi = p.default.interval90()
            rows.append(
                {
                    "name": p.name,
                    "label": lab.label,
                    "unit": lab.unit,
                    "unit_long": lab.unit_long,
                    "meaning": lab.meaning,
                    "source": p.source,
                    "group": p.group,
                    "min": p.bounds[0],
                    "max": p.bounds[1],
                    "default": p.default.describe(),
                    "median": p.default.median(),
                    "p5": lo,
                    "p95": hi,
                    "per_actor": p.per_actor,
                }
            )
        return rows

    @app.get("/api/levers", summary="Every policy lever: label, unit, meaning, allowed range")
    def levers() -> list[dict]:
        from pausesim.labels import labels
        from pausesim.web.controls import _choices, _constraints, _field

        rows = []
        for name, lab in labels("lever").items():
            info = _field(name)
            lo, hi, lo_open, hi_open = _constraints(info)
            rows.append(
                {
                    "name": name,
                    "label": lab.label,
                    "unit": lab.unit,
                    "unit_long": lab.unit_long,
                    "meaning": lab.meaning,
                    "min": lo,
                    "max": hi,
                    "min_exclusive": lo_open,
                    "max_exclusive": hi_open,
                    "choices": _choices(info) if "Literal" in str(info.annotation) else None,
                    "default": info.default
                    if isinstance(info.default, int | float | str | bool)
                    else None,
                }
            )
        return rows

    @app.get("/api/controls", summary="The page's controls for a preset: levers and cruxes")
    def controls(preset: str) -> dict:
        from pausesim.web.controls import lever_controls, parameter_controls

        sc = service.build_scenario(preset, {})
        return {
            "preset": preset,
            "levers": lever_controls(sc),
            "parameters": parameter_controls(sc),
            "samples": sc.samples,
            "seed": sc.seed,
            "caps": SAMPLE_CAPS,
            "danger_level_ooms": sc.metrics.danger_level_ooms,
        }

    # -- runs --

    def _scenario(req: ScenarioRequest, cap: str = "compare") -> service.Scenario:
        return service.build_scenario(
            req.preset,
            req.overrides,
            toml=req.toml,
            samples=req.samples,
            seed=req.seed,
            max_samples=SAMPLE_CAPS[cap],
        )

    def _runs(req: CompareRequest) -> tuple[service.Scenario, service.Scenario | None]:
        sc = _scenario(req)
        if sc.engine != "compute":
            raise RequestError(
                [
                    (
                        "preset",
                        f"the playground runs the compute engine; '{sc.name}' "
                        f"uses the {sc.engine} engine (use the command line)",
                    )
                ]
            )
        sc_b = None
        if req.policy_b is not None:
            bad = [k for k in req.policy_b.overrides if not str(k).startswith("policy.")]
            if bad:
                raise RequestError(
                    [
                        (
                            f"policy_b.overrides.{bad[0]}",
                            "only policy fields (policy.…) can be set "
                            "for policy B; it runs on the worlds of A",
                        )
                    ]
                )
            other = service.build_scenario(
                req.policy_b.preset, req.policy_b.overrides, prefix="policy_b."
            )
            sc_b = service.with_policy_of(sc, other)
        return sc, sc_b

    def _compute(sc, sc_b) -> tuple[Runs, dict]:
        key = service.scenario_key(sc) + (service.scenario_key(sc_b) if sc_b else "")
        hit = engine.comparisons.get("payload:" + key)
        if hit is not None:
            return hit
        runs = Runs(engine.comparison(sc), engine.comparison(sc_b) if sc_b else None)
        payload = service.comparison_payload(runs)
        engine.comparisons.put("payload:" + key, (runs, payload))
        return runs, payload

    @app.post("/api/compare", summary="A policy against no pause (and against policy B)")
    async def compare(req: CompareRequest) -> JSONResponse:
        sc, sc_b = _runs(req)
        t0 = time.perf_counter()
        runs, payload = await gate.run(_compute, sc, sc_b)
        # JSONResponse directly: FastAPI's encoder walks every number of the chart arrays
        return JSONResponse({**payload, "seconds": round(time.perf_counter() - t0, 4)})

    @app.post("/api/run", summary="One policy on the sampled worlds (no comparison)")
    async def run(req: RunRequest) -> dict:
        sc = _scenario(req, "run")

        def one():
            got = engine.result(sc)
            res = got.result
            names = (
                "danger_year",
                "overhang_ooms",
                "max_jump_ooms_per_year",
                "pause_years",
                "takeoff_years",
            )
            return {
                "scenario": {"name": sc.name, "samples": sc.samples, "seed": sc.seed},
                "summary": [
                    service._metric(m, res.metrics[m].values) for m in names if m in res.metrics
                ],
                "time": got.charts["time"],
                "frontier": got.charts["frontier"],
                "n_failed": res.n_failed,
            }

        return await gate.run(one)

    @app.post("/api/tornado", summary="Tornado: P(pause lowers risk) at each crux's 5th/95th pct")
    async def tornado(req: TornadoRequest) -> dict:
        from pausesim.sensitivity import Output
        from pausesim.sensitivity.tornado import tornado as run_tornado
        from pausesim.web.controls import CRUX_PARAMETERS

        sc = _scenario(req, "tornado")
        horizon = _main_horizon(sc)
        names = [w for w in sc.risk.worldviews if req.worldview in (None, w)]
        if not names:
            raise RequestError(
                [
                    (
                        "worldview",
                        f"unknown worldview {req.worldview!r}; the "
                        f"scenario has {list(sc.risk.worldviews)}",
                    )
                ]
            )
        outputs = [Output("p_better", w, horizon) for w in names]
        from pausesim.engines import get_engine

        catalog = get_engine(sc.engine).catalog
        chosen = list(req.parameters or CRUX_PARAMETERS)
        for i, name in enumerate(chosen):
            if name not in catalog:
                raise RequestError([(f"parameters.{i}", catalog.unknown(name))])
        frame = await gate.run(lambda: run_tornado(sc, outputs, parameters=chosen))
        rows = []
        for r in frame.itertuples(index=False):
            lab = service._label(r.parameter.split("[")[0], "parameter")
            rows.append(
                {
                    "output": r.output,
                    "parameter": r.parameter,
                    **lab,
                    "low_value": r.low_value,
                    "high_value": r.high_value,
                    "at_low": service._num(r.at_low),
                    "at_high": service._num(r.at_high),
                    "base": service._num(r.base),
                    "swing": service._num(r.swing),
                    "swing_se": service._num(r.swing_se),
                }
            )
        return {"horizon": horizon, "samples": sc.samples, "rows": rows}

    @app.post("/api/cruxes", summary="Crux finder: which parameter ranges flip the verdict")
    async def cruxes(req: CruxRequest) -> dict:
        from pausesim.sensitivity import Output
        from pausesim.sensitivity.cruxes import find_cruxes

        sc = _scenario(req, "cruxes")
        horizon = _main_horizon(sc)

        def job():
            c = engine.comparison(sc).comparison
            outputs = [Output("p_better", w, horizon) for w in sc.risk.worldviews]
            return c, find_cruxes(c, outputs, boot=req.boot, seed=sc.seed)

        c, found = await gate.run(job)
        rows = []
        for r in found.ranking.itertuples(index=False):
            name = str(r.parameter)
            lab = service._label(name.split("[")[0], "parameter")
            rows.append(
                {
                    "output": r.output,
                    "parameter": name,
                    **lab,
                    "rank": int(r.rank),
                    "p_bottom_bin": service._num(r.p_bottom_bin),
                    "p_top_bin": service._num(r.p_top_bin),
                    "spearman_rho": service._num(r.spearman_rho),
                    "threshold": service._num(r.threshold),
                    "belief": str(r.belief),
                }
            )
        return {"horizon": horizon, "screen": service._cruxes(c), "ranking": rows}

    # -- downloads --

    @app.post("/api/download/worlds.csv", summary="Per-world inputs and outputs (CSV)")
    async def worlds_csv(req: CompareRequest) -> Response:
        sc, sc_b = _runs(req)
        runs, _ = await gate.run(_compute, sc, sc_b)
        buf = io.StringIO()
        service.worlds_table(runs.a).to_csv(buf, index=False)
        return _attachment(buf.getvalue(), f"{_stem(sc)}-worlds.csv", "text/csv")

    @app.post("/api/download/summary.json", summary="The comparison's summary (JSON)")
    async def summary_json(req: CompareRequest) -> Response:
        import json

        sc, sc_b = _runs(req)
        runs, payload = await gate.run(_compute, sc, sc_b)
        body = json.dumps(service.summary_json(runs, payload), indent=2)
        return _attachment(body, f"{_stem(sc)}-summary.json", "application/json")

    @app.post("/api/download/scenario.toml", summary="The scenario as TOML for the command line")
    async def scenario_toml(req: CompareRequest) -> Response:
        sc, _ = _runs(req)
        return _attachment(service.to_toml(sc), f"{_stem(sc)}.toml", "application/toml")

    return app


def _attachment(body: str, filename: str, media: str) -> Response:
    return Response(
        body,
        media_type=media,
        headers={"Content-Disposition": f'attachment; filename="{filename}"'},
    )


def _stem(sc) -> str:
    safe = "".join(c if c.isalnum() or c in "-_" else "-" for c in sc.name)
    return safe[:60] or "scenario"


def _main_horizon(sc) -> str:
    """The equal-capability horizon (the last level horizon), else the last year."""
    from pausesim.risk import horizon_labels

    labels = horizon_labels(sc.risk)
    levels = [h for h in labels if h.startswith("K>=")]
    return levels[-1] if levels else labels[-1]


def _plain(e: dict[str, Any]) -> str:
    """A request-validation error in plain words, with the allowed range where there is one."""
    kind, ctx = e.get("type", ""), e.get("ctx") or {}
    got = e.get("input")
    shown = "" if isinstance(got, dict | list) else f" (got {got!r})"
    if kind == "extra_forbidden":
        return "no such field"
    if kind == "missing":
        return "is required"
    if kind in ("less_than_equal", "greater_than_equal", "less_than", "greater_than"):
        bound = next(iter(ctx.values()), "?")
        words = {
            "less_than_equal": f"must be at most {bound}",
            "greater_than_equal": f"must be at least {bound}",
            "less_than": f"must be less than {bound}",
            "greater_than": f"must be greater than {bound}",
        }[kind]
        return words + shown
    if kind == "too_long":
        return f"too many entries or characters (at most {ctx.get('max_length')})"
    return str(e.get("msg", "invalid")) + shown
