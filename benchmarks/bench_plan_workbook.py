"""Benchmark the plan workbook on a partnership-scale plan: building it, and LibreOffice
recalculating it (every check is a formula over the allocation rows, reading its limits from the
Inputs sheet, so its cost grows with rows x budget lines; this shows how far).

    python benchmarks/bench_plan_workbook.py              # the 110k-variable case
    python benchmarks/bench_plan_workbook.py --case 1M    # the 1M-variable case (slow)

Prints the plan's size, the seconds to build the .xlsx, its size, LibreOffice's seconds to
recalculate it (where soffice is installed) and how many checks read OK.
"""

from __future__ import annotations

import argparse
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

import openpyxl  # noqa: E402

from benchmarks.bench_optimiser import CASES, partnership, scenario  # noqa: E402
from optimiser import optimise  # noqa: E402
from planner.excel.plan_view import view_from_optimiser  # noqa: E402
from planner.excel.plan_workbook import build_plan_workbook  # noqa: E402


def recalculate(path: Path, folder: Path) -> tuple[float, list[tuple[str, str]]] | None:
    """LibreOffice's seconds to recalculate and save the workbook, and each check's name and
    result (the overall one is called "All checks")."""
    soffice = shutil.which("soffice") or shutil.which("libreoffice")
    if soffice is None:
        return None
    start = time.perf_counter()
    subprocess.run(
        [
            soffice,
            "--headless",
            "--norestore",
            f"-env:UserInstallation=file://{folder / 'profile'}",
            "--convert-to",
            "xlsx",
            "--outdir",
            str(folder / "out"),
            str(path),
        ],
        check=True,
        capture_output=True,
        timeout=3600,
    )
    seconds = time.perf_counter() - start
    workbook = openpyxl.load_workbook(folder / "out" / path.name, data_only=True, read_only=True)
    results = [
        (str(row[0]), str(row[2]))
        for row in workbook["Checks"].iter_rows(min_row=2, values_only=True)
        if row[0]
    ]
    return seconds, results


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--case", choices=sorted(CASES), default="110k")
    options = parser.parse_args()
    inputs, rules = partnership(*CASES[options.case]), scenario()
    start = time.perf_counter()
    plan = optimise(inputs, rules, compare_pooling=False)
    print(
        f"{options.case}: solved in {time.perf_counter() - start:.1f} s, "
        f"{len(plan.allocations):,} allocations, {len(inputs.budget_lines)} budget lines"
    )
    view = view_from_optimiser(inputs, rules, plan, scenario_name=f"Benchmark {options.case}")
    start = time.perf_counter()
    content = build_plan_workbook(view)
    print(f"  workbook built in {time.perf_counter() - start:.1f} s, {len(content) / 1e6:.1f} MB")
    with tempfile.TemporaryDirectory() as name:
        folder = Path(name)
        path = folder / "plan.xlsx"
        path.write_bytes(content)
        outcome = recalculate(path, folder)
    if outcome is None:
        print("  LibreOffice is not installed: recalculation not measured")
        return
    seconds, results = outcome
    overall = next((result for name, result in results if name == "All checks"), "missing")
    checks = [result for name, result in results if name != "All checks"]
    ok = sum(result == "OK" for result in checks)
    print(
        f"  LibreOffice recalculated it in {seconds:.1f} s; {ok} of {len(checks)} checks "
        f"OK, all checks: {overall}"
    )


if __name__ == "__main__":
    main()
