"""`python -m index.segment_worker FOLDER`: write one share of a large reindex (`index.segments`).

The parent process put the share's documents in FOLDER; this process cuts them into passages,
writes them as a one-segment Whoosh index in FOLDER and leaves the passages and term counts
beside it. Any failure exits non-zero with the reason on stderr, and the parent writes the
share itself.
"""

from __future__ import annotations

import sys
from pathlib import Path

from index.segments import run_worker


def main(argv: list[str]) -> int:
    if len(argv) != 1 or not Path(argv[0]).is_dir():
        print("usage: python -m index.segment_worker FOLDER", file=sys.stderr)
        return 2
    run_worker(Path(argv[0]))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
