"""A whole plan's value of pooling started beside the plan, in the plan's own job.

The value of pooling compares the pooled plan with the partners' separate plan and with each
partner alone: solves that do not need the pooled plan. For a plan in whole people and
programmes the plan job starts them in a second thread before its pooled solve (HiGHS releases
the GIL, so the two run on two cores), stores the plan as soon as it is explained, as before, and
then finishes the value of pooling from them. Measured on the demo (benchmarks/RESULTS.md): the
plan and its value of pooling both stored 2.46 s after the job starts, against the plan at 2.12
s and its value of pooling, as a job of its own, at 3.45 s.

Plans in fractions keep the value-of-pooling job of their own (``pooling_job``): there the
separate model is the larger solve (at 1M variables it peaks at 1.75 GB on its own) and the
pooled linear program is quick, so there is little to overlap and much to hold at once.
"""

from __future__ import annotations

from concurrent.futures import Future, ThreadPoolExecutor
from typing import Any

import optimiser as opt
from models.scenario import FundingMode
from planner.solving.snapshot import inputs_from_snapshot


def start_comparisons(snapshot: dict[str, Any]) -> Future[opt.Comparisons] | None:
    """The comparison's solves for a plan's snapshot, started in a second thread; None when
    the plan's value of pooling is left to its own job (a plan in fractions, a target, or the
    partners commissioning separately)."""
    try:
        scenario = snapshot["scenario"]
        separately = scenario["funding_mode"] == FundingMode.SEPARATE.value
        inputs, rules = inputs_from_snapshot(snapshot)
        time_limit = float(scenario["time_limit_seconds"])
    except Exception:  # noqa: BLE001 (a snapshot that cannot be read is the plan's to report)
        return None
    if not opt.compared_beside_plan(rules, separately=separately):
        return None
    worker = ThreadPoolExecutor(max_workers=1, thread_name_prefix="plan-comparisons")
    comparing = worker.submit(opt.solve_comparisons, inputs, rules, time_limit, {})
    # The thread ends with its one task; a job stopped meanwhile does not wait for it.
    worker.shutdown(wait=False)
    return comparing
