"""The pieces the CLI's ``--model mlp`` calls: options, estimator, summary, HTML section."""

from __future__ import annotations

import numpy as np
import pytest

from ridgeway.nn.cli_support import (
    MLPOptions,
    make_estimator,
    parse_hidden,
    report_section,
    summary_lines,
)


def test_parse_hidden():
    assert parse_hidden("64,32") == (64, 32)
    assert parse_hidden("none") == () == parse_hidden("")
    with pytest.raises(ValueError, match=r"^hidden must be"):
        parse_hidden("64,x")
    with pytest.raises(ValueError, match=r"^hidden must be"):
        parse_hidden("0")


def test_options_from_cli():
    assert MLPOptions.from_cli(hidden="8", l2="auto").l2 is None
    assert MLPOptions.from_cli(hidden="8", l2="2.5").l2 == 2.5
    with pytest.raises(ValueError, match=r"^l2 must be"):
        MLPOptions.from_cli(l2="lots")


def test_searched_classifier_gives_lines_and_a_section(rng):
    X = rng.standard_normal((90, 3))
    labels = np.where(X[:, 0] > 0, "a", "b")
    options = MLPOptions.from_cli(hidden="6", l2="auto", epochs=4, batch_size=32)
    model = make_estimator(True, options).fit(X, labels)
    lines = summary_lines(model)
    assert "λ chosen by validation loss" in lines[1]
    html = report_section(model)
    assert html.startswith("<h2>") and html.count("<img") == 2 and "decayed" in html


def test_fixed_l2_regressor_section(rng):
    X = rng.standard_normal((40, 3))
    y = X[:, 1]
    options = MLPOptions(hidden=(), l2=1.0, optimizer="lbfgs")
    model = make_estimator(False, options).fit(X, y)
    assert "l2 = 1 (torch weight_decay = 0.05)" in summary_lines(model)[0]  # 2λ/n, n = 40
    assert "0.weight" in report_section(model)
