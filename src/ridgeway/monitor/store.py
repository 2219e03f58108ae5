"""Open the monitoring database: engines for SQLite (WAL, busy timeout) or PostgreSQL, and the
alembic migrations that bring an older schema up to date (a newer one is refused).

Writers take SQLite's write lock at the start of every transaction (``BEGIN IMMEDIATE``), so a
batch's metrics and the rule state they move are read and written under one lock: concurrent
writer processes queue on the busy timeout instead of failing with "database is locked" half
way. Readers (the dashboard) use deferred transactions and never wait for writers (WAL).
``synchronous=NORMAL`` in WAL mode keeps every committed transaction across a crash of the
process (``kill -9``); only a power loss can drop the last commits.
"""

from __future__ import annotations

import contextlib
from collections.abc import Iterator
from importlib import resources
from pathlib import Path
from typing import Any

import sqlalchemy as sa
from alembic import command
from alembic.config import Config
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from alembic.util.exc import CommandError
from sqlalchemy.engine import Engine

try:
    import fcntl
except ImportError:  # not on Windows: writers then queue on SQLite's busy timeout alone
    fcntl = None  # type: ignore[assignment]

__all__ = ["SchemaError", "create_store_engine", "migrate", "schema_revision", "writing"]

VERSION_TABLE = "rw_alembic_version"
BUSY_TIMEOUT_S = 60.0
#: PostgreSQL advisory lock key held while migrating (any constant unique to ridgeway)
MIGRATION_LOCK = 0x52574D4F


class SchemaError(RuntimeError):
    """The database's schema cannot be used by this ridgeway (e.g. it is newer)."""


def create_store_engine(url: str, *, writer: bool = True) -> Engine:
    """An engine for ``url`` (any SQLAlchemy URL); SQLite gets WAL, a busy timeout, foreign
    keys and, for writers, ``BEGIN IMMEDIATE`` transactions."""
    if not isinstance(url, str) or "://" not in url:
        raise ValueError(
            f"url must be a SQLAlchemy URL such as 'sqlite:///monitor.db'; got {url!r}"
        )
    parsed = sa.engine.make_url(url)
    if parsed.get_backend_name() != "sqlite":
        return sa.create_engine(url, pool_pre_ping=True)
    engine = sa.create_engine(url, connect_args={"timeout": BUSY_TIMEOUT_S})
    begin = "BEGIN IMMEDIATE" if writer else "BEGIN"

    @sa.event.listens_for(engine, "connect")
    def _on_connect(dbapi_connection: Any, _record: Any) -> None:
        # let SQLAlchemy's BEGIN below be the only transaction control (pysqlite recipe)
        dbapi_connection.isolation_level = None
        cursor = dbapi_connection.cursor()
        cursor.execute("PRAGMA journal_mode=WAL")
        cursor.execute(f"PRAGMA busy_timeout={int(BUSY_TIMEOUT_S * 1000)}")
        cursor.execute("PRAGMA synchronous=NORMAL")
        cursor.execute("PRAGMA foreign_keys=ON")
        cursor.close()

    @sa.event.listens_for(engine, "begin")
    def _on_begin(connection: sa.Connection) -> None:
        connection.exec_driver_sql(begin)

    return engine


def _lock_path(engine: Engine) -> Path | None:
    if engine.dialect.name != "sqlite" or fcntl is None:
        return None
    database = engine.url.database
    if not database or database == ":memory:" or database.startswith("file:"):
        return None
    return Path(database + "-writer.lock")


@contextlib.contextmanager
def writing(engine: Engine) -> Iterator[sa.Connection]:
    """A write transaction. On a SQLite file, writer processes first queue on an OS file
    lock: SQLite's busy handler sleeps up to 100 ms between retries, so four writers
    contending for ``BEGIN IMMEDIATE`` spend most of their time asleep, while ``flock``
    wakes the next writer as soon as the lock is released (and a killed writer's lock goes
    with its process)."""
    path = _lock_path(engine)
    with contextlib.ExitStack() as stack:
        if path is not None:
            handle = stack.enter_context(open(path, "a"))
            fcntl.flock(handle, fcntl.LOCK_EX)
        with engine.begin() as connection:
            yield connection


def _config() -> Config:
    config = Config()
    config.set_main_option("script_location", str(resources.files(__package__) / "migrations"))
    return config


def head_revision() -> str:
    head = ScriptDirectory.from_config(_config()).get_current_head()
    assert head is not None
    return head


def schema_revision(connection: sa.Connection) -> str | None:
    """The revision the database is at (None for an empty database)."""
    context = MigrationContext.configure(connection, opts={"version_table": VERSION_TABLE})
    return context.get_current_revision()


def migrate(engine: Engine, revision: str = "head") -> None:
    """Bring the schema to ``revision`` (default: the newest); refuse a newer database."""
    config = _config()
    script = ScriptDirectory.from_config(config)
    with writing(engine) as connection:
        if connection.dialect.name == "postgresql":
            connection.execute(
                sa.text("SELECT pg_advisory_xact_lock(:key)"), {"key": MIGRATION_LOCK}
            )
        current = schema_revision(connection)
        if current is not None:
            try:
                script.get_revision(current)
            except CommandError:
                raise SchemaError(
                    f"the monitoring database has schema revision {current!r}, newer than this "
                    f"ridgeway knows (newest: {script.get_current_head()!r}); upgrade ridgeway "
                    "to open it"
                ) from None
        target = script.get_current_head() if revision == "head" else revision
        if current == target:
            return
        config.attributes["connection"] = connection
        command.upgrade(config, revision)
