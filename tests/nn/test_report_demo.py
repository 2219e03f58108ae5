"""The HTML section and the demo act (real data, real training, files in tmp_path)."""

from __future__ import annotations

import numpy as np
import pytest
from torch import nn

from ridgeway.nn import WeightDecaySearch, decay_table, param_groups
from ridgeway.nn.plots import search_curves
from ridgeway.nn.report import render_search_html, search_table


def test_report_has_curves_tables_and_the_grouping(rng):
    X = rng.standard_normal((80, 4))
    y = X[:, 0] + 0.3 * rng.standard_normal(80)
    search = WeightDecaySearch(
        lambda: nn.Sequential(nn.Linear(4, 8), nn.Tanh(), nn.Linear(8, 1)),
        l2=[0.0, 1.0, 10.0],
        epochs=3,
    ).fit(X, y)
    table = search_table(search.cv_results_)
    assert list(table["chosen"]).count("◀") == 1
    assert table["chosen"].iloc[search.best_index_] == "◀"
    model = search.best_model_
    page = render_search_html(
        search, "t <&>", ["a sentence"], decay_table(model, param_groups(model, 0.1))
    )
    assert page.count("<img") == 2 and "t &lt;&amp;&gt;" in page
    assert "0.weight" in page and "a sentence" in page


def test_search_curves_draw_runs_cut_by_halving_hollow(rng):
    X = rng.standard_normal((80, 4))
    y = X[:, 0] + 0.3 * rng.standard_normal(80)
    build = lambda: nn.Sequential(nn.Linear(4, 8), nn.Tanh(), nn.Linear(8, 1))  # noqa: E731
    full = WeightDecaySearch(build, l2=[0.0, 1.0, 10.0, 100.0], epochs=4).fit(X, y)
    cut = WeightDecaySearch(build, l2=[0.0, 1.0, 10.0, 100.0], epochs=4, budget="halving")
    cut.fit(X, y)
    assert search_curves(full.cv_results_).axes[0].get_legend() is None
    legend = search_curves(cut.cv_results_).axes[0].get_legend()
    assert [t.get_text() for t in legend.get_texts()] == ["cut at an earlier rung (fewer epochs)"]
    hollow = legend.legend_handles[0]
    assert hollow.get_markerfacecolor() == "white"
    assert int(np.sum(~cut.cv_results_["finalist"])) == 3


@pytest.mark.slow
def test_demo_act_shows_decay_beats_no_decay(tmp_path):
    from ridgeway.nn.demo import demo_act

    result = demo_act(tmp_path)
    assert result["l2"] > 0
    assert result["error_reduction_pct"] > 5
    assert result["total_epochs"] <= 3 * 80
    html = (tmp_path / "nn_weight_decay.html").read_text(encoding="utf-8")
    assert "less prediction error" in html and html.count("<img") == 3
    assert np.isfinite(result["test_mse_chosen"])
