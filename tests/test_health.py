"""/healthz: the database and the scheduler's heartbeat, for container health checks."""

from datetime import UTC, datetime, timedelta

import time_machine
from sqlalchemy import select

from tracker.extensions import db
from tracker.health import Heartbeat
from tracker.scheduler import tick


def test_healthz_needs_no_login_and_reports_the_database(seeded_app):
    response = seeded_app.test_client().get("/healthz")
    assert response.status_code == 200
    assert response.json == {"database": "ok", "scheduler_last_tick_seconds_ago": None}


def test_a_scheduler_tick_writes_the_heartbeat_that_healthz_reports(seeded_app):
    start = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)
    with time_machine.travel(start, tick=False):
        tick(seeded_app)
    assert db.session.scalar(select(Heartbeat.at)) == start.replace(tzinfo=None)
    client = seeded_app.test_client()
    with time_machine.travel(start + timedelta(seconds=90), tick=False):
        assert client.get("/healthz").json["scheduler_last_tick_seconds_ago"] == 90
        assert client.get("/healthz?max_tick_age=300").status_code == 200
        assert client.get("/healthz?max_tick_age=60").status_code == 503


def test_without_any_tick_a_required_scheduler_is_unhealthy(seeded_app):
    assert seeded_app.test_client().get("/healthz?max_tick_age=300").status_code == 503


def test_an_unreachable_database_gives_503(make_app, tmp_path):
    app = make_app(SQLALCHEMY_DATABASE_URI=f"sqlite:///{tmp_path / 'weg' / 'nergens.db'}")
    with app.app_context():
        response = app.test_client().get("/healthz")
    assert response.status_code == 503
    assert response.json == {"database": "unreachable"}
