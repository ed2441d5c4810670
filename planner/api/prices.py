"""The partnership's price index through the API: one GDP deflator per financial year, with its
source, release and whether it is a forecast. Every change goes through the same service as the
pages (``planner.inputs.prices``), with the same checks and audit."""

from __future__ import annotations

from flask_openapi3 import APIBlueprint

from models.price_index import PriceIndexYear, PriceIndexYearCreate, PriceIndexYearPublic
from planner.api.resources import Resource, add_resource
from planner.inputs import prices

RESOURCES = [
    Resource(
        "price-index", "price index year", "Price index",
        "The price index that turns interventions' prices into the cash budgets pay: a deflator "
        "per financial year (HM Treasury's GDP deflators with the OBR's forecasts, or the "
        "partnership's own), with its source and release. Recording a year already in the index "
        "replaces its figure.",
        PriceIndexYear, PriceIndexYearPublic, PriceIndexYearCreate,
        prices.save_index_year, prices.update_index_year, prices.delete_index_year,
    ),
]  # fmt: skip

PRICE_BLUEPRINTS: list[APIBlueprint] = [*map(add_resource, RESOURCES)]
