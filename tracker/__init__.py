"""Progress tracker for the Regionaal Actieplan Mensenhandel Regio Rotterdam 2024-2026."""

from __future__ import annotations

import os
from pathlib import Path

from flask import Flask
from werkzeug.middleware.proxy_fix import ProxyFix

from tracker.params import BoundedIntConverter

PACKAGE_DIR = Path(__file__).resolve().parent
PROJECT_ROOT = PACKAGE_DIR.parent


def resource_dir(name: str) -> Path:
    """``templates``, ``static`` or ``seeds``: inside the package when installed from a wheel
    (mapped in at build time), else at the top of the source checkout."""
    packaged = PACKAGE_DIR / name
    return packaged if packaged.is_dir() else PROJECT_ROOT / name


def default_instance_path() -> str | None:
    """``TRACKER_INSTANCE_PATH``, else ``instance/`` of a source checkout, else Flask's own
    choice for an installed package (``<prefix>/var/tracker-instance``)."""
    if path := os.environ.get("TRACKER_INSTANCE_PATH"):
        return path
    if (PROJECT_ROOT / "pyproject.toml").is_file():
        return str(PROJECT_ROOT / "instance")
    return None


def create_app(test_config: dict | None = None, instance_path: str | None = None) -> Flask:
    """Application factory: configure, bind extensions, register blueprints. No I/O beyond
    reading configuration (and creating the instance folder and its secret key once)."""
    app = Flask(
        __name__,
        instance_relative_config=True,
        instance_path=instance_path or default_instance_path(),
        template_folder=str(resource_dir("templates")),
        static_folder=str(resource_dir("static")),
    )
    app.config["SEEDS_DIR"] = str(resource_dir("seeds"))
    app.url_map.converters["int"] = BoundedIntConverter

    from tracker.config import load_config

    load_config(app, test_config)

    from tracker.extensions import csrf, db, init_csrf, mail, migrate

    db.init_app(app)
    migrate.init_app(app, db, directory=str(Path(__file__).parent / "migrations"))
    init_csrf(app)
    mail.init_app(app)

    from tracker.accounts import blueprint as accounts
    from tracker.accounts.auth import register_auth
    from tracker.audit import blueprint as audit
    from tracker.cli import register_cli
    from tracker.conditional import register_conditional
    from tracker.conflicts import register_conflicts
    from tracker.dashboard import blueprint as dashboard
    from tracker.evaluation import blueprint as evaluation
    from tracker.evaluation import receivers as evaluation_receivers
    from tracker.figures import blueprint as figures
    from tracker.figures import receivers as figure_receivers
    from tracker.health import bp as health_bp
    from tracker.help import bp as help_bp
    from tracker.meetings import blueprint as meetings
    from tracker.meetings import receivers as meeting_receivers
    from tracker.municipalities import blueprint as municipalities
    from tracker.notifications import blueprint as notifications
    from tracker.notifications import receivers as notification_receivers
    from tracker.plan import blueprint as plan
    from tracker.plan import regions as _regions  # noqa: F401 - default region for new rows
    from tracker.progress import blueprint as progress
    from tracker.progress import receivers as progress_receivers
    from tracker.public import blueprint as public
    from tracker.public import receivers as public_receivers
    from tracker.redaction import blueprint as redaction
    from tracker.reports import blueprint as reports
    from tracker.web import register_web

    # Each package lists its URLs in its blueprint.py (the API's come from several packages,
    # so every blueprint module is imported before any blueprint is registered).
    for blueprint in (
        dashboard.bp,
        plan.bp,
        plan.api_bp,
        accounts.bp,
        accounts.users_bp,
        progress.bp,
        audit.bp,
        meetings.bp,
        municipalities.bp,
        notifications.bp,
        notifications.update_requests_bp,
        reports.bp,
        redaction.bp,
        health_bp,
        help_bp,
        figures.bp,
        evaluation.bp,
        public.bp,
    ):
        app.register_blueprint(blueprint)
    csrf.exempt(plan.api_bp)  # read-only: GET requests only
    meeting_receivers.connect_receivers()
    notification_receivers.connect_receivers()
    progress_receivers.connect_receivers()
    evaluation_receivers.connect_receivers()
    public_receivers.connect_receivers()
    figure_receivers.connect_receivers()
    register_auth(app)
    register_web(app)
    register_conflicts(app)
    register_conditional(app)
    register_cli(app)
    # Outermost, so the middleware of register_web sees the scheme it reports.
    if proxies := int(app.config["TRUSTED_PROXIES"]):
        # Behind N reverse proxies: the client's address and scheme come from their
        # X-Forwarded-For/-Proto headers (throttling per address, HSTS, secure cookies).
        app.wsgi_app = ProxyFix(app.wsgi_app, x_for=proxies, x_proto=proxies)
    return app
