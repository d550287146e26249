"""The playground's JSON API: good requests, bad requests, limits, downloads."""

from __future__ import annotations

import asyncio
import io
import json
import time
import tomllib

import numpy as np
import pandas as pd
import pytest

from pausesim import run, scenario

PRESET = "essay-realistic"


def _compare(client, **body):
    return client.post("/api/compare", json={"preset": PRESET, "samples": 200, **body})


def _fields(response) -> list[str]:
    return [d["field"] for d in response.json()["detail"]]


# -- catalog ------------------------------------------------------------------------------------


def test_scenarios_lists_every_preset(client):
    r = client.get("/api/scenarios")
    assert r.status_code == 200
    assert [s["name"] for s in r.json()] == list(scenario.preset_names())
    essay = next(s for s in r.json() if s["name"] == PRESET)
    assert essay["engine"] == "compute" and essay["description"]


def test_parameters_carry_labels_units_sources_and_bounds(client):
    from pausesim.engines import get_engine

    r = client.get("/api/parameters")
    assert r.status_code == 200
    rows = {p["name"]: p for p in r.json()}
    catalog = get_engine("compute").catalog
    assert set(rows) == set(catalog.names)
    for p in catalog:
        row = rows[p.name]
        assert row["label"] and row["label"] != p.name
        assert row["source"] == p.source
        assert (row["min"], row["max"]) == p.bounds
        assert row["default"] == p.default.describe()
    assert client.get("/api/parameters", params={"engine": "nope"}).status_code == 422


def test_controls_have_labels_ranges_and_preset_values(client):
    r = client.get("/api/controls", params={"preset": PRESET})
    assert r.status_code == 200
    body = r.json()
    levers = {c["name"]: c for c in body["levers"]}
    assert levers["policy.coalition.members"]["value"] == ["us_allies"]
    assert levers["policy.end.duration_years"]["value"] == 5.0
    assert levers["policy.end.forced_margin_ooms"]["value"] == 0.0
    assert levers["policy.start_year"]["min"] == 1950.0
    assert levers["policy.start_year"]["max"] == 2300.0
    for c in body["levers"] + body["parameters"]:
        assert c["label"] and c["label"] != c["name"], c["name"]
        assert "_" not in c["label"], c["label"]
    params = {c["name"]: c for c in body["parameters"]}
    alg = params["alg_halving_months"]
    assert alg["source"].startswith("Ho et al.")
    assert (
        alg["min"] <= alg["slider_min"] < alg["p5"] < alg["p95"] < alg["slider_max"] <= alg["max"]
    )
    assert client.get("/api/controls", params={"preset": "nope"}).status_code == 404


def test_openapi_schema_and_docs(client):
    schema = client.get("/openapi.json").json()
    for path in ("/api/compare", "/api/run", "/api/tornado", "/api/cruxes", "/api/scenarios"):
        assert path in schema["paths"]
    compare = schema["components"]["schemas"]["CompareRequest"]
    assert compare["additionalProperties"] is False
    assert compare["properties"]["samples"]["anyOf"][0]["maximum"] == 20_000
    assert client.get("/docs").status_code == 200


def test_page_and_plotly_are_served_locally(client):
    page = client.get("/")
    assert page.status_code == 200 and "pausesim playground" in page.text
    assert "https://" not in page.text.split("<body>")[0]  # no CDN in the head
    js = client.get("/static/plotly.min.js")
    assert js.status_code == 200 and "plotly.js" in js.text[:500]
    assert client.get("/static/app.js").status_code == 200


# -- runs ---------------------------------------------------------------------------------------


def test_compare_matches_the_core_on_the_same_worlds(client):
    r = _compare(client)
    assert r.status_code == 200, r.text
    body = r.json()
    sc = scenario.load(PRESET, samples=200)
    expect = run.compare(sc, keep="none").verdicts()
    got = {(v["worldview"], v["horizon"]): v for v in body["verdicts"]}
    assert len(got) == len(expect)
    for (w, h), row in expect.iterrows():
        assert got[(w, h)]["p"] == pytest.approx(row["p_policy_better"], abs=0)
        assert got[(w, h)]["p_low"] == pytest.approx(row["p_low"])
        assert got[(w, h)]["words"].startswith("The pause gives a lower risk")
        assert f"{row['p_policy_better'] * 100:.0f}% of sampled worlds" in got[(w, h)]["words"]
    delay = next(m for m in body["headline"] if m["name"] == "delay_years")
    assert delay["label"] == "Delay of the danger level"
    c = run.compare(sc, keep="none")
    assert delay["median"] == pytest.approx(float(np.nanmedian(c.deltas["delay_years"].values)))
    fan = body["charts"]["frontier"]
    assert len(fan["policy"]["q50"]) == len(body["charts"]["time"]) == sc.grid.n_steps
    # the bands are ordered and the pause holds the frontier back somewhere
    q = {k: np.array(v, dtype=float) for k, v in fan["policy"].items()}
    assert (q["q05"] <= q["q25"]).all() and (q["q25"] <= q["q50"]).all()
    assert (q["q50"] <= q["q75"]).all() and (q["q75"] <= q["q95"]).all()
    cf = np.array(fan["counterfactual"]["q50"], dtype=float)
    assert (q["q50"] < cf - 0.1).any()


def test_an_override_moves_the_verdict(client):
    fast = _compare(client, overrides={"alg_halving_months": 5.5}).json()
    slow = _compare(client, overrides={"alg_halving_months": "12.5"}).json()

    def p(body):
        return next(
            v["p"]
            for v in body["verdicts"]
            if v["worldview"] == "feedback-loop" and v["horizon"].startswith("K>=")
        )

    assert p(fast) > p(slow) + 0.1  # docs/cruxes.md: the essay's verdict turns on this


def test_policy_a_against_policy_b_on_the_same_worlds(client):
    r = _compare(client, policy_b={"preset": "ideal-global"})
    assert r.status_code == 200, r.text
    b = r.json()["b"]
    assert b["policy_label"] == "ideal-global"
    sc = scenario.load(PRESET, samples=200)
    other = scenario.load("ideal-global").policy
    a_run, b_run = run.compare_policies(sc, [sc.policy, other])
    diff = a_run.policy.metrics["risk"] - b_run.policy.metrics["risk"]
    for row in b["a_vs_b"]:
        d = diff.sel(worldview=row["worldview"], horizon=row["horizon"]).values
        ok = np.isfinite(d)
        assert row["p"] == pytest.approx(float((d[ok] < 0).mean()))
    assert b["verdicts_b"] and b["headline_b"]


def test_run_endpoint(client):
    r = client.post("/api/run", json={"preset": "no-pause", "samples": 100})
    assert r.status_code == 200, r.text
    names = [m["name"] for m in r.json()["summary"]]
    assert "danger_year" in names


def test_tornado_and_crux_endpoints(client):
    body = {"preset": PRESET, "samples": 40, "worldview": "feedback-loop"}
    r = client.post("/api/tornado", json={**body, "parameters": ["alg_halving_moths"]})
    assert r.status_code == 422 and _fields(r) == ["parameters.0"]
    assert "alg_halving_months" in r.json()["message"]
    r = client.post("/api/tornado", json={**body, "parameters": ["alg_halving_months"]})
    assert r.status_code == 200, r.text
    rows = r.json()["rows"]
    assert [row["parameter"] for row in rows] == ["alg_halving_months"]
    assert rows[0]["at_low"] != rows[0]["at_high"]
    assert all(row["label"] for row in rows)
    r = client.post("/api/cruxes", json={"preset": PRESET, "samples": 300, "boot": 0})
    assert r.status_code == 200, r.text
    assert r.json()["ranking"] and r.json()["screen"]


def test_repeated_requests_come_from_the_cache(app, client):
    engine = app.state.engine
    _compare(client, seed=7)
    hits = engine.comparisons.hits
    _compare(client, seed=7)
    assert engine.comparisons.hits == hits + 1
    # changing a lever reuses the cached no-pause run of the same worlds
    before = engine.results.hits
    _compare(client, seed=7, overrides={"policy.end.duration_years": 3})
    assert engine.results.hits == before + 1


# -- bad requests -------------------------------------------------------------------------------


def test_out_of_range_parameter_names_field_and_range(client):
    r = _compare(client, overrides={"alg_halving_months": 0.1})
    assert r.status_code == 422
    detail = r.json()["detail"][0]
    assert detail["field"] == "world.params.alg_halving_months"
    assert "[1, 1e+09]" in detail["message"]


def test_out_of_range_lever_names_field(client):
    r = _compare(client, overrides={"policy.end.political_lift_hazard_per_year": 50})
    assert r.status_code == 422
    assert _fields(r) == ["policy.end.political_lift_hazard_per_year"]
    assert "10" in r.json()["detail"][0]["message"]


def test_unknown_fields_are_refused(client):
    r = _compare(client, bogus=1)
    assert r.status_code == 422 and _fields(r) == ["bogus"]
    r = _compare(client, policy_b={"preset": "ideal-global", "colour": "red"})
    assert r.status_code == 422 and _fields(r) == ["policy_b.colour"]
    r = _compare(client, overrides={"policy.end.durashun": 3})
    assert r.status_code == 422
    assert any(
        "durashun" in f or "durashun" in d["message"]
        for f, d in zip(_fields(r), r.json()["detail"], strict=True)
    )
    r = _compare(client, overrides={"alg_halving_monhts": 3})
    assert r.status_code == 422 and "alg_halving_months" in r.json()["message"]


def test_unknown_preset_is_404_naming_the_field(client):
    r = client.post("/api/compare", json={"preset": "essay-realistc"})
    assert r.status_code == 404
    assert _fields(r) == ["preset"] and "essay-realistic" in r.json()["message"]


def test_a_preset_is_never_a_path(client, tmp_path):
    path = tmp_path / "x.toml"
    path.write_text('name = "x"\n')
    r = client.post("/api/compare", json={"preset": str(path)})
    assert r.status_code == 404 and _fields(r) == ["preset"]


def test_too_many_samples(client):
    r = _compare(client, samples=20_001)
    assert r.status_code == 422 and _fields(r) == ["samples"]
    assert "20000" in r.json()["message"]
    r = client.post("/api/tornado", json={"preset": PRESET, "samples": 501})
    assert r.status_code == 422 and _fields(r) == ["samples"]
    r = client.post("/api/compare", json={"preset": PRESET, "overrides": {"samples": 10**7}})
    assert r.status_code == 422 and _fields(r) == ["overrides.samples"]
    toml = 'name = "big"\nsamples = 1000000'
    r = client.post("/api/compare", json={"toml": toml})
    assert r.status_code == 422 and _fields(r) == ["samples"] and "20000" in r.json()["message"]


def test_work_is_capped_through_the_grid_too(client):
    r = _compare(client, samples=20_000, overrides={"grid.step": 0.05})
    assert r.status_code == 422 and _fields(r) == ["grid.step"]
    assert "world-steps" in r.json()["message"]


def test_levers_list_labels_and_ranges(client):
    rows = {r["name"]: r for r in client.get("/api/levers").json()}
    assert rows["policy.end.political_lift_hazard_per_year"]["max"] == 10.0
    assert rows["policy.lift.kind"]["choices"] == ["abrupt", "phased"]
    assert all(r["label"] for r in rows.values())


def test_oversized_body_is_413(client):
    big = {"preset": PRESET, "overrides": {"x": "1" * 70_000}}
    r = client.post("/api/compare", json=big)
    assert r.status_code == 413 and "64 KiB" in r.json()["message"]

    def chunks():  # no Content-Length: the limit counts the streamed bytes
        for _ in range(20):
            yield b" " * 5000

    r = client.post("/api/compare", content=chunks(), headers={"content-type": "application/json"})
    assert r.status_code == 413


def test_worldview_files_are_not_read(client):
    r = _compare(client, overrides={"risk.worldviews": '["/etc/passwd.toml"]'})
    assert r.status_code == 422
    assert _fields(r) == ["risk.worldviews"] and "reads no files" in r.json()["message"]


def test_scenario_toml_is_parsed_as_data(client):
    sc = scenario.load(PRESET, samples=100)
    r = client.post("/api/compare", json={"toml": scenario.to_toml(sc)})
    assert r.status_code == 200, r.text
    r = client.post("/api/compare", json={"toml": "samples = ["})
    assert r.status_code == 422 and _fields(r) == ["toml"]
    r = client.post("/api/compare", json={"toml": 'name = "x"\nsamples = 0'})
    assert r.status_code == 422 and _fields(r) == ["samples"]
    r = client.post("/api/compare", json={"preset": PRESET, "toml": 'name = "x"'})
    assert r.status_code == 422 and _fields(r) == ["preset"]


def test_policy_b_takes_only_policy_fields(client):
    r = _compare(
        client, policy_b={"preset": "ideal-global", "overrides": {"alg_halving_months": 6}}
    )
    assert r.status_code == 422 and _fields(r) == ["policy_b.overrides.alg_halving_months"]
    r = _compare(
        client, policy_b={"preset": "ideal-global", "overrides": {"policy.start_year": 3000}}
    )
    assert r.status_code == 422 and _fields(r) == ["policy_b.policy.start_year"]


def test_engine_without_the_playground_is_refused(client):
    r = client.post("/api/compare", json={"preset": "ftm-best-guess", "samples": 10})
    assert r.status_code == 422 and _fields(r) == ["preset"]


# -- limits on run time -------------------------------------------------------------------------


def test_gate_times_out_and_reports_busy():
    from fastapi import HTTPException

    from pausesim.web.app import Gate

    gate = Gate(timeout=0.3)

    async def slow():
        return await gate.run(time.sleep, 1.0)

    with pytest.raises(HTTPException) as err:
        asyncio.run(slow())
    assert err.value.status_code == 504 and "0.3 s" in err.value.detail
    time.sleep(0.8)  # the abandoned run finishes and frees the lock
    gate.lock.acquire()
    try:
        with pytest.raises(HTTPException) as err:
            asyncio.run(gate.run(lambda: 1))
        assert err.value.status_code == 503 and "busy" in err.value.detail
    finally:
        gate.lock.release()
    assert asyncio.run(gate.run(lambda: 42)) == 42


# -- downloads ----------------------------------------------------------------------------------


def test_download_toml_round_trips(client):
    body = {
        "preset": PRESET,
        "samples": 120,
        "overrides": {"alg_halving_months": 7, "policy.end.duration_years": 3},
    }
    r = client.post("/api/download/scenario.toml", json=body)
    assert r.status_code == 200
    assert 'filename="essay-realistic.toml"' in r.headers["content-disposition"]
    sc = scenario.from_dict(tomllib.loads(r.text))
    assert sc.samples == 120
    assert sc.policy.end.duration_years == 3
    assert sc.world.params["alg_halving_months"].value == 7


def test_download_summary_json(client):
    r = client.post("/api/download/summary.json", json={"preset": PRESET, "samples": 200})
    assert r.status_code == 200
    data = json.loads(r.text)
    assert data["samples"] == 200 and data["verdicts"] and data["headline"]
    assert data["scenario_toml"].startswith("name =")


def test_download_worlds_csv(client):
    r = client.post("/api/download/worlds.csv", json={"preset": PRESET, "samples": 200})
    assert r.status_code == 200, r.text
    table = pd.read_csv(io.StringIO(r.text))
    assert len(table) == 200
    assert any("alg_halving_months" in c for c in table.columns)


def test_worker_processes_give_the_same_answer(client):
    from fastapi.testclient import TestClient

    from pausesim.web.app import create_app

    body = {"preset": PRESET, "samples": 150, "overrides": {"alg_halving_months": 7}}
    here = client.post("/api/compare", json=body).json()
    with TestClient(create_app(processes=2)) as other:
        there = other.post("/api/compare", json=body).json()
    for key in ("verdicts", "headline", "charts", "cruxes", "lift_reasons"):
        assert here[key] == there[key], key


@pytest.mark.parametrize("preset", ["essay-realistic", "ideal-global", "compute-governance"])
def test_cached_crux_screen_equals_the_core(preset):
    from pausesim.web import service

    sc = scenario.load(preset, samples=300)
    c = service.Engine().comparison(sc).comparison
    expect = c.cruxes(3)
    last = c.deltas["delta_risk"].isel(horizon=-1)
    if preset == "essay-realistic":  # every world defined: the cached ranks are used
        assert np.isfinite(last.values).all()
    for _ in range(2):  # the second time from the cached ranks
        got = service.crux_screen_cached(c.counterfactual.params, c.deltas["delta_risk"], 3)
        pd.testing.assert_frame_equal(got, expect, check_exact=False, rtol=1e-12)


def test_the_compiled_backend_serves_the_same_verdicts(client):
    """``pausesim serve --backend jax``: the same request answered through the compiled step
    (it builds its programs at start-up), with verdicts within the compiled step's tolerance
    of NumPy's (tests/engines/compute/test_compiled.py)."""
    pytest.importorskip("jax")
    from fastapi.testclient import TestClient

    from pausesim.web.app import create_app

    ref = {(v["worldview"], v["horizon"]): v["p"] for v in _compare(client).json()["verdicts"]}
    with TestClient(create_app(timeout=120, backend="jax")) as fast:
        r = _compare(fast)
    assert r.status_code == 200, r.text
    got = {(v["worldview"], v["horizon"]): v["p"] for v in r.json()["verdicts"]}
    assert got.keys() == ref.keys()
    for key, p in ref.items():
        assert got[key] == pytest.approx(p, abs=0.02), key


def test_an_unknown_backend_is_refused_when_the_app_is_made():
    from pausesim.web.app import create_app

    with pytest.raises(ValueError, match="allowed: numpy, jax"):
        create_app(backend="gpu")
