"""Template helpers for the planned-against-delivered include, available on every page so the
plan page can include it with just `delivery_lines`."""

from flask.sansio.app import App

from planner.delivery.service import delivery_by_place


def register(state_app: App) -> None:
    state_app.jinja_env.globals["delivery_by_place"] = delivery_by_place
