import pytest

from ridgeway.monitor.rules import Rule, step


def run(rule, values, alert_open=False):
    evaluated, streak, actions = 0, [], []
    for i, value in enumerate(values):
        result = step(rule, evaluated, streak, value, {"batch_id": i}, alert_open)
        evaluated, streak = result.evaluated, result.streak
        alert_open = (alert_open or result.action == "open") and result.action != "resolve"
        actions.append(result.action)
    return actions, streak


def test_patience_opens_after_consecutive_breaches_and_resolves_once():
    actions, _ = run(Rule("gap", above=1.0, patience=3), [2, 2, 0, 2, 2, 2, 2, 0.5, 0.1])
    assert actions == [
        "pending",
        "pending",
        "ok",
        "pending",
        "pending",
        "open",
        "update",
        "resolve",
        "ok",
    ]


def test_warmup_ignores_the_first_values():
    actions, _ = run(Rule("gap", above=1.0, warmup=2), [5, 5, 5, 0])
    assert actions == ["warmup", "warmup", "open", "resolve"]


def test_below_and_missing_values():
    actions, streak = run(Rule("r2", below=0.5, patience=2), [0.9, 0.1, None, float("nan"), 0.2])
    assert actions == ["ok", "pending", "skip", "skip", "open"]
    assert [p["value"] for p in streak] == [0.1, 0.2]  # the evidence: the breaching values


def test_evidence_keeps_the_last_patience_values():
    _, streak = run(Rule("gap", above=0, patience=2), [1, 2, 3])
    assert [p["value"] for p in streak] == [2, 3]


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({}, "exactly one of above= or below="),
        ({"above": 1, "below": 0}, "exactly one of above= or below="),
        ({"above": float("nan")}, "above must be a finite number"),
        ({"above": "1"}, "above must be a finite number"),
        ({"above": 1, "patience": 0}, "patience must be an integer >= 1; got 0"),
        ({"above": 1, "warmup": -1}, "warmup must be an integer >= 0; got -1"),
        ({"above": 1, "severity": "high"}, "severity must be one of"),
        ({"above": 1, "webhook": "file:///etc/passwd"}, "webhook must be an http(s) URL"),
    ],
)
def test_bad_rules_name_the_argument(kwargs, message):
    with pytest.raises(ValueError, match=message.replace("(", r"\(").replace(")", r"\)")):
        Rule("gap", **kwargs)


def test_per_feature_metric_needs_a_feature():
    with pytest.raises(ValueError, match="psi_max"):
        Rule("psi", above=0.2)
    assert Rule("psi", above=0.2, feature="income").describe() == "psi[income] above 0.2"
