"""Every page from the database, and conditional GETs where they are cheap (tracker/conditional.py):
the data version moves with every write that changes rows, never with bookkeeping, and an
ETag never outlives what it stands for, in this worker or in another one."""

from __future__ import annotations

import re
from datetime import datetime

from sqlalchemy import select, text

from tracker.accounts.models import User
from tracker.data_version import read_data_version
from tracker.extensions import db
from tracker.health import beat
from tracker.meetings.models import Meeting, MeetingOutcome, MeetingSeries
from tracker.notifications.models import Notification
from tracker.plan.models import Action

from .conftest import login_as
from .helpers import post_form, text_of

UPDATE = {"status": "afgerond", "signal": "op_koers", "text": "Werkgroep heeft het opgeleverd."}


def _version_field(html: str) -> str:
    form = html.split('action="/acties/4.1/voortgang"')[1]
    return re.search(r'name="version" type="hidden" value="(\d+)"', form).group(1)


def test_a_write_in_one_worker_shows_on_the_next_request_in_the_other(seeded_app, roles, make_app):
    """Two workers on one database: B records progress; A's very next request shows it."""
    worker_b = make_app()
    reader_a = login_as(seeded_app.test_client(), roles["lezer"])
    reporter_b = login_as(worker_b.test_client(), roles["bijdrager_eigen"])  # RIEC owns 4.1
    assert "Werkgroep heeft het opgeleverd." not in text_of(reader_a.get("/acties/4.1"))
    page_b = reporter_b.get("/acties/4.1").get_data(as_text=True)
    response = post_form(
        reporter_b, "/acties/4.1/voortgang", {**UPDATE, "version": _version_field(page_b)}
    )
    assert response.status_code == 302
    assert "Werkgroep heeft het opgeleverd." in text_of(reader_a.get("/acties/4.1"))
    assert "Afgerond" in text_of(reader_a.get("/acties?status=afgerond"))


def test_a_page_runs_its_view_every_time(client, count_queries):
    """No page cache: the second request costs what the first did."""
    client.get("/acties")
    with count_queries as first:
        client.get("/acties")
    with count_queries as second:
        client.get("/acties")
    assert second.count == first.count > 3


def test_every_view_of_the_report_is_audited(client):
    from tracker.audit.models import AuditEvent

    for _ in range(2):
        assert client.get("/rapportage").status_code == 200
    views = select(AuditEvent).where(AuditEvent.kind == "report.view")
    assert len(db.session.scalars(views).all()) == 2


def test_a_disabled_account_or_an_ended_session_is_refused_at_once(seeded_app, roles, make_app):
    """The user is read on every request: a change made in another worker counts at once."""
    worker_b = make_app()
    reader_id, other_id = roles["lezer"].id, roles["bijdrager_eigen"].id
    reader = login_as(seeded_app.test_client(), roles["lezer"])
    other = login_as(seeded_app.test_client(), roles["bijdrager_eigen"])
    assert reader.get("/acties").status_code == 200 and other.get("/").status_code == 200
    with worker_b.app_context():
        db.session.get(User, reader_id).end_sessions()
        db.session.get(User, other_id).is_enabled = False
        db.session.commit()
    db.session.remove()
    assert reader.get("/").status_code == 302
    response = other.get("/acties")
    assert response.status_code == 302 and "/login" in response.location


def test_every_write_moves_the_version_in_its_own_transaction(seeded_app):
    before = read_data_version()
    db.session.scalar(select(Action).limit(1)).owners_text += " (gewijzigd)"
    db.session.commit()
    assert read_data_version() == before + 1
    db.session.scalar(select(Action).limit(1)).owners_text += " (weer)"
    db.session.rollback()  # a write that is rolled back moves nothing
    assert read_data_version() == before + 1
    db.session.commit()  # nothing to write: nothing moves
    assert read_data_version() == before + 1


def test_bookkeeping_writes_leave_the_version_alone(seeded_app):
    """The scheduler's heartbeat every minute must not void every ETag."""
    before = read_data_version()
    beat("scheduler", datetime(2025, 1, 1, 9, 0))
    db.session.commit()
    assert read_data_version() == before


def test_api_answers_conditional_gets_with_304_until_the_data_changes(client):
    first = client.get("/api/v1/actions")
    etag = first.headers["ETag"]
    again = client.get("/api/v1/actions", headers={"If-None-Match": etag})
    assert again.status_code == 304 and again.data == b""
    db.session.scalar(select(Action).limit(1)).owners_text += " (gewijzigd)"
    db.session.commit()
    changed = client.get("/api/v1/actions", headers={"If-None-Match": etag})
    assert changed.status_code == 200 and changed.headers["ETag"] != etag
    assert changed.json["count"] == first.json["count"]


def test_exports_answer_304_and_the_etag_is_per_user(client_for):
    lezer, beheerder = client_for("lezer"), client_for("beheerder")
    etag = lezer.get("/export.csv").headers["ETag"]
    assert lezer.get("/export.csv", headers={"If-None-Match": etag}).status_code == 304
    assert beheerder.get("/export.csv", headers={"If-None-Match": etag}).status_code == 200


def test_an_upgrade_changes_every_etag(client_for, tmp_path):
    """A client keeps its ETag across an upgrade: a PDF or export laid out anew by the new
    release is sent again, not answered with 304."""
    from tracker.conditional import release_digest

    (tmp_path / "report.html").write_text("Voortgang", encoding="utf-8")
    first = release_digest(str(tmp_path))
    release_digest.cache_clear()
    (tmp_path / "report.html").write_text("Voortgang per thema", encoding="utf-8")
    assert release_digest(str(tmp_path)) != first
    release_digest.cache_clear()

    lezer = client_for("lezer")
    etag = lezer.get("/export.csv").headers["ETag"]
    assert lezer.get("/export.csv", headers={"If-None-Match": etag}).status_code == 304
    lezer.application.extensions["release"] = "de-volgende-release"
    assert lezer.get("/export.csv", headers={"If-None-Match": etag}).status_code == 200


def test_a_change_to_a_link_table_alone_moves_the_version(seeded_app):
    """An actiepunt linked to one more action changes only the association table."""
    first, second = db.session.scalars(select(Action).limit(2)).all()
    series = db.session.scalar(select(MeetingSeries).limit(1))
    meeting = Meeting(
        series=series, starts_at=datetime(2025, 3, 1, 9), ends_at=datetime(2025, 3, 1, 11)
    )
    outcome = MeetingOutcome(meeting=meeting, kind="besluit", text="Besluit.", actions=[first])
    db.session.add_all([meeting, outcome])
    db.session.commit()
    before = read_data_version()
    outcome.actions.append(second)
    db.session.commit()
    assert read_data_version() == before + 1


def test_a_missing_counter_row_starts_again_rather_than_standing_still(seeded_app):
    """An emptied table (as the PostgreSQL test run empties them between tests) must not freeze
    the ETags: the next write upserts the row."""
    db.session.execute(text("DELETE FROM data_version"))
    db.session.commit()
    assert read_data_version() == 0
    db.session.scalar(select(Action).limit(1)).owners_text += " (gewijzigd)"
    db.session.commit()
    assert read_data_version() == 1


def test_beheer_blocks_are_shown_to_beheerders_only(client_for, roles):
    series = db.session.scalar(select(MeetingSeries).limit(1))
    meeting = Meeting(
        series=series, starts_at=datetime(2025, 3, 1, 9), ends_at=datetime(2025, 3, 1, 11)
    )
    db.session.add(meeting)
    db.session.flush()
    db.session.add(
        Notification(
            kind="herinnering",
            recipient_id=roles["lezer"].id,
            meeting_id=meeting.id,
            offset_days=2,
            dedupe_key="herinnering:test",
            due_at=datetime(2025, 2, 27, 8),
            state="mislukt",
        )
    )
    db.session.commit()
    beheerder, lezer = client_for("beheerder"), client_for("lezer")
    for _ in range(2):
        assert "niet worden verstuurd" in text_of(beheerder.get("/"))
        assert "niet worden verstuurd" not in text_of(lezer.get("/"))
