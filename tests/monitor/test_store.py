import numpy as np
import pytest
import sqlalchemy as sa
from alembic import command
from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext

from ridgeway.monitor import Monitor, SchemaError, store
from ridgeway.monitor.schema import events, metadata


def test_schema_of_the_migrations_matches_the_tables(store_url):
    engine = store.create_store_engine(store_url)
    store.migrate(engine)
    with engine.connect() as connection:
        assert store.schema_revision(connection) == store.head_revision()
        context = MigrationContext.configure(connection)
        diffs = [
            d for d in compare_metadata(context, metadata) if "rw_alembic_version" not in str(d)
        ]
    assert diffs == []
    engine.dispose()


def test_sqlite_is_in_wal_mode_with_a_busy_timeout(sqlite_url):
    engine = store.create_store_engine(sqlite_url)
    with engine.connect() as connection:
        assert connection.exec_driver_sql("PRAGMA journal_mode").scalar() == "wal"
        assert connection.exec_driver_sql("PRAGMA busy_timeout").scalar() == 60000
        assert connection.exec_driver_sql("PRAGMA foreign_keys").scalar() == 1
    engine.dispose()


def _at_first_revision(url):
    engine = store.create_store_engine(url)
    config = store._config()
    with engine.begin() as connection:
        config.attributes["connection"] = connection
        command.upgrade(config, "0001")
    return engine


def test_opening_an_older_database_upgrades_it_and_keeps_its_rows(store_url, regression):
    engine = _at_first_revision(store_url)
    with engine.begin() as connection:
        assert store.schema_revision(connection) == "0001"
        columns = {c["name"] for c in sa.inspect(connection).get_columns("rw_events")}
        assert "delivery" not in columns
        connection.execute(
            sa.text("INSERT INTO rw_models (name, task, created_at) VALUES (:n, :t, :c)"),
            {"n": "old", "t": "regression", "c": 1.0},
        )
    engine.dispose()
    model, X, y = regression
    mon = Monitor(store_url)
    with mon.engine.connect() as connection:
        assert store.schema_revision(connection) == store.head_revision()
        names = connection.execute(sa.text("SELECT name FROM rw_models")).scalars().all()
        assert names == ["old"]
        assert "delivery" in {c.name for c in events.columns}
    mon.register("new", model, X, y)
    assert mon.versions("new")["version"].tolist() == [1]
    mon.close()


def test_a_newer_database_is_refused_with_a_clear_message(sqlite_url):
    Monitor(sqlite_url).close()
    engine = store.create_store_engine(sqlite_url)
    with engine.begin() as connection:
        connection.execute(sa.text("UPDATE rw_alembic_version SET version_num = '0999'"))
    engine.dispose()
    with pytest.raises(
        SchemaError, match=r"revision '0999', newer than this ridgeway.*upgrade ridgeway"
    ):
        Monitor(sqlite_url)


def test_bad_url():
    with pytest.raises(ValueError, match="url must be a SQLAlchemy URL"):
        Monitor("monitor.db")


def test_reopen_is_a_no_op(sqlite_url, regression):
    model, X, y = regression
    with Monitor(sqlite_url) as mon:
        mon.register("m", model, X, y)
    with Monitor(sqlite_url) as mon:
        assert mon.models()["name"].tolist() == ["m"]
        assert np.isclose(mon.versions("m")["l2"][0], model.l2_)
