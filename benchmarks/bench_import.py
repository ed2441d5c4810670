"""Benchmark importing a large inputs workbook: preview (rehearse and roll back) and confirm
(apply in one transaction), for a Partners sheet of N rows on an empty database, then the same
sheet again (every row unchanged), then with one row missing (listed to be deleted).

    python benchmarks/bench_import.py                 # 5,000 rows
    python benchmarks/bench_import.py --rows 1000 2000 5000   # several sizes: linear or not

Prints wall-clock and CPU seconds per step (CPU time is what to compare on a machine shared with
other work, which inflates wall-clock time); the target is a 5,000-row sheet previewed and confirmed in under 5 s
each. Uses a throw-away SQLite database (or DATABASE_URL's PostgreSQL server database as given).
"""

from __future__ import annotations

import argparse
import os
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from planner import create_app  # noqa: E402
from planner.db import new_session  # noqa: E402
from planner.excel.import_service import apply_import, preview_import  # noqa: E402
from planner.excel.inputs_workbook import build_inputs_workbook  # noqa: E402


def partners_workbook(rows: int, skip: int | None = None) -> bytes:
    return build_inputs_workbook(
        {
            "Partners": [
                {"name": f"Partner {index:05d}", "kind": "other", "notes": "benchmark"}
                for index in range(rows)
                if index != skip
            ]
        }
    )


def timed(label: str, step) -> object:  # type: ignore[no-untyped-def]
    start, cpu = time.perf_counter(), time.process_time()
    outcome = step()
    wall, used = time.perf_counter() - start, time.process_time() - cpu
    missing = f"; {len(outcome.missing)} not in the workbook" if outcome.missing else ""
    print(f"  {label:<40} {wall:6.2f} s wall {used:6.2f} s CPU   {outcome.summary()}{missing}")
    return outcome


def run(rows: int) -> None:
    with tempfile.TemporaryDirectory() as folder:
        url = os.environ.get("DATABASE_URL") or f"sqlite:///{Path(folder) / 'bench.sqlite'}"
        app = create_app(
            {
                "TESTING": True,
                "SECRET_KEY": "bench",
                "DATABASE_URL": url,
                "AUTO_MIGRATE": True,
                "INSTANCE_PATH": folder,
                "LOG_LEVEL": "WARNING",
            }
        )
        content = partners_workbook(rows)
        print(f"Partners sheet of {rows:,} rows ({len(content) / 1e6:.1f} MB)")
        with app.app_context():
            with new_session() as session:
                timed("preview, empty database", lambda: preview_import(session, content))
            with new_session() as session:
                timed("confirm, empty database", lambda: apply_import(session, content))
            with new_session() as session:
                timed(
                    "preview again, every row unchanged", lambda: preview_import(session, content)
                )
            fewer = partners_workbook(rows, skip=rows // 2)
            with new_session() as session:
                timed("preview with one row missing", lambda: preview_import(session, fewer))
            with new_session() as session:
                timed(
                    "confirm, deleting the missing row",
                    lambda: apply_import(session, fewer, delete_missing=True),
                )
        app.extensions["engine"].dispose()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--rows", type=int, nargs="+", default=[5000])
    for rows in parser.parse_args().rows:
        run(rows)


if __name__ == "__main__":
    main()
