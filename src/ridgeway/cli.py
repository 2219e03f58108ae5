"""Deprecated: the command line moved to :mod:`ridgeway.app.cli`; run ``python -m ridgeway``."""

import warnings

from ridgeway.app.cli import app, main

__all__ = ["app", "main"]

warnings.warn(
    "ridgeway.cli moved to ridgeway.app.cli; run `python -m ridgeway` or the `ridgeway` command",
    DeprecationWarning,
    stacklevel=1 if __name__ == "__main__" else 2,  # run as a script: shown to the user
)

if __name__ == "__main__":
    main()
