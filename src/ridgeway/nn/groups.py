"""Which parameters a weight decay touches: optimizer parameter groups, their table, the penalty.

Frameworks leave this to name patterns ("bias", "LayerNorm.weight") that miss a BatchNorm
registered as ``bn`` or an RMSNorm in a custom block. Here the rule looks at the module that
owns each parameter: every normalization layer (torch's, and any module whose class name ends
in ``Norm``) and every bias is left undecayed, and ``model.no_weight_decay()`` (timm's
convention) is honoured.
"""

from __future__ import annotations

import fnmatch
import warnings
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

import torch
from torch import nn

if TYPE_CHECKING:
    import pandas as pd

__all__ = ["ParameterDecision", "decay_table", "decide", "l2_penalty", "param_groups"]

#: a user rule: (qualified name, parameter, owning module) -> True to exclude from decay
ExcludeRule = Callable[[str, nn.Parameter, nn.Module], bool]

_NORM_TYPES: tuple[type[nn.Module], ...] = (
    nn.modules.batchnorm._NormBase,  # BatchNorm*, InstanceNorm*, SyncBatchNorm, lazy ones
    nn.LayerNorm,
    nn.GroupNorm,
    nn.RMSNorm,
    nn.LocalResponseNorm,
)
_EMBEDDING_TYPES: tuple[type[nn.Module], ...] = (nn.Embedding, nn.EmbeddingBag)


@dataclass(frozen=True)
class ParameterDecision:
    """One parameter's place in the decay: its names (several if tied), shape, decision, why."""

    names: tuple[str, ...]
    parameter: nn.Parameter
    decayed: bool
    reason: str


def is_normalization(module: nn.Module) -> bool:
    """torch's normalization layers, and any custom one named like them (LlamaRMSNorm, …)."""
    return isinstance(module, _NORM_TYPES) or type(module).__name__.endswith("Norm")


def _model_no_decay(model: nn.Module) -> tuple[set[str], tuple[str, ...]]:
    """Names from ``model.no_weight_decay()`` and keywords from ``no_weight_decay_keywords()``."""
    hook: Any = getattr(model, "no_weight_decay", None)
    names = set(hook()) if callable(hook) else set()
    keyword_hook: Any = getattr(model, "no_weight_decay_keywords", None)
    keywords = tuple(keyword_hook()) if callable(keyword_hook) else ()
    return names, keywords


def _auto_reason(
    name: str,
    param: nn.Parameter,
    module: nn.Module,
    model_names: tuple[set[str], tuple[str, ...]],
    decay_embeddings: bool,
) -> tuple[bool, str]:
    names, keywords = model_names
    leaf = name.rsplit(".", 1)[-1]
    if name in names or any(k in name for k in keywords):
        return False, "model.no_weight_decay()"
    if is_normalization(module):
        return False, f"normalization layer ({type(module).__name__})"
    if leaf == "bias":
        return False, "bias"
    if isinstance(module, _EMBEDDING_TYPES):
        return decay_embeddings, f"embedding (decay_embeddings={decay_embeddings})"
    return True, f"{type(module).__name__}.{leaf}"


def _named_with_owner(model: nn.Module) -> list[tuple[str, nn.Parameter, nn.Module]]:
    out = []
    for module_name, module in model.named_modules(remove_duplicate=False):
        for leaf, param in module.named_parameters(recurse=False, remove_duplicate=False):
            name = f"{module_name}.{leaf}" if module_name else leaf
            out.append((name, param, module))
    return out


def _matches(name: str, patterns: Sequence[str]) -> bool:
    return any(name == p or fnmatch.fnmatchcase(name, p) for p in patterns)


def decide(
    model: nn.Module,
    exclude: str | ExcludeRule = "auto",
    no_decay: Sequence[str] = (),
    decay_embeddings: bool = True,
) -> list[ParameterDecision]:
    """Each trainable parameter once (tied ones under all their names), decayed or not, and why.

    ``exclude="auto"``: the module-type rule above; a callable ``(name, param, module) -> bool``
    replaces it (True excludes); ``no_decay``: further names or glob patterns to exclude.
    A tied parameter whose names disagree is decayed only if all its names say so (warned).
    """
    if not (exclude == "auto" or callable(exclude)):
        raise ValueError(f"exclude must be 'auto' or a callable; got {exclude!r}")
    model_names = _model_no_decay(model)
    by_id: dict[int, list[tuple[str, nn.Parameter, bool, str]]] = {}
    for name, param, module in _named_with_owner(model):
        if not param.requires_grad:
            continue
        if _matches(name, no_decay):
            decayed, reason = False, "no_decay"
        elif callable(exclude):
            decayed = not exclude(name, param, module)
            reason = "exclude callable"
        else:
            decayed, reason = _auto_reason(name, param, module, model_names, decay_embeddings)
        by_id.setdefault(id(param), []).append((name, param, decayed, reason))
    return [_merge_tied(entries) for entries in by_id.values()]


def _merge_tied(entries: list[tuple[str, nn.Parameter, bool, str]]) -> ParameterDecision:
    names = tuple(e[0] for e in entries)
    decisions = {e[2] for e in entries}
    if len(decisions) > 1:
        warnings.warn(
            f"tied parameter {' = '.join(names)}: its names disagree on decay; it is left "
            "undecayed (pass no_decay=… or exclude=… to decide)",
            UserWarning,
            stacklevel=3,
        )
        excluded = next(e for e in entries if not e[2])
        return ParameterDecision(names, entries[0][1], False, f"tied; {excluded[3]}")
    reason = entries[0][3] + (f" (tied: {len(names)} names)" if len(names) > 1 else "")
    return ParameterDecision(names, entries[0][1], entries[0][2], reason)


def param_groups(
    model: nn.Module,
    weight_decay: float,
    exclude: str | ExcludeRule = "auto",
    no_decay: Sequence[str] = (),
    decay_embeddings: bool = True,
) -> list[dict[str, Any]]:
    """Two torch optimizer parameter groups: ``weight_decay`` on weights, 0 on the rest.

    ``weight_decay`` is in the optimizer's own units: convert our λ with
    :func:`ridgeway.conventions.to_torch_weight_decay` (the factor depends on the loss).
    Each group carries ``param_names`` (torch's key) and ``decay_reasons``, which
    :func:`decay_table` reads. Use: ``torch.optim.SGD(param_groups(model, wd), lr=…)``.
    """
    wd = float(weight_decay)
    if not wd >= 0 or wd == float("inf"):
        raise ValueError(f"weight_decay must be a finite number >= 0; got {weight_decay!r}")
    decisions = decide(model, exclude, no_decay, decay_embeddings)
    groups = []
    for decayed, value in ((True, wd), (False, 0.0)):
        chosen = [d for d in decisions if d.decayed is decayed]
        groups.append(
            {
                "params": [d.parameter for d in chosen],
                "weight_decay": value,
                "decayed": decayed,
                "param_names": [d.names[0] for d in chosen],
                "decay_reasons": [d.reason for d in chosen],
            }
        )
    _warn_decayed_norms(model, groups)
    return [g for g in groups if g["params"]]


def _group_of(groups: Iterable[dict[str, Any]]) -> dict[int, list[tuple[int, dict[str, Any]]]]:
    where: dict[int, list[tuple[int, dict[str, Any]]]] = {}
    for index, group in enumerate(groups):
        for param in group["params"]:
            where.setdefault(id(param), []).append((index, group))
    return where


def _warn_decayed_norms(model: nn.Module, groups: list[dict[str, Any]]) -> None:
    where = _group_of(groups)
    for name, param, module in _named_with_owner(model):
        placed = where.get(id(param), [])
        if is_normalization(module) and any(g.get("weight_decay", 0) > 0 for _, g in placed):
            warnings.warn(
                f"{name} belongs to a normalization layer ({type(module).__name__}) and is "
                "decayed: decay on a normalization scale fights the normalization itself",
                UserWarning,
                stacklevel=3,
            )


def decay_table(model: nn.Module, groups: Sequence[dict[str, Any]]) -> pd.DataFrame:
    """One row per parameter name: ``name``, ``shape``, ``decayed``, ``reason``, ``group``.

    Works on any list of groups (ours or hand-made). Warns on a decayed normalization weight,
    on a parameter in two groups, and on a trainable parameter in none.
    """
    import pandas as pd

    groups = list(groups)
    where = _group_of(groups)
    rows, doubled, missing = [], [], []
    for name, param, _ in _named_with_owner(model):
        placed = where.get(id(param), [])
        if len(placed) > 1:
            doubled.append(f"{name} (groups {[i for i, _ in placed]})")
        if not placed and param.requires_grad:
            missing.append(name)
        rows.append(_table_row(name, param, placed))
    if doubled:
        warnings.warn(
            f"in two or more optimizer groups: {', '.join(doubled)}; torch rejects that, and "
            "a tied weight needs one group",
            UserWarning,
            stacklevel=2,
        )
    if missing:
        warnings.warn(
            f"in no optimizer group, so never trained: {', '.join(missing)}",
            UserWarning,
            stacklevel=2,
        )
    _warn_decayed_norms(model, groups)
    return pd.DataFrame(rows, columns=["name", "shape", "decayed", "reason", "group"])


def _table_row(
    name: str, param: nn.Parameter, placed: list[tuple[int, dict[str, Any]]]
) -> dict[str, Any]:
    if not placed:
        return {
            "name": name,
            "shape": tuple(param.shape),
            "decayed": False,
            "reason": "in no group",
            "group": -1,
        }
    index, group = placed[0]
    wd = float(group.get("weight_decay", 0.0))
    reason = f"group {index}: weight_decay={wd:g}"
    positions = [i for i, p in enumerate(group["params"]) if p is param]
    reasons = group.get("decay_reasons")
    if reasons is not None and positions:
        reason = reasons[positions[0]]
    return {
        "name": name,
        "shape": tuple(param.shape),
        "decayed": wd > 0,
        "reason": reason,
        "group": index,
    }


def l2_penalty(
    model: nn.Module, l2: float, groups: Sequence[dict[str, Any]] | None = None
) -> torch.Tensor:
    """The seed's explicit term (l2/2)·Σ w² over the decayed parameters (a differentiable scalar).

    Decayed means: in a group with weight_decay > 0 of ``groups``, or by the ``"auto"`` rule of
    :func:`param_groups` when ``groups`` is None. Adding ``l2_penalty(model, wd)`` to a loss
    and training with weight_decay=0 follows the same trajectory as SGD/Adam with
    weight_decay=wd (not AdamW: that decay is decoupled).
    """
    if groups is None:
        params = [d.parameter for d in decide(model) if d.decayed]
    else:
        params = [p for g in groups if g.get("weight_decay", 0) > 0 for p in g["params"]]
    if not params:
        return torch.zeros((), dtype=next(model.parameters()).dtype)
    total = sum((p.pow(2).sum() for p in params), torch.zeros((), dtype=params[0].dtype))
    return 0.5 * float(l2) * total
