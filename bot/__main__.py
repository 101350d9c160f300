"""`python -m bot` is the same as the `alliance-bot` console script.

Run with a Python that lacks the dependencies (the system Python in a fresh clone), it hands over
to the checkout's `.venv/bin/python` when `make install` has built one, and otherwise says in one
line how to get them, instead of a `ModuleNotFoundError` traceback.
"""

import os
import sys
from pathlib import Path


def _venv_python() -> Path | None:
    """The checkout's virtualenv interpreter, when it exists and is not the one running."""
    candidate = Path(__file__).resolve().parent.parent / ".venv" / "bin" / "python"
    if not candidate.exists():
        return None
    if Path(sys.prefix).resolve() == candidate.parent.parent.resolve():
        return None
    return candidate


try:
    from bot.app.cli import main
except ModuleNotFoundError as exc:
    venv = _venv_python()
    if venv is not None and os.environ.get("ALLIANCE_NO_VENV_HANDOVER") != "1":
        os.execv(str(venv), [str(venv), "-m", "bot", *sys.argv[1:]])  # noqa: S606
    print(
        f"alliance-bot: this Python ({sys.executable}) lacks the package {exc.name!r}; run "
        "`make install` in the checkout, then `. .venv/bin/activate` (or use "
        "`.venv/bin/alliance-bot`)",
        file=sys.stderr,
    )
    raise SystemExit(2) from None

raise SystemExit(main())
