"""The scheduler: APScheduler runs one periodic tick that calls ``send_due_notifications``.

The reminders themselves live in the outbox table, not as APScheduler jobs: its job stores
drop misfired date jobs and are not safe to share between processes, while outbox rows are
claimed in the database, so a second scheduler (or the in-process one of the development
server next to a dedicated one) never sends anything twice.
"""

from __future__ import annotations

import logging
from datetime import UTC, datetime

from apscheduler.schedulers.background import BackgroundScheduler
from apscheduler.schedulers.blocking import BlockingScheduler
from flask import Flask

from tracker.dates import utcnow
from tracker.extensions import db
from tracker.health import beat
from tracker.notifications.sending import send_due_notifications
from tracker.redaction.scan import scan

log = logging.getLogger(__name__)


def tick(app: Flask) -> int:
    """One round in its own app context; errors are logged, never kill the scheduler."""
    with app.app_context():
        try:
            now = utcnow()
            sent = send_due_notifications(now)
            beat("scheduler", now)
            db.session.commit()
        except Exception:
            db.session.rollback()
            log.exception("Scheduler tick failed")
            return 0
        finally:
            db.session.remove()
    if sent:
        log.info("Scheduler tick sent %d notification(s)", sent)
    return sent


def nightly_privacy_scan(app: Flask) -> None:
    """Check every stored text for personal data; the overview shows the counts."""
    with app.app_context():
        try:
            results = scan(utcnow())
            db.session.commit()
            hard = sum(r.is_hard for r in results)
            if hard:
                log.warning("Privacy scan: %d stored text(s) with hard findings", hard)
        except Exception:
            db.session.rollback()
            log.exception("Privacy scan failed")
        finally:
            db.session.remove()


def _configure(scheduler, app: Flask):
    scheduler.add_job(
        tick,
        "interval",
        args=[app],
        seconds=app.config["SCHEDULER_INTERVAL_SECONDS"],
        id="outbox-tick",
        max_instances=1,
        coalesce=True,
        next_run_time=datetime.now(UTC),
    )
    scheduler.add_job(
        nightly_privacy_scan,
        "cron",
        args=[app],
        hour=2,
        minute=30,
        timezone=app.config["TIMEZONE"],
        id="privacy-scan",
        max_instances=1,
        coalesce=True,
    )
    return scheduler


def start_background(app: Flask) -> BackgroundScheduler:
    """For the development server: ticks in a thread of the web process."""
    scheduler = _configure(BackgroundScheduler(timezone="UTC"), app)
    scheduler.start()
    return scheduler


def run_blocking(app: Flask) -> None:
    """For production: ``flask --app tracker scheduler`` as its own process."""
    _configure(BlockingScheduler(timezone="UTC"), app).start()
