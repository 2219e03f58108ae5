"""Inverse-problem benchmark: one decomposition, then every λ is cheap; and the iterative path.

Direct path (dense shaw(n), 0.1 % noise), for n = 256, 1024, 2048 and L = I or L = diff2:

- the one decomposition: the SVD of A (L = I) or the standard-form transformation plus the
  SVD of Ā (L = diff2, the generalized singular values of (A, L));
- after it, each of the five parameter-choice rules (each scores a 200-point λ grid, then
  refines) and x(λ) for the chosen λ. The rules touch only the k singular values and data
  coefficients (O(k) per λ); x(λ) is one n × k product (O(n²)).

Iterative path: a 1-D Gaussian blur as a sparse banded matrix (n = 20 000, 65 diagonals; nothing
densified): damped LSQR at a given λ, CGLS stopped by the discrepancy principle, and the
hybrid Golub–Kahan method choosing λ by GCV on the Krylov subspace.

BLAS is limited to one thread (threadpoolctl); times are medians of ``--repeat`` runs.

    .venv/bin/python bench/bench_inverse.py            # n = 256, 1024, 2048
    .venv/bin/python bench/bench_inverse.py --quick    # n = 128, 256
"""

from __future__ import annotations

import argparse
import os
import platform
import statistics
import time
from collections.abc import Callable

import numpy as np
import scipy.sparse as sp
from threadpoolctl import threadpool_limits

import ridgeway.inverse as inv
from ridgeway import operators
from ridgeway.inverse import parameter_choice as pc
from ridgeway.inverse import problems
from ridgeway.inverse.decomposition import Decomposition as StandardForm

RULES = ("gcv", "lcurve", "discrepancy", "quasi", "upre")


def median_time(func: Callable[[], object], repeat: int) -> float:
    times = []
    for _ in range(repeat):
        start = time.perf_counter()
        func()
        times.append(time.perf_counter() - start)
    return statistics.median(times)


def machine() -> str:
    cpu = platform.processor() or "unknown CPU"
    try:
        with open("/proc/cpuinfo") as fh:
            cpu = next(line.split(":", 1)[1].strip() for line in fh if "model name" in line)
    except (OSError, StopIteration):
        pass
    load = ", ".join(f"{v:.2f}" for v in os.getloadavg())
    return (
        f"{cpu}; {os.cpu_count()} logical CPUs; load average {load}; "
        f"Python {platform.python_version()}, NumPy {np.__version__}; BLAS threads = 1"
    )


def direct_rows(n: int, repeat: int) -> list[str]:
    A, b, x = problems.shaw(n)
    bn = problems.add_noise(b, 1e-3, 0)
    delta = float(np.linalg.norm(bn - b))
    rows = []
    for label, L in (("I", None), ("diff2", operators.difference(n, 2))):
        t_dec = median_time(lambda L=L: StandardForm(A, bn, L), repeat)
        sf = StandardForm(A, bn, L)
        spec = sf.spectrum
        cells = [f"{t_dec * 1e3:.0f}"]
        for rule in RULES:
            t_rule = median_time(
                lambda rule=rule, spec=spec: pc.choose(spec, rule, delta), 3 * repeat
            )
            cells.append(f"{t_rule * 1e3:.1f}")
        lam = pc.choose(spec, "gcv", delta)[0]
        t_x = median_time(lambda sf=sf, lam=lam: sf.solution(lam), 5 * repeat)
        err = np.linalg.norm(sf.solution(lam) - x) / np.linalg.norm(x)
        cells += [f"{t_x * 1e3:.2f}", f"{err:.3f}"]
        rows.append(f"| {n} | {label} | " + " | ".join(cells) + " |")
    return rows


def blur(n: int, width: float = 8.0, band: int = 32) -> sp.csr_matrix:
    """Banded Gaussian blur (std ``width`` grid points, cut at ``band``), rows summing to 1.

    Its symbol exp(−(2πf·width)²/2) makes it severely ill-posed: a sparse test operator.
    """
    offsets = np.arange(-band, band + 1)
    weights = np.exp(-(offsets**2) / (2 * width**2))
    weights /= weights.sum()
    diagonals = [np.full(n - abs(k), w) for k, w in zip(offsets, weights)]
    return sp.diags(diagonals, offsets, format="csr")


def iterative_rows(n: int, repeat: int) -> list[str]:
    A = blur(n)
    t = (np.arange(n) + 0.5) / n
    x = np.exp(-((t - 0.3) ** 2) / 0.005) + 0.6 * np.exp(-((t - 0.7) ** 2) / 0.02)
    x = x + (np.abs(t - 0.5) < 0.05)  # a box: the edges need small λ
    b = A @ x
    bn = problems.add_noise(b, 1e-3, 0)
    delta = float(np.linalg.norm(bn - b))
    runs = {
        "lsqr (λ = 0.01)": lambda: inv.lsqr(A, bn, 0.01),
        "cgls (discrepancy)": lambda: inv.cgls(A, bn, noise_norm=delta),
        "hybrid (gcv)": lambda: inv.hybrid(A, bn, lam="gcv"),
        "hybrid (discrepancy)": lambda: inv.hybrid(A, bn, lam="discrepancy", noise_norm=delta),
    }
    rows = []
    for name, run in runs.items():
        seconds = median_time(run, repeat)
        r = run()
        err = np.linalg.norm(r.x - x) / np.linalg.norm(x)
        rows.append(
            f"| {name} | {n} | {A.nnz} | {r.n_iter} | {r.lam:.3g} | {seconds:.2f} | {err:.3f} |"
        )
    return rows


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="n = 128, 256 and a smaller blur")
    parser.add_argument("--repeat", type=int, default=3, help="timing repeats (median)")
    args = parser.parse_args()
    sizes = (128, 256) if args.quick else (256, 1024, 2048)
    big = 4000 if args.quick else 20000
    with threadpool_limits(limits=1):
        print(machine(), end="\n\n")
        print("Direct: shaw(n), 0.1 % noise; times in ms (medians)\n")
        head = ["n", "L", "decomposition"] + list(RULES) + ["x(λ)", "rel. error (gcv)"]
        print("| " + " | ".join(head) + " |")
        print("|" + "---|" * len(head))
        for n in sizes:
            for row in direct_rows(n, args.repeat):
                print(row, flush=True)
        print("\nIterative: sparse banded Gaussian blur, 0.1 % noise; times in s (medians)\n")
        print("| method | n | nnz(A) | iterations | λ | time | rel. error |")
        print("|---|---|---|---|---|---|---|")
        for row in iterative_rows(big, args.repeat):
            print(row, flush=True)


if __name__ == "__main__":
    main()
