"""Watch a deployed model: KPIs over time in a database, rules and alerts, a dashboard, retune.

``Monitor(url)`` opens (and migrates) the store; ``register`` a fitted model with its reference
data, ``log`` batches, ``add_rule`` thresholds with patience; alerts open and resolve by
themselves. ``ridgeway.monitor.cli`` holds the command line, ``ridgeway.monitor.dashboard`` the
web dashboard (needs the ``monitor`` extra: SQLAlchemy, alembic, Starlette, uvicorn, Jinja2).
"""

from __future__ import annotations

try:
    import alembic  # noqa: F401
    import sqlalchemy  # noqa: F401
except ImportError as error:  # pragma: no cover - depends on the installation
    raise ImportError(
        f"ridgeway.monitor needs the monitor extra ({error.name} is missing): "
        'pip install "ridgeway[monitor]"'
    ) from error

from ridgeway.monitor.monitor import Monitor
from ridgeway.monitor.rules import Rule
from ridgeway.monitor.store import SchemaError

__all__ = ["Monitor", "Rule", "SchemaError"]
