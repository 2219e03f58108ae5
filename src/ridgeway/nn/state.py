"""A fitted MLP as plain data and back: a JSON spec plus named numeric arrays, never pickle.

:func:`network_arrays` gives ``(spec, arrays)``: the spec holds the architecture (input
width, hidden widths, activation, output width, dtype), ``l2_``, ``weight_decay_``,
``n_iter_`` and the search's summary (rule, budget, chosen index, epochs in all); the arrays
hold the module's ``state_dict`` tensors as ``state/<name>`` (in the network's own dtype, so
a reload predicts bit for bit), the kept run's epochs as ``history/<column>`` and the
search's ``cv_results_`` as ``cv_results_/<key>``. :func:`restore_network` checks every piece
(names, shapes and dtypes computed from the declared architecture *before* anything is
allocated, then against the rebuilt module; finiteness) and raises ``ValueError`` naming what
is wrong. Only the chosen λ's run history is kept of a search, not the other runs.
"""

from __future__ import annotations

import itertools
import math
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import torch

from ridgeway.nn.history import EpochRecord, TrainingHistory
from ridgeway.nn.mlp import ACTIVATIONS, DTYPES, build_network

__all__ = [
    "HISTORY",
    "RESULTS",
    "RESULT_KEYS",
    "STATE",
    "SavedSearch",
    "expected_names",
    "network_arrays",
    "restore_network",
]

STATE, HISTORY, RESULTS = "state/", "history/", "cv_results_/"
#: the search summary a file keeps (WeightDecaySearch.cv_results_)
RESULT_KEYS = ("l2", "mean_score", "std_error", "train_score", "gap", "df", "best_index",
               "index_min", "index_1se", "fold_scores", "weight_decay", "epochs", "collapsed",
               "diverged", "norm_decayed", "decay_per_step", "tau_epochs", "finalist")  # fmt: skip
_SCALAR_RESULTS = ("index_min", "index_1se")
_INT_RESULTS = ("best_index", "index_min", "index_1se", "epochs")
_BOOL_RESULTS = ("collapsed", "diverged", "finalist")
HISTORY_INTS = ("epoch", "run")
HISTORY_FLOATS = ("train_loss", "val_loss", "decay_per_step")
NORM_GROUPS = ("decayed", "undecayed")
HISTORY_COLUMNS = (*HISTORY_INTS, *HISTORY_FLOATS, *(f"norm_{g}" for g in NORM_GROUPS))
SPEC_KEYS = ("architecture", "l2_", "weight_decay_", "n_iter_", "search", "history")
SEARCH_KEYS = ("optimizer", "rule", "budget", "best_index_", "l2_", "weight_decay_",
               "total_epochs_")  # fmt: skip
MAX_WIDTH, MAX_LAYERS = 2**20, 64
_DTYPE_NAMES = {v: k for k, v in DTYPES.items()}


@dataclass
class SavedSearch:
    """What a model file keeps of a :class:`~ridgeway.nn.WeightDecaySearch`: its summary
    (``cv_results_`` and the choice) and the chosen λ's history, not the other runs."""

    cv_results_: dict[str, np.ndarray]
    optimizer: str
    rule: str
    budget: str
    best_index_: int
    l2_: float
    weight_decay_: float
    total_epochs_: int
    histories_: dict[int, TrainingHistory] = field(default_factory=dict)


def expected_names(architecture: dict[str, Any]) -> dict[str, tuple[int, ...]]:
    """``state/<name>`` → shape of every tensor the declared architecture has (no torch)."""
    widths = [architecture["n_features_in"], *architecture["hidden"], architecture["n_outputs"]]
    out: dict[str, tuple[int, ...]] = {}
    for i, (a, b) in enumerate(itertools.pairwise(widths)):
        out[f"{STATE}{2 * i}.weight"] = (b, a)
        out[f"{STATE}{2 * i}.bias"] = (b,)
    return out


# ---- writing --------------------------------------------------------------------------------


def _float(value: Any) -> float:
    return float(value)


def network_arrays(est: Any) -> tuple[dict[str, Any], dict[str, np.ndarray]]:
    """(spec, arrays) of a fitted MLPRegressor / MLPClassifier; ValueError when not savable."""
    if not hasattr(est, "model_"):
        raise ValueError(f"{type(est).__name__} must be fitted before saving; it has no model_")
    state = est.model_.state_dict()
    dtypes = {t.dtype for t in state.values()}
    if len(dtypes) != 1 or next(iter(dtypes)) not in _DTYPE_NAMES:
        raise ValueError(f"the network's tensors must all be float32 or float64; got {dtypes}")
    arrays = {f"{STATE}{k}": t.detach().to("cpu").numpy().copy() for k, t in state.items()}
    for name, value in arrays.items():
        if not np.isfinite(value).all():
            raise ValueError(f"tensor {name} holds NaN or inf (a diverged network): refit first")
    last = list(state.values())[-1]
    architecture = {
        "n_features_in": int(est.n_features_in_),
        "hidden": [int(w) for w in est.hidden],
        "activation": str(est.activation),
        "n_outputs": int(last.shape[0]),
        "dtype": _DTYPE_NAMES[next(iter(dtypes))],
    }
    if set(arrays) != set(expected_names(architecture)):
        raise ValueError("the network is not the MLP its parameters describe: not savable")
    search = getattr(est, "search_", None)
    summary = None
    if search is not None:
        summary = {
            "optimizer": str(search.optimizer),
            "rule": str(search.rule),
            "budget": str(search.budget),
            "best_index_": int(search.best_index_),
            "l2_": _float(search.l2_),
            "weight_decay_": _float(search.weight_decay_),
            "total_epochs_": int(search.total_epochs_),
        }
        for key in RESULT_KEYS:
            arrays[f"{RESULTS}{key}"] = np.asarray(search.cv_results_[key])
    history = getattr(est, "history_", None)
    if history is not None and len(history):
        records = history.records
        for name in HISTORY_INTS:
            arrays[f"{HISTORY}{name}"] = np.array([getattr(r, name) for r in records], np.int64)
        for name in HISTORY_FLOATS:
            arrays[f"{HISTORY}{name}"] = history.column(name)
        for group in NORM_GROUPS:
            arrays[f"{HISTORY}norm_{group}"] = history.column(f"norm_{group}")
    spec = {
        "architecture": architecture,
        "l2_": _float(est.l2_),
        "weight_decay_": _float(est.weight_decay_),
        "n_iter_": int(getattr(est, "n_iter_", 0)),
        "search": summary,
        "history": history is not None and len(history) > 0,
    }
    return spec, arrays


# ---- reading --------------------------------------------------------------------------------


def _need(condition: bool, problem: str) -> None:
    if not condition:
        raise ValueError(problem)


def _is_int(value: Any, low: int = 0, high: int | None = None) -> bool:
    return (
        isinstance(value, int)
        and not isinstance(value, bool)
        and value >= low
        and (high is None or value <= high)
    )


def _is_real(value: Any, finite: bool = True) -> bool:
    return (
        isinstance(value, int | float)
        and not isinstance(value, bool)
        and (not finite or math.isfinite(value))
    )


def _check_architecture(arch: Any) -> dict[str, Any]:
    _need(isinstance(arch, dict) and set(arch) == {"n_features_in", "hidden", "activation",
          "n_outputs", "dtype"}, "architecture must name exactly n_features_in, hidden, "
          "activation, n_outputs and dtype")  # fmt: skip
    _need(_is_int(arch["n_features_in"], 1, MAX_WIDTH), "architecture n_features_in is invalid")
    _need(_is_int(arch["n_outputs"], 1, MAX_WIDTH), "architecture n_outputs is invalid")
    hidden = arch["hidden"]
    _need(isinstance(hidden, list) and len(hidden) <= MAX_LAYERS
          and all(_is_int(w, 1, MAX_WIDTH) for w in hidden),
          f"architecture hidden must be at most {MAX_LAYERS} widths >= 1")  # fmt: skip
    _need(arch["activation"] in ACTIVATIONS, f"activation must be one of {tuple(ACTIVATIONS)}")
    _need(arch["dtype"] in DTYPES, f"dtype must be one of {tuple(DTYPES)}")
    return arch


def _check_state(arrays: dict[str, np.ndarray], arch: dict[str, Any]) -> dict[str, np.ndarray]:
    expected = expected_names(arch)
    state = {k: v for k, v in arrays.items() if k.startswith(STATE)}
    missing, extra = sorted(set(expected) - set(state)), sorted(set(state) - set(expected))
    _need(not missing and not extra,
          f"the tensors do not match the declared architecture (missing {missing[:3]}, "
          f"unexpected {extra[:3]})")  # fmt: skip
    dtype = np.dtype(arch["dtype"])
    for name, shape in expected.items():
        value = state[name]
        _need(value.shape == shape,
              f"tensor {name} has shape {value.shape}; the architecture gives {shape}")  # fmt: skip
        _need(value.dtype == dtype, f"tensor {name} has dtype {value.dtype}, not {dtype}")
        _need(bool(np.isfinite(value).all()), f"tensor {name} holds NaN or inf")
    return state


def _module(arch: dict[str, Any], state: dict[str, np.ndarray]) -> torch.nn.Module:
    """The rebuilt module with the stored tensors, each checked against its own."""
    dtype = DTYPES[arch["dtype"]]
    with torch.random.fork_rng(devices=[]):
        module = build_network(arch["n_features_in"], tuple(arch["hidden"]), arch["n_outputs"],
                               arch["activation"]).to(dtype=dtype)  # fmt: skip
    own = module.state_dict()
    _need(set(own) == {k.removeprefix(STATE) for k in state},
          "the tensors' names are not the rebuilt network's")  # fmt: skip
    tensors = {}
    for name, target in own.items():
        value = torch.from_numpy(state[STATE + name].copy())
        _need(tuple(value.shape) == tuple(target.shape) and value.dtype == target.dtype,
              f"tensor {name} does not fit the rebuilt network")  # fmt: skip
        tensors[name] = value
    module.load_state_dict(tensors, strict=True)
    module.eval()
    return module


def _history(arrays: dict[str, np.ndarray]) -> TrainingHistory:
    columns = {c: arrays.get(HISTORY + c) for c in HISTORY_COLUMNS}
    _need(all(v is not None for v in columns.values()),
          f"history needs the columns {', '.join(HISTORY_COLUMNS)}")  # fmt: skip
    n = len(columns["epoch"])  # type: ignore[arg-type]
    for name, value in columns.items():
        assert value is not None
        _need(value.ndim == 1 and value.shape[0] == n, f"history {name} has shape {value.shape}")
        kind = "iu" if name in HISTORY_INTS else "f"
        _need(value.dtype.kind in kind, f"history {name} has dtype {value.dtype}")
    records = []
    for i in range(n):
        norms = {g: float(columns[f"norm_{g}"][i]) for g in NORM_GROUPS}  # type: ignore[index]
        records.append(EpochRecord(
            epoch=int(columns["epoch"][i]),  # type: ignore[index]
            train_loss=float(columns["train_loss"][i]),  # type: ignore[index]
            val_loss=float(columns["val_loss"][i]),  # type: ignore[index]
            norms={g: v for g, v in norms.items() if not math.isnan(v)},
            decay_per_step=float(columns["decay_per_step"][i]),  # type: ignore[index]
            run=int(columns["run"][i]),  # type: ignore[index]
        ))  # fmt: skip
    return TrainingHistory(records)


def _search(summary: Any, arrays: dict[str, np.ndarray]) -> SavedSearch:
    _need(isinstance(summary, dict) and set(summary) == set(SEARCH_KEYS),
          f"search must name exactly {', '.join(SEARCH_KEYS)}")  # fmt: skip
    _need(summary["optimizer"] in ("sgd", "adam", "adamw"), "search optimizer is invalid")
    _need(summary["rule"] in ("min", "1se"), "search rule is invalid")
    _need(summary["budget"] in ("full", "halving"), "search budget is invalid")
    _need(_is_int(summary["total_epochs_"]), "search total_epochs_ is invalid")
    _need(_is_real(summary["l2_"]) and _is_real(summary["weight_decay_"]),
          "search l2_ / weight_decay_ must be finite numbers")  # fmt: skip
    results = {k.removeprefix(RESULTS): v for k, v in arrays.items() if k.startswith(RESULTS)}
    _need(set(results) == set(RESULT_KEYS),
          f"cv_results_ must hold exactly {', '.join(RESULT_KEYS)}")  # fmt: skip
    grid = results["l2"]
    _need(grid.ndim == 1 and grid.size >= 1 and grid.dtype.kind == "f"
          and bool(np.isfinite(grid).all()), "cv_results_ l2 must be finite numbers")  # fmt: skip
    size = grid.size
    for key, value in results.items():
        if key in _SCALAR_RESULTS:
            _need(value.shape == (), f"cv_results_ {key} must be one number")
        elif key == "best_index":
            _need(value.shape == (1,), "cv_results_ best_index must hold one index")
        else:
            _need(value.ndim in (1, 2) and value.shape[0] == size,
                  f"cv_results_ {key} does not match the λ grid")  # fmt: skip
        kind = "iu" if key in _INT_RESULTS else "b" if key in _BOOL_RESULTS else "f"
        _need(value.dtype.kind in kind, f"cv_results_ {key} has dtype {value.dtype}")
        if key in _INT_RESULTS and key != "epochs":
            _need(bool(((value >= 0) & (value < size)).all()), f"cv_results_ {key} is invalid")
    _need(_is_int(summary["best_index_"], 0, size - 1), "search best_index_ is invalid")
    return SavedSearch(
        cv_results_=results,
        optimizer=summary["optimizer"],
        rule=summary["rule"],
        budget=summary["budget"],
        best_index_=summary["best_index_"],
        l2_=float(summary["l2_"]),
        weight_decay_=float(summary["weight_decay_"]),
        total_epochs_=summary["total_epochs_"],
    )


def restore_network(est: Any, spec: Any, arrays: dict[str, np.ndarray]) -> Any:
    """Set the fitted state of ``est`` (parameters set; ``classes_`` for a classifier) from
    :func:`network_arrays`' output; returns ``est``. ValueError for anything inconsistent."""
    _need(isinstance(spec, dict) and set(spec) == set(SPEC_KEYS),
          f"the network spec must name exactly {', '.join(SPEC_KEYS)}")  # fmt: skip
    arch = _check_architecture(spec["architecture"])
    _need(_is_real(spec["l2_"]) and spec["l2_"] >= 0, "l2_ must be a finite number >= 0")
    _need(_is_real(spec["weight_decay_"]), "weight_decay_ must be a finite number")
    _need(_is_int(spec["n_iter_"]), "n_iter_ must be an integer >= 0")
    _need(isinstance(spec["history"], bool), "history must be true or false")
    known = {k for k in arrays if k.startswith((STATE, HISTORY, RESULTS))}
    _need(known == set(arrays), "arrays outside state/, history/ and cv_results_/")
    _need(spec["history"] or not any(k.startswith(HISTORY) for k in arrays),
          "history arrays in a file that declares none")  # fmt: skip
    _need(spec["search"] is not None or not any(k.startswith(RESULTS) for k in arrays),
          "cv_results_ in a file that declares no search")  # fmt: skip
    hidden = est.hidden
    _need(isinstance(hidden, tuple | list) and all(_is_int(w, 1) for w in hidden),
          f"the parameter hidden must be a list of widths; got {hidden!r}")  # fmt: skip
    _need(list(hidden) == arch["hidden"] and est.activation == arch["activation"]
          and est.dtype == arch["dtype"],
          "the parameters hidden / activation / dtype disagree with the architecture")  # fmt: skip
    classes = getattr(est, "classes_", None)
    if classes is not None:
        _need(arch["n_outputs"] == (1 if len(classes) == 2 else len(classes)),
              f"{arch['n_outputs']} outputs for {len(classes)} classes")  # fmt: skip
    names = getattr(est, "feature_names_in_", None)
    _need(names is None or len(names) == arch["n_features_in"],
          "feature_names do not match n_features_in")  # fmt: skip
    state = _check_state(arrays, arch)
    history = _history(arrays) if spec["history"] else None
    search = None if spec["search"] is None else _search(spec["search"], arrays)
    est.model_ = _module(arch, state)
    est.n_features_in_ = arch["n_features_in"]
    if classes is None:
        est.n_outputs_ = arch["n_outputs"]
    est.l2_ = float(spec["l2_"])
    est.weight_decay_ = float(spec["weight_decay_"])
    est.n_iter_ = spec["n_iter_"]
    if history is not None:
        est.history_ = history
    if search is not None:
        if history is not None:
            search.histories_[search.best_index_] = history
        est.search_ = search
        est.cv_results_ = search.cv_results_
    return est
