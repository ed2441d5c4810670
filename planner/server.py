"""Run the app under gunicorn from Python, so `planner serve` needs no separate config file."""

from __future__ import annotations

from typing import Any

from flask import Flask
from gunicorn.app.base import BaseApplication


class PlannerServer(BaseApplication):
    def __init__(self, app: Flask, options: dict[str, Any]) -> None:
        self.application = app
        self.options = options
        super().__init__()

    def load_config(self) -> None:
        for key, value in self.options.items():
            self.cfg.set(key, value)

    def load(self) -> Flask:
        return self.application


def _fresh_database_connections(_server: Any, _worker: Any) -> None:
    # Connections opened before forking must not be shared between worker processes.
    for app in _apps:
        app.extensions["engine"].dispose(close=False)


_apps: list[Flask] = []


def serve(app: Flask, *, host: str, port: int, workers: int, threads: int) -> None:
    _apps.append(app)
    PlannerServer(
        app,
        {
            "bind": f"{host}:{port}",
            "workers": workers,
            "threads": threads,
            # Threads let a background solve run while the worker keeps answering requests.
            "worker_class": "gthread",
            "timeout": 120,
            "accesslog": None,
            "post_fork": _fresh_database_connections,
        },
    ).run()
