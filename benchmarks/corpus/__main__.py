"""python -m benchmarks.corpus [--out DIR] [--seed N] [--documents N]"""

from __future__ import annotations

import argparse
import time
from pathlib import Path

from benchmarks.corpus.build import build

DEFAULT_OUT = Path(__file__).resolve().parents[2] / "var" / "bench" / "corpus"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--out", type=Path, default=DEFAULT_OUT)
    parser.add_argument("--seed", type=int, default=20240401)
    parser.add_argument("--documents", type=int, default=12)
    args = parser.parse_args(argv)
    started = time.monotonic()
    manifest = build(args.out, seed=args.seed, count=args.documents)
    pages = sum(len(d["pages"]) for d in manifest["documents"])
    print(
        f"{len(manifest['documents'])} documents, {pages} pages -> {args.out} "
        f"({time.monotonic() - started:.1f} s)"
    )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
