"""Save and load a fitted ALS in a safe format: one zip of JSON (parameters) and an .npz of
plain arrays, read with ``allow_pickle=False`` — nothing in the file can run code.

Ids travel as arrays too: numbers keep their dtype; strings and other objects are written as
text (an id loaded back is then a ``str``).
"""

from __future__ import annotations

import io
import json
import zipfile
from pathlib import Path
from typing import Any

import numpy as np
import scipy.sparse as sp

from ridgeway.recommend.als import ALS
from ridgeway.recommend.factorize import Spec
from ridgeway.recommend.params import resolve_dtype

FORMAT = "ridgeway.recommend.ALS/1"
ARRAYS = (
    "user_factors_",
    "item_factors_",
    "user_bias_",
    "item_bias_",
    "objective_",
    "item_popularity_",
    "user_counts_",
)


class ModelFileError(ValueError):
    """The file is not a ridgeway recommender model this version can read."""


def _id_array(ids: np.ndarray) -> np.ndarray:
    ids = np.asarray(ids)
    return ids.astype(str) if ids.dtype == object else ids


def save(model: ALS, path: str | Path) -> Path:
    """Write ``model`` (fitted ALS or ALSCV) to ``path`` (a .zip)."""
    if not hasattr(model, "user_factors_"):
        raise ValueError("model is not fitted; call fit first")
    spec = dict(vars(model.spec_))
    spec["dtype"] = np.dtype(spec["dtype"]).name
    meta = {
        "format": FORMAT,
        "spec": spec,
        "global_mean": model.global_mean_,
        "solve_residual": model.solve_residual_,
        "cg_fallbacks": model.cg_fallbacks_,
        "converged": bool(model.converged_),
        "l2": float(model.spec_.l2),
    }
    arrays = {name: np.asarray(getattr(model, name)) for name in ARRAYS}
    arrays["user_ids_"] = _id_array(model.user_ids_)
    arrays["item_ids_"] = _id_array(model.item_ids_)
    seen = model.seen_.tocsr()
    arrays.update(seen_data=seen.data, seen_indices=seen.indices, seen_indptr=seen.indptr)
    buffer = io.BytesIO()
    savez: Any = np.savez  # numpy's stubs read **arrays as its allow_pickle flag
    savez(buffer, **arrays)
    path = Path(path)
    with zipfile.ZipFile(path, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("model.json", json.dumps(meta, indent=2))
        archive.writestr("arrays.npz", buffer.getvalue())
    return path


def load(path: str | Path) -> ALS:
    """Read a model written by :func:`save` (no pickle: arrays with allow_pickle=False)."""
    try:
        with zipfile.ZipFile(path) as archive:
            meta = json.loads(archive.read("model.json"))
            payload = archive.read("arrays.npz")
    except (OSError, KeyError, zipfile.BadZipFile, json.JSONDecodeError) as error:
        raise ModelFileError(f"{path} is not a ridgeway recommender model: {error}") from None
    if meta.get("format") != FORMAT:
        raise ModelFileError(f"{path}: format {meta.get('format')!r}, expected {FORMAT!r}")
    with np.load(io.BytesIO(payload), allow_pickle=False) as arrays:
        values = {name: arrays[name] for name in arrays.files}
    spec_fields = dict(meta["spec"])
    spec_fields["dtype"] = resolve_dtype(spec_fields["dtype"])
    spec = Spec(**spec_fields)
    model = ALS(
        factors=spec.factors,
        l2=spec.l2,
        feedback=spec.feedback,
        l2_scaling=spec.l2_scaling,
        confidence=spec.confidence,
        alpha=spec.alpha,
        biases=spec.biases,
        l2_bias=spec.l2_bias,
        iterations=spec.iterations,
        tol=spec.tol,
        solver=spec.solver,
        cg_steps=spec.cg_steps,
        solve_tol=spec.solve_tol,
        dtype=np.dtype(spec.dtype).name,
    )
    model.spec_ = spec
    for name in (*ARRAYS, "user_ids_", "item_ids_"):
        setattr(model, name, values[name])
    model.global_mean_ = float(meta["global_mean"])
    model.solve_residual_ = float(meta["solve_residual"])
    model.cg_fallbacks_ = int(meta["cg_fallbacks"])
    model.converged_ = bool(meta["converged"])
    model.n_iter_ = int(values["objective_"].size)
    shape = (values["user_ids_"].size, values["item_ids_"].size)
    model.seen_ = sp.csr_matrix(
        (values["seen_data"], values["seen_indices"], values["seen_indptr"]), shape=shape
    )
    return model
