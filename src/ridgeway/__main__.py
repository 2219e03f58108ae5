"""``python -m ridgeway``: the command line."""

from ridgeway.app.cli import main

main()
