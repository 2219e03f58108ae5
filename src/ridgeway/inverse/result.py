"""Frozen results of an inverse solve: the solution, λ, and the curve λ was chosen on."""

from __future__ import annotations

from dataclasses import FrozenInstanceError, dataclass, field

import numpy as np

from ridgeway.solvers.spectral.spectrum import SpectrumBase

__all__ = ["Curve", "Spectrum", "TikhonovResult"]


class Spectrum:
    """The spectral data every λ is computed from: a view of the core's spectrum.

    The numbers live in a :class:`ridgeway.solvers.spectral.spectrum.SpectrumBase` (``core``:
    the same object the ridge routes produce, whose ``df``, ``rss``, ``penalty_norm`` and
    ``trace_hat_squared`` every rule reads); this class names them as the inverse texts do.
    ``sigma`` are the singular values of A (L = I) or the generalized singular values of
    (A, L) in standard form, descending; ``beta`` the data coefficients uᵢᵀb̄;
    ``floor`` = ‖b̄‖² − ‖β‖², the squared residual no λ can remove (data outside the range);
    ``n_rows`` the number of data values m; ``n_free`` the dimension of the null space of L
    (components fitted without penalty: they add to the degrees of freedom).
    Read-only; ``Spectrum(sigma, beta, floor, n_rows, n_free)`` builds one from arrays.
    """

    __slots__ = ("core",)
    core: SpectrumBase

    def __init__(
        self, sigma: np.ndarray, beta: np.ndarray, floor: float, n_rows: int, n_free: int = 0
    ) -> None:
        core = SpectrumBase(
            method="given", sigma=np.asarray(sigma, dtype=np.float64),
            uty=np.asarray(beta, dtype=np.float64).reshape(-1, 1),
            rss_perp=np.array([float(floor)]), n_unpenalized=int(n_free), n_samples=int(n_rows),
            weight_sum=float(n_rows), fit_intercept=False,
        )  # fmt: skip
        object.__setattr__(self, "core", core)

    @classmethod
    def view(cls, core: SpectrumBase) -> Spectrum:
        """The inverse names for a single-target core spectrum (no copy)."""
        spec = cls.__new__(cls)
        object.__setattr__(spec, "core", core)
        return spec

    def __setattr__(self, name: str, value: object) -> None:
        raise FrozenInstanceError(f"cannot assign to field {name!r}")

    @property
    def sigma(self) -> np.ndarray:
        return self.core.sigma

    @property
    def beta(self) -> np.ndarray:
        return self.core.uty[:, 0]

    @property
    def floor(self) -> float:
        return float(self.core.rss_perp[0])

    @property
    def n_rows(self) -> int:
        return self.core.n_samples

    @property
    def n_free(self) -> int:
        return self.core.n_unpenalized

    def filter(self, lam: float) -> np.ndarray:
        """Tikhonov filter factors fᵢ = σᵢ²/(σᵢ² + λ²)."""
        s2 = self.sigma**2
        with np.errstate(invalid="ignore", divide="ignore"):
            return np.where(s2 > 0, s2 / (s2 + lam**2), 0.0)

    def coefficients(self, lam: float) -> np.ndarray:
        """Standard-form solution coefficients fᵢβᵢ/σᵢ = σᵢβᵢ/(σᵢ² + λ²) (0 where σᵢ = λ = 0)."""
        denom = self.sigma**2 + lam**2
        with np.errstate(invalid="ignore", divide="ignore"):
            return np.where(denom > 0, self.sigma * self.beta / denom, 0.0)


@dataclass(frozen=True)
class Curve:
    """A parameter-choice criterion as a function of λ (or of the iteration count).

    ``param`` is the λ grid (ascending) or the iteration numbers (``param_name`` says which);
    ``values`` the criterion (``criterion`` names it: "gcv", "curvature", "residual_norm",
    "quasi", "upre"); ``residual_norm`` ‖Ax − b‖ and ``solution_norm`` ‖L(x − x₀)‖ at each
    point, so that every result can also draw its L-curve; ``target`` the residual norm the
    discrepancy principle aims at (else None).
    """

    param: np.ndarray
    values: np.ndarray
    criterion: str
    residual_norm: np.ndarray
    solution_norm: np.ndarray
    param_name: str = "lam"
    target: float | None = None

    @property
    def lam(self) -> np.ndarray:
        """The λ grid (only for curves over λ)."""
        if self.param_name != "lam":
            raise AttributeError(f"this curve is over {self.param_name}, not lam")
        return self.param


@dataclass(frozen=True)
class TikhonovResult:
    """The regularized solution of min ‖Ax − b‖² + λ²‖L(x − x₀)‖².

    ``lam`` is λ in this λ² form; ridgeway's objective ½‖Ax − b‖² + (l2/2)‖L(x − x₀)‖² is the
    same problem halved, so ``l2 = lam**2``. ``method`` is how λ was chosen ("given", "gcv",
    "lcurve", "discrepancy", "quasi", "upre", "tsvd-…", "cgls", "lsqr", "hybrid-…");
    ``residual_norm`` = ‖Ax − b‖, ``solution_norm`` = ‖L(x − x₀)‖, ``dof`` the effective
    number of parameters (trace of the influence matrix), ``curve`` the criterion over λ
    (None when λ was given to an iterative solver), ``spectrum`` the spectral data (direct
    and hybrid solvers), ``n_iter`` iterations used (iterative solvers), ``notes`` what a
    safeguard did (e.g. the GCV minimum sat at the edge of the grid).
    """

    x: np.ndarray
    lam: float
    method: str
    curve: Curve | None
    residual_norm: float
    solution_norm: float
    dof: float
    spectrum: Spectrum | None = None
    n_iter: int = 0
    notes: tuple[str, ...] = field(default_factory=tuple)

    @property
    def l2(self) -> float:
        """ridgeway's ``l2`` for this solution: l2 = λ² (DESIGN §1)."""
        return self.lam**2
