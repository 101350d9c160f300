"""Sub-commands of this feature (being built; see the open issues)."""

from __future__ import annotations

import argparse
from typing import Any


def register(sub: argparse._SubParsersAction[Any]) -> None:
    """Add this feature's sub-commands to the CLI."""
