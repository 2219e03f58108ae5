"""Plots render and save (Agg canvas, no display)."""

import numpy as np

import ridgeway.inverse as inv
from ridgeway.inverse import plots
from ridgeway.inverse import problems as P


def test_plots_save(tmp_path, rng):
    A, b, x = P.phillips(64)
    bn = P.add_noise(b, 1e-3, rng)
    gcv = inv.tikhonov(A, bn)
    corner = inv.tikhonov(A, bn, lam="lcurve")
    disc = inv.tikhonov(A, bn, lam="discrepancy", noise_level=1e-3)
    figures = {
        "picard": plots.picard_plot(gcv),
        "lcurve": plots.lcurve_plot(corner),
        "gcv": plots.gcv_plot(gcv),
        "discrepancy": plots.criterion_plot(disc),
        "solution": plots.solution_plot(gcv, x_true=x, t=np.linspace(-6, 6, 64)),
        "cgls": plots.criterion_plot(inv.cgls(A, bn, n_iter=10)),
    }
    for name, fig in figures.items():
        path = tmp_path / f"{name}.png"
        fig.savefig(path)
        assert path.stat().st_size > 5000
