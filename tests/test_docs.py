"""The generated parameter documentation is current, and every catalog entry is documentable."""

from __future__ import annotations

import pytest

from pausesim import docs
from pausesim.distributions import Point
from pausesim.engines import engine_names, get_engine


def _catalogs():
    """(engine, catalog) of every engine that imports; the others are skipped, with a reason."""
    out = []
    for name in engine_names():
        try:
            out.append(pytest.param(get_engine(name).catalog, id=name))
        except Exception as exc:  # noqa: BLE001 - an engine under construction may not import
            out.append(
                pytest.param(
                    None, id=name, marks=pytest.mark.skip(reason=f"engine '{name}': {exc!r}")
                )
            )
    return out


CATALOGS = _catalogs()


def test_parameters_md_is_current():
    on_disk = docs.PARAMETERS_MD.read_text(encoding="utf-8") if docs.PARAMETERS_MD.exists() else ""
    assert docs.render_parameters() == on_disk, (
        "docs/parameters.md is stale: a parameter catalog changed; run `make docs` "
        "(python -m pausesim.docs) and commit the file"
    )


@pytest.mark.parametrize("catalog", CATALOGS)
def test_every_parameter_has_a_source_and_a_unit(catalog):
    missing = [p.name for p in catalog if not p.source.strip() or not p.unit.strip()]
    assert not missing, f"parameters without a source or a unit: {missing}"


@pytest.mark.parametrize("catalog", CATALOGS)
def test_default_90_percent_intervals_lie_within_bounds(catalog):
    bad = []
    for p in catalog:
        lo, hi = p.bounds
        dists = {"default": p.default, **{f"actor {a}": d for a, d in p.actor_defaults.items()}}
        for where, d in dists.items():
            p5, p95 = (d.value, d.value) if isinstance(d, Point) else d.interval90()
            if not lo <= p5 <= p95 <= hi:
                bad.append(f"{p.name} ({where}): [{p5:g}, {p95:g}] not in [{lo:g}, {hi:g}]")
    assert not bad, "90% intervals outside the allowed range:\n" + "\n".join(bad)


@pytest.mark.parametrize("catalog", CATALOGS)
def test_assumption_labels_start_the_source(catalog):
    # The label must lead the source, capitalised, so that `is_assumption` and the docs'
    # bold **Assumption** marker find it.
    bad = [p.name for p in catalog if p.is_assumption and not p.source.startswith("Assumption")]
    assert not bad, f"sources labelled as assumptions must start with 'Assumption': {bad}"


@pytest.mark.parametrize("catalog", CATALOGS)
def test_assumptions_are_marked_in_the_docs(catalog):
    text = docs.render_catalog(catalog)
    for p in catalog:
        line = next(ln for ln in text.splitlines() if ln.startswith(f"| `{p.name}` |"))
        if p.is_assumption:
            assert "| **Assumption**" in line, p.name
        elif "assumption" in p.source.lower():
            # A source that is only partly sourced says so up front.
            assert "| **Partly an assumption:**" in line, p.name


def test_check_mode_reports_a_stale_file(tmp_path, capsys):
    target = tmp_path / "parameters.md"
    assert docs.main(["--output", str(target)]) == 0
    assert docs.main(["--check", "--output", str(target)]) == 0
    target.write_text("old\n", encoding="utf-8")
    assert docs.main(["--check", "--output", str(target)]) == 1
    assert "run `make docs`" in capsys.readouterr().err


def test_an_engine_that_fails_to_import_is_skipped_with_a_note(monkeypatch):
    import pausesim.engines as engines

    monkeypatch.setitem(engines._REGISTRY, "broken", "pausesim.engines.no_such_module:ENGINE")
    text = docs.render_parameters()
    assert "## Engine `broken`" in text
    assert "failed to import" in text
    assert "## Engine `compute`" in text
