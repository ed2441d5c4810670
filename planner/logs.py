"""Structured logging: one line per event, key=value (or JSON with PLANNER_LOG_JSON=1)."""

from __future__ import annotations

import json
import logging
import time

from flask import Flask, Response, g, request


class KeyValueFormatter(logging.Formatter):
    def __init__(self, as_json: bool) -> None:
        super().__init__()
        self.as_json = as_json

    def format(self, record: logging.LogRecord) -> str:
        fields = {
            "time": self.formatTime(record, "%Y-%m-%dT%H:%M:%S"),
            "level": record.levelname.lower(),
            "logger": record.name,
            "event": record.getMessage(),
            **getattr(record, "fields", {}),
        }
        if record.exc_info:
            fields["error"] = self.formatException(record.exc_info)
        if self.as_json:
            return json.dumps(fields, default=str)
        return " ".join(f"{key}={json.dumps(value, default=str)}" for key, value in fields.items())


def configure(app: Flask) -> None:
    handler = logging.StreamHandler()
    handler.setFormatter(KeyValueFormatter(bool(app.config.get("LOG_JSON"))))
    logger = logging.getLogger("planner")
    logger.handlers[:] = [handler]
    logger.setLevel(app.config.get("LOG_LEVEL", "INFO"))
    logger.propagate = False

    @app.before_request
    def start_timer() -> None:
        g.request_started = time.perf_counter()

    @app.after_request
    def log_request(response: Response) -> Response:
        if request.path.startswith("/static"):
            return response
        elapsed = time.perf_counter() - g.get("request_started", time.perf_counter())
        # Only a user this request already loaded: loading one needs the database, which may be
        # the very thing that is down.
        loaded = g.get("_login_user")
        user = loaded.get_id() if loaded is not None and loaded.is_authenticated else None
        logger.info(
            "request",
            extra={
                "fields": {
                    "method": request.method,
                    "path": request.path,
                    "status": response.status_code,
                    "ms": round(elapsed * 1000, 1),
                    "user": user,
                }
            },
        )
        return response


def event(name: str, **fields: object) -> None:
    """Log a domain event (plan solved, import applied) with its figures."""
    logging.getLogger("planner").info(name, extra={"fields": fields})
