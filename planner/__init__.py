"""The Flask app: commissioners, finance leads and place leads plan pooled budgets here."""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:  # the command line imports this package: it must not pull in the web stack
    from flask import Flask

STATIC_DIR = Path(__file__).resolve().parent.parent / "static"


def create_app(config: Mapping[str, Any] | None = None) -> Flask:
    """Build the app: defaults, then DATABASE_URL and PLANNER_* environment variables, then
    `config` (which may also name the INSTANCE_PATH). Raises ConfigError for a setting it cannot
    start with."""
    from flask_openapi3 import APIBlueprint

    from planner import db, jobs, logs
    from planner.api.docs import configure_docs, openapi_options
    from planner.api.document import PlannerOpenAPI
    from planner.config import (
        ENV_PREFIX,
        DefaultConfig,
        environment_database_url,
        finish_config,
        instance_folder,
    )
    from planner.core import compression, page_cache
    from planner.core.errors import register_error_pages
    from planner.core.ids import RecordIdConverter
    from planner.extensions import csrf, login_manager
    from planner.features import BLUEPRINTS, register_cli, register_template_helpers
    from planner.security import init_after_blueprints
    from planner.security import init_app as init_security

    # OpenAPI is a Flask app that also builds the API's OpenAPI document from its views. The
    # instance folder is chosen here, not by Flask: for a `pip install .` Flask would put it
    # inside the virtual environment, lost with it.
    app = PlannerOpenAPI(
        __name__,
        static_folder=str(STATIC_DIR),
        static_url_path="/static",
        instance_path=instance_folder(config),
        instance_relative_config=True,
        **openapi_options(),
    )
    # Before any route is added: every <int:...> id is bounded to what the database can hold.
    app.url_map.converters["int"] = RecordIdConverter
    app.config.from_object(DefaultConfig)
    app.config["DATABASE_URL"] = environment_database_url()
    app.config.from_prefixed_env(ENV_PREFIX)
    app.config.update(config or {})
    finish_config(app.config, app.instance_path)
    logs.configure(app)

    db.init_app(app)
    jobs.init_app(app)
    csrf.init_app(app)
    login_manager.init_app(app)
    init_security(app)
    configure_docs(app)
    for blueprint in BLUEPRINTS:
        if isinstance(blueprint, APIBlueprint):
            app.register_api(blueprint)
        else:
            app.register_blueprint(blueprint)
    register_error_pages(app)
    compression.init_app(app)
    page_cache.init_app(app)
    init_after_blueprints(app)
    register_cli(app)
    register_template_helpers(app)

    if app.config["AUTO_MIGRATE"]:
        with app.app_context():
            db.upgrade_database()
    return app
