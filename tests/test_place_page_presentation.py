"""The place page as a place lead reads it: refused delivery figures are pointed out beside the
field they were typed in (and linked from the summary), each intervention's funders read as one
group of rows, and the "Printed from" line appears on paper only."""

from __future__ import annotations

import re

from flask import Flask

from models.vocabulary import Role
from tests.test_delivery import agree, partnership  # noqa: F401 (the fixture)


def test_a_refused_figure_is_shown_beside_its_field(app: Flask, partnership, sign_in_as) -> None:  # type: ignore[no-untyped-def]  # noqa: F811
    agree(app, partnership["plan"])
    lead = sign_in_as(Role.PLACE_LEAD, place_ids=[partnership["dewsbury"]])
    refused = lead.post(
        f"/place-teams/{partnership['dewsbury']}/delivery",
        data={
            "intervention_id": partnership["intervention"],
            "year": "2027",
            "started": "-3",
            "completed": "0",
        },
    )
    assert refused.status_code == 422
    html = " ".join(refused.get_data(as_text=True).split())
    # 2027/28 is the second row of the table: the summary links to its Started box...
    assert '<li><a href="#started-2">People started: must be 0 or more</a></li>' in html
    box = re.search(r'<input [^>]*id="started-2"[^>]*>', html)
    assert box and 'value="-3"' in box.group(0) and 'aria-invalid="true"' in box.group(0)
    assert 'aria-describedby="row-error-started"' in box.group(0)
    # ...and the same words stand in that row, after its form.
    assert (
        '<p class="error-message" id="row-error-started"><span class="visually-hidden">Error:'
        "</span> People started: must be 0 or more</p>"
    ) in html
    first = re.search(r'<input [^>]*id="started-1"[^>]*>', html)
    assert first and "aria-invalid" not in first.group(0)


def test_refused_figures_for_delivery_the_plan_did_not_fund_link_to_that_form(
    app: Flask,
    partnership,  # noqa: F811
    sign_in_as,
) -> None:  # type: ignore[no-untyped-def]
    agree(app, partnership["plan"])
    lead = sign_in_as(Role.PLACE_LEAD, place_ids=[partnership["dewsbury"]])
    refused = lead.post(
        f"/place-teams/{partnership['dewsbury']}/delivery",
        data={"intervention_id": partnership["intervention"], "year": "2028", "started": "-1"},
    )
    assert refused.status_code == 422
    html = " ".join(refused.get_data(as_text=True).split())
    assert '<a href="#other-started">People started: must be 0 or more</a>' in html
    assert 'id="row-error-started"' not in html


def test_the_printed_from_line_is_for_paper(app: Flask, partnership, sign_in_as) -> None:  # type: ignore[no-untyped-def]  # noqa: F811
    agree(app, partnership["plan"])
    lead = sign_in_as(Role.PLACE_LEAD, place_ids=[partnership["dewsbury"]])
    html = " ".join(
        lead.get(f"/place-teams/{partnership['dewsbury']}").get_data(as_text=True).split()
    )
    assert '<span class="print-only"> Printed from the Pooled commissioning planner.</span>' in html
