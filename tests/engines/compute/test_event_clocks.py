"""Event clocks: one number per (mechanism, episode, sample), whatever order they are asked in."""

import numpy as np
import pytest

from pausesim.engines.compute.pause import EventClocks

N = 64


def _expected(seed: int, mechanism: str, episode: int) -> np.ndarray:
    """The documented stream: ``SeedSequence([key, episode])`` with the chunk's key."""
    keys = np.random.default_rng(seed).integers(0, 2**63 - 1, size=len(EventClocks.MECHANISMS))
    key = int(keys[EventClocks.MECHANISMS.index(mechanism)])
    gen = np.random.Generator(np.random.PCG64(np.random.SeedSequence([key, episode])))
    return gen.random(N)


def test_each_episode_has_its_documented_numbers_whatever_was_drawn_before():
    clocks = EventClocks(np.random.default_rng(3), N)
    rng = np.random.default_rng(0)
    # episodes asked out of order, high ones first, several per call, with repeats
    for top in (40, 2, 17, 0, 63, 5):
        rows = np.sort(rng.choice(N, size=20, replace=False))
        episodes = rng.integers(0, top + 1, size=rows.size)
        got = clocks.uniform("politics", episodes, rows)
        want = np.array(
            [_expected(3, "politics", int(j))[r] for j, r in zip(episodes, rows, strict=True)]
        )
        np.testing.assert_array_equal(got, want)
    # another mechanism has its own numbers
    rows = np.arange(N)
    phased = clocks.uniform("phased", np.zeros(N, dtype=np.int64), rows)
    np.testing.assert_array_equal(phased, _expected(3, "phased", 0))
    assert not np.array_equal(phased, _expected(3, "politics", 0))


def test_exponentials_are_minus_log_one_minus_the_uniforms():
    clocks = EventClocks(np.random.default_rng(8), N)
    rows = np.arange(0, N, 3)
    episodes = rows % 4
    u = clocks.uniform("repause", episodes, rows)
    np.testing.assert_array_equal(clocks.exponential("repause", episodes, rows), -np.log1p(-u))


def test_no_rows_give_no_numbers_and_a_negative_episode_is_refused():
    clocks = EventClocks(np.random.default_rng(1), N)
    empty = np.array([], dtype=np.int64)
    assert clocks.uniform("phased", empty, empty).shape == (0,)
    with pytest.raises(ValueError, match="episode -1"):
        clocks.uniform("phased", np.array([0, -1]), np.array([0, 1]))
