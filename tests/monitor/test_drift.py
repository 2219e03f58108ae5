import itertools

import numpy as np

from ridgeway.monitor.drift import EPSILON, drift, population_stability_index, reference_statistics


def test_psi_closed_form():
    e, a = np.array([0.5, 0.5]), np.array([0.2, 0.8])
    expected = (0.2 - 0.5) * np.log(0.2 / 0.5) + (0.8 - 0.5) * np.log(0.8 / 0.5)
    assert np.isclose(population_stability_index(e, a), expected, rtol=1e-12)
    assert population_stability_index(e, e) == 0.0
    # an empty bin is floored, not infinite
    floored = (EPSILON - 0.5) * np.log(EPSILON / 0.5) + 0.5 * np.log(1 / 0.5)
    assert np.isclose(population_stability_index(e, np.array([0.0, 1.0])), floored)


def test_mean_shift_and_psi_by_hand(rng):
    ref = rng.normal(size=(5000, 2))
    stats = reference_statistics(ref, ["a", "b"])
    assert np.allclose(stats["a"]["shares"], 0.1, atol=1e-3)  # decile bins
    batch = np.column_stack([rng.normal(size=4000) + 1.0, rng.normal(size=4000)])
    out = drift(batch, ["a", "b"], stats)
    expected_shift = (batch[:, 0].mean() - ref[:, 0].mean()) / ref[:, 0].std()
    assert np.isclose(out["a"]["mean_shift"], expected_shift, rtol=1e-12)
    edges = np.asarray(stats["a"]["edges"])
    counts = np.array(
        [np.sum(batch[:, 0] < edges[0])]
        + [np.sum((batch[:, 0] >= lo) & (batch[:, 0] < hi)) for lo, hi in itertools.pairwise(edges)]
        + [np.sum(batch[:, 0] >= edges[-1])]
    )
    assert np.isclose(
        out["a"]["psi"], population_stability_index(stats["a"]["shares"], counts / 4000)
    )
    assert out["a"]["psi"] > 0.25 > 0.02 > out["b"]["psi"]


def test_binary_column_gets_two_bins(rng):
    ref = (rng.random((1000, 1)) < 0.3).astype(float)
    stats = reference_statistics(ref, ["flag"])
    shares = np.asarray(stats["flag"]["shares"])
    assert np.isclose(shares[shares > 0].sum(), 1.0) and np.count_nonzero(shares) == 2
    moved = (rng.random((1000, 1)) < 0.6).astype(float)
    assert drift(moved, ["flag"], stats)["flag"]["psi"] > 0.3


def test_constant_reference_column(rng):
    stats = reference_statistics(np.ones((100, 1)), ["c"])
    assert drift(np.full((10, 1), 3.0), ["c"], stats)["c"]["mean_shift"] == 2.0
