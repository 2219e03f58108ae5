from ridgeway.monitor.demo import DRIFT_FROM, demo_act


def test_demo_act_fires_the_gap_rule_and_retunes(tmp_path):
    lines = []
    found = demo_act(tmp_path, say=lines.append)
    assert found["gap_alert_month"] is not None and found["gap_alert_month"] > DRIFT_FROM
    assert found["retune"].new_version == 2 and found["retune"].new_l2 > 0
    assert (tmp_path / "monitor.db").is_file()
    assert any(line.startswith("dashboard: ridgeway dashboard --db sqlite:///") for line in lines)
    assert sum(line.startswith("  2026-") for line in lines) == 12
