"""Arrays to tensors for training, and the held-out split that scores each weight decay."""

from __future__ import annotations

from typing import Any

import numpy as np
import torch

from ridgeway.nn.training import Dataset

__all__ = ["as_dataset", "split_indices", "to_tensor"]


def to_tensor(values: Any, dtype: torch.dtype, device: str, name: str) -> torch.Tensor:
    """A finite array as a tensor (labels for cross-entropy stay integers)."""
    arr = np.asarray(values)
    if arr.dtype.kind not in "biuf":
        raise TypeError(f"{name} must contain numbers; got dtype {arr.dtype}")
    if arr.dtype.kind == "f" and not np.all(np.isfinite(arr)):
        raise ValueError(f"{name} must be finite; it contains NaN or inf")
    if dtype == torch.long:
        return torch.as_tensor(arr.astype(np.int64), device=device)
    arr = np.ascontiguousarray(arr)
    if not arr.flags.writeable:  # a read-only view (pandas): torch shares memory, so copy
        arr = arr.copy()
    return torch.as_tensor(arr, device=device).to(dtype)


def as_dataset(
    X: Any, y: Any, X_val: Any, y_val: Any, loss: str, dtype: torch.dtype, device: str
) -> Dataset:
    """Tensors for a loss: float targets for mse/bce, integer classes for cross_entropy."""
    target = torch.long if loss == "cross_entropy" else dtype
    Xt = to_tensor(X, dtype, device, "X")
    if Xt.ndim != 2 or Xt.shape[0] == 0:
        raise ValueError(f"X must be 2-D with at least one row; got shape {tuple(Xt.shape)}")
    yt = to_tensor(y, target, device, "y")
    if yt.shape[0] != Xt.shape[0]:
        raise ValueError(f"y must have {Xt.shape[0]} rows like X; got {yt.shape[0]}")
    Xv = to_tensor(X_val, dtype, device, "X_val").reshape(-1, Xt.shape[1])
    yv = to_tensor(y_val, target, device, "y_val").reshape((-1, *yt.shape[1:]))
    return Dataset(Xt, yt, Xv, yv)


def split_indices(n: int, validation_fraction: float, seed: int) -> tuple[np.ndarray, np.ndarray]:
    """A seeded random split: (train indices, validation indices); fraction 0 gives no rows."""
    if not 0 <= validation_fraction < 1:
        raise ValueError(f"validation_fraction must be in [0, 1); got {validation_fraction!r}")
    order = np.random.default_rng(seed).permutation(n)
    n_val = round(validation_fraction * n)
    if validation_fraction > 0 and not 1 <= n_val < n:
        raise ValueError(
            f"validation_fraction={validation_fraction} leaves no rows on one side of {n} samples"
        )
    return np.sort(order[n_val:]), np.sort(order[:n_val])
