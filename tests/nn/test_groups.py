"""Which parameters the weight decay touches, asserted parameter by parameter."""

from __future__ import annotations

import warnings

import numpy as np
import pytest
import torch
from torch import nn

import ridgeway.nn as rwnn


class LlamaRMSNorm(nn.Module):
    """A custom norm as transformers writes them: not a torch type, named like one."""

    def __init__(self, d: int) -> None:
        super().__init__()
        self.weight = nn.Parameter(torch.ones(d))

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        return x * torch.rsqrt(x.pow(2).mean(-1, keepdim=True) + 1e-6) * self.weight


class Zoo(nn.Module):
    """Embedding, Conv, a BatchNorm registered as ``bn``, LayerNorm, RMSNorm, a custom norm,
    a positional parameter named by no_weight_decay(), and a head tied to the embedding."""

    def __init__(self, vocab: int = 11, d: int = 6) -> None:
        super().__init__()
        self.wte = nn.Embedding(vocab, d)
        self.pos = nn.Parameter(torch.zeros(1, 4, d))
        self.conv = nn.Conv1d(d, d, 3, padding=1)
        self.bn = nn.BatchNorm1d(d)
        self.ln = nn.LayerNorm(d)
        self.rms = nn.RMSNorm(d)
        self.custom = LlamaRMSNorm(d)
        self.fc = nn.Linear(d, d)
        self.head = nn.Linear(d, vocab, bias=False)
        self.head.weight = self.wte.weight  # tied, as GPT-2 does

    def no_weight_decay(self) -> set[str]:
        return {"pos"}

    def forward(self, tokens: torch.Tensor) -> torch.Tensor:
        h = self.wte(tokens) + self.pos
        h = self.bn(self.conv(h.transpose(1, 2))).transpose(1, 2)
        h = self.custom(self.rms(self.ln(self.fc(h))))
        return self.head(h)


EXPECTED = {
    "wte.weight": (True, "embedding"),
    "pos": (False, "model.no_weight_decay()"),
    "conv.weight": (True, "Conv1d.weight"),
    "conv.bias": (False, "bias"),
    "bn.weight": (False, "normalization layer (BatchNorm1d)"),
    "bn.bias": (False, "normalization layer (BatchNorm1d)"),
    "ln.weight": (False, "normalization layer (LayerNorm)"),
    "ln.bias": (False, "normalization layer (LayerNorm)"),
    "rms.weight": (False, "normalization layer (RMSNorm)"),
    "custom.weight": (False, "normalization layer (LlamaRMSNorm)"),
    "fc.weight": (True, "Linear.weight"),
    "fc.bias": (False, "bias"),
    "head.weight": (True, "embedding"),  # the tied name: same tensor, same row meaning
}


def test_auto_rule_places_every_parameter_of_the_zoo():
    model = Zoo()
    groups = rwnn.param_groups(model, 0.01)
    table = rwnn.decay_table(model, groups)
    assert set(table["name"]) == set(EXPECTED)
    for row in table.itertuples():
        decayed, reason = EXPECTED[row.name]
        assert row.decayed is decayed or row.decayed == decayed, row.name
        assert reason in row.reason, (row.name, row.reason)
    assert table.loc[table.name == "wte.weight", "shape"].item() == (11, 6)
    # the tied tensor is in exactly one group, once
    ids = [id(p) for g in groups for p in g["params"]]
    assert len(ids) == len(set(ids)) == len({id(p) for p in model.parameters()})
    # and torch accepts the groups as they are
    opt = torch.optim.AdamW(groups, lr=1e-3)
    assert [g["weight_decay"] for g in opt.param_groups] == [0.01, 0.0]


def test_name_pattern_rules_miss_what_the_module_rule_catches():
    """HF Trainer's rule (names "bias", "LayerNorm.weight") decays bn, rms and custom norms."""
    model = Zoo()
    hf_no_decay = ("bias", "LayerNorm.weight")
    hf = [
        {
            "params": [
                p for n, p in model.named_parameters() if not any(k in n for k in hf_no_decay)
            ],
            "weight_decay": 0.01,
        },
        {
            "params": [p for n, p in model.named_parameters() if any(k in n for k in hf_no_decay)],
            "weight_decay": 0.0,
        },
    ]
    with pytest.warns(UserWarning, match="normalization layer") as caught:
        table = rwnn.decay_table(model, hf)
    warned = " ".join(str(w.message) for w in caught)
    for name in ("bn.weight", "ln.weight", "rms.weight", "custom.weight"):
        assert table.loc[table.name == name, "decayed"].item(), name
        assert name in warned


def test_decay_embeddings_false_excludes_them_and_warns_on_the_tied_head():
    model = Zoo()
    with pytest.warns(UserWarning, match="tied parameter"):
        groups = rwnn.param_groups(model, 0.1, decay_embeddings=False)
    table = rwnn.decay_table(model, groups)
    assert not table.loc[table.name == "wte.weight", "decayed"].item()
    assert not table.loc[table.name == "head.weight", "decayed"].item()


def test_callable_and_no_decay_patterns():
    model = Zoo()
    with pytest.warns(UserWarning, match="bn.weight belongs to a normalization layer"):
        groups = rwnn.param_groups(
            model,
            0.1,
            exclude=lambda name, p, m: p.ndim < 2 and name != "bn.weight",
            no_decay=("fc.*",),
        )
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # the decayed bn.weight again
        table = rwnn.decay_table(model, groups).set_index("name")
    assert table.loc["bn.weight", "decayed"] and not table.loc["bn.bias", "decayed"]
    assert not table.loc["fc.weight", "decayed"] and table.loc["fc.weight", "reason"] == "no_decay"
    assert table.loc["conv.weight", "decayed"]


def test_table_warns_on_a_parameter_in_two_groups_and_in_none():
    model = nn.Sequential(nn.Linear(3, 2), nn.Linear(2, 1))
    first, second = model[0], model[1]
    groups = [
        {"params": [first.weight, first.bias], "weight_decay": 0.1},
        {"params": [first.weight], "weight_decay": 0.0},
    ]
    with pytest.warns(UserWarning) as caught:
        table = rwnn.decay_table(model, groups)
    messages = " ".join(str(w.message) for w in caught)
    assert "in two or more optimizer groups: 0.weight (groups [0, 1])" in messages
    assert "in no optimizer group, so never trained: 1.weight, 1.bias" in messages
    assert table.set_index("name").loc["1.bias", "group"] == -1
    del second


def test_frozen_parameters_are_left_out():
    model = nn.Sequential(nn.Linear(3, 2), nn.Linear(2, 1))
    model[0].weight.requires_grad_(False)
    groups = rwnn.param_groups(model, 0.1)
    names = [n for g in groups for n in g["param_names"]]
    assert "0.weight" not in names and "1.weight" in names


def test_l2_penalty_plus_plain_sgd_is_sgd_weight_decay():
    """The seed's explicit (λ/2)Σw² gives the same trajectory as the optimizer's decay."""
    torch.manual_seed(3)
    a = nn.Sequential(nn.Linear(5, 8), nn.LayerNorm(8), nn.Tanh(), nn.Linear(8, 1))
    b = nn.Sequential(nn.Linear(5, 8), nn.LayerNorm(8), nn.Tanh(), nn.Linear(8, 1))
    b.load_state_dict(a.state_dict())
    X, y = torch.randn(40, 5), torch.randn(40, 1)
    wd = 0.3
    opt_a = torch.optim.SGD(rwnn.param_groups(a, wd), lr=0.05, momentum=0.9)
    opt_b = torch.optim.SGD(b.parameters(), lr=0.05, momentum=0.9)
    for _ in range(50):
        opt_a.zero_grad()
        nn.functional.mse_loss(a(X), y).backward()
        opt_a.step()
        opt_b.zero_grad()
        (nn.functional.mse_loss(b(X), y) + rwnn.l2_penalty(b, wd)).backward()
        opt_b.step()
    for p, q in zip(a.parameters(), b.parameters()):
        np.testing.assert_allclose(p.detach().numpy(), q.detach().numpy(), atol=1e-13)


def test_l2_penalty_value_counts_decayed_groups_only():
    model = nn.Linear(3, 1)
    with torch.no_grad():
        model.weight.copy_(torch.tensor([[1.0, 2.0, 2.0]]))
        model.bias.fill_(5.0)
    assert float(rwnn.l2_penalty(model, 2.0).detach()) == pytest.approx(9.0)
    groups = [{"params": [model.bias], "weight_decay": 1.0}, {"params": [model.weight]}]
    assert float(rwnn.l2_penalty(model, 2.0, groups).detach()) == pytest.approx(25.0)


def test_bad_arguments_are_named():
    model = nn.Linear(2, 1)
    with pytest.raises(ValueError, match=r"^weight_decay must be"):
        rwnn.param_groups(model, -1.0)
    with pytest.raises(ValueError, match=r"^exclude must be"):
        rwnn.param_groups(model, 0.1, exclude="names")
