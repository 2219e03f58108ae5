"""``ridgeway recommend`` through typer's CliRunner, on real files; and the demo act."""

import json

import pandas as pd
from typer.testing import CliRunner

import ridgeway.recommend as rec
from ridgeway.recommend import persist
from ridgeway.recommend.cli import app
from ridgeway.recommend.demo import demo_act

runner = CliRunner()


def _write(tmp_path, matrix, name="ratings.csv"):
    coo = matrix.tocoo()
    frame = pd.DataFrame({"who": [f"u{r}" for r in coo.row], "movie": coo.col, "stars": coo.data})
    path = tmp_path / name
    if name.endswith(".parquet"):
        frame.to_parquet(path)
    else:
        frame.to_csv(path, index=False)
    return path, frame


def test_explicit_run_writes_everything(tmp_path, small_ratings):
    path, frame = _write(tmp_path, small_ratings)
    out = tmp_path / "out"
    args = [
        str(path),
        "--user",
        "who",
        "--item",
        "movie",
        "--rating",
        "stars",
        "--out",
        str(out),
        "--factors",
        "3",
        "--cv",
        "2",
        "--l2",
        "1",
        "--l2",
        "5",
        "--iterations",
        "4",
    ]
    result = runner.invoke(app, args)
    assert result.exit_code == 0, result.output
    kpis = json.loads((out / "kpis.json").read_text())
    assert kpis["l2 chosen"] in (1.0, 5.0) and "held-out RMSE" in kpis
    top = pd.read_csv(out / "top_n.csv")
    room = frame.groupby("who").size() < small_ratings.shape[1]  # someone rated every item
    assert set(top["user"]) == set(room.index[room])
    assert list(top.columns) == ["user", "rank", "item", "score"]
    assert persist.load(out / "model.zip").factors == 3
    html = (out / "report.html").read_text()
    assert "Validation curve" in html and "data:image/png;base64," in html
    assert "http" not in html.replace("http-equiv", "")


def test_implicit_parquet(tmp_path, small_counts):
    path, _ = _write(tmp_path, small_counts, "plays.parquet")
    out = tmp_path / "o"
    args = [
        str(path),
        "--user",
        "who",
        "--item",
        "movie",
        "--rating",
        "stars",
        "--implicit",
        "--out",
        str(out),
        "--factors",
        "3",
        "--cv",
        "2",
        "--l2",
        "10",
        "--n",
        "5",
    ]
    result = runner.invoke(app, args)
    assert result.exit_code == 0, result.output
    kpis = json.loads((out / "kpis.json").read_text())
    assert kpis["ndcg@5"] > kpis["ndcg@5 popularity"]


def test_bad_input_exits_2(tmp_path, small_ratings):
    path, _ = _write(tmp_path, small_ratings)
    result = runner.invoke(
        app,
        [
            str(path),
            "--user",
            "nobody",
            "--item",
            "movie",
            "--rating",
            "stars",
            "--out",
            str(tmp_path / "o"),
        ],
    )
    assert result.exit_code == 2 and "user='nobody' is not a column" in result.output
    result = runner.invoke(
        app,
        [str(tmp_path / "missing.csv"), "--user", "a", "--item", "b", "--out", str(tmp_path / "o")],
    )
    assert result.exit_code == 2 and "does not exist" in result.output


def test_demo_act_quick(tmp_path):
    files = demo_act(tmp_path, quick=True)
    for part in ("explicit", "implicit"):
        for path in files[part].values():
            assert path.is_file()
    assert isinstance(rec.ALS, type)
