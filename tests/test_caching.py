"""The page cache and conditional GETs (tracker/caching.py): pages are rendered once per data
version, and a write is never hidden by a cache, in this worker or in another one."""

from __future__ import annotations

import os
import re
import threading
from datetime import UTC, datetime, timedelta

import pytest
import time_machine
from sqlalchemy import select, text

from tracker.accounts.models import User
from tracker.data_version import read_data_version, request_data_version
from tracker.dates import utcnow
from tracker.extensions import db
from tracker.health import beat
from tracker.meetings.models import Meeting, MeetingOutcome, MeetingSeries
from tracker.notifications.models import Notification
from tracker.plan.models import Action

from .conftest import POSTGRES_URL, login_as
from .helpers import post_form, text_of

UPDATE = {"status": "afgerond", "signal": "op_koers", "text": "Werkgroep heeft het opgeleverd."}


def _version_field(html: str) -> str:
    form = html.split('action="/acties/4.1/voortgang"')[1]
    return re.search(r'name="version" type="hidden" value="(\d+)"', form).group(1)


def test_a_write_in_one_worker_shows_on_the_next_request_through_the_other_workers_cache(
    seeded_app, roles, make_app, count_queries
):
    """Two workers: each its own in-process cache, one database. Worker A serves the action
    page from its cache; worker B records progress; A's very next request shows it."""
    worker_b = make_app()
    reader_a = login_as(seeded_app.test_client(), roles["lezer"])
    reporter_b = login_as(worker_b.test_client(), roles["bijdrager_eigen"])  # RIEC owns 4.1

    assert "Werkgroep heeft het opgeleverd." not in text_of(reader_a.get("/acties/4.1"))
    with count_queries as rendered:
        reader_a.get("/acties/4.1")
    assert rendered.count <= 3  # served from A's cache: the user and the data version

    page_b = reporter_b.get("/acties/4.1").get_data(as_text=True)
    response = post_form(
        reporter_b, "/acties/4.1/voortgang", {**UPDATE, "version": _version_field(page_b)}
    )
    assert response.status_code == 302

    page = text_of(reader_a.get("/acties/4.1"))
    assert "Werkgroep heeft het opgeleverd." in page
    for path in ("/", "/acties"):  # the overview and the list count it too
        assert reader_a.get(path).status_code == 200
    assert "Afgerond" in text_of(reader_a.get("/acties?status=afgerond"))


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


def test_bookkeeping_writes_leave_the_cache_alone(seeded_app):
    """The scheduler's heartbeat every minute must not empty every worker's cache."""
    before = read_data_version()
    beat("scheduler", datetime(2025, 1, 1, 9, 0))
    db.session.commit()
    assert read_data_version() == before


def test_cached_pages_carry_each_sessions_own_csrf_token(seeded_app, roles):
    """The logout form and the update form are in cached HTML; every session gets its own
    token, and posting with it works."""
    first = login_as(seeded_app.test_client(), roles["beheerder"])
    second = login_as(seeded_app.test_client(), roles["beheerder"])
    tokens = []
    for client in (first, second, first):
        html = client.get("/acties/4.1").get_data(as_text=True)
        assert "csrf-" not in html  # no placeholder left
        signed = re.findall(r'name="csrf_token"[^>]*value="([^"]+)"', html)
        # The session's token is what is signed; the signature carries the second it was made.
        tokens.append({token.split(".")[0] for token in signed})
    assert tokens[0] == tokens[2] and not tokens[0] & tokens[1]
    response = post_form(second, "/acties/4.1/voortgang", {**UPDATE, "version": "1"})
    assert response.status_code == 302


def test_a_page_from_the_cache_is_the_rendered_page_as_utf8_bytes(client, count_queries):
    """The cache keeps pages encoded; what it serves is what the render sent, accents and
    dashes included, with this session's token in place of the placeholder."""
    rendered = client.get("/acties")
    with count_queries as cached_queries:
        cached = client.get("/acties")
    assert cached_queries.count == 1  # the version read: served from the cache
    assert cached.mimetype == "text/html" and cached.mimetype_params["charset"] == "utf-8"

    def squeezed(response) -> bytes:  # the frame around the content differs in blank lines
        return re.sub(rb"\s+", b" ", response.get_data())

    assert squeezed(cached) == squeezed(rendered)
    assert re.search(r"[^\x00-\x7f]", cached.get_data(as_text=True))  # é, ë, –, · …


def test_a_sessions_signed_csrf_token_is_reused_for_a_minute_and_still_accepted(seeded_app, roles):
    """Signing the token was a tenth of a cached page: within a minute the page carries the
    same signed token, after it a newly signed one; both are accepted."""

    def token(client) -> str:
        html = client.get("/acties/4.1").get_data(as_text=True)
        return re.search(r'name="csrf_token"[^>]*value="([^"]+)"', html).group(1)

    with time_machine.travel(datetime(2026, 3, 2, 9, 0), tick=False) as clock:
        client = login_as(seeded_app.test_client(), roles["beheerder"])
        first = token(client)
        clock.shift(timedelta(seconds=30))
        assert token(client) == first
        clock.shift(timedelta(seconds=31))
        later = token(client)
        assert later != first and later.split(".")[0] == first.split(".")[0]
        for signed in (first, later):  # an incomplete form: refused by its fields, not CSRF
            response = client.post(
                "/acties/4.1/voortgang", data={"version": "1", "csrf_token": signed}
            )
            assert response.status_code == 400 and "Formulier verlopen" not in text_of(response)
        forged = client.post("/acties/4.1/voortgang", data={"version": "1", "csrf_token": "x"})
        assert "Formulier verlopen" in text_of(forged)


def test_beheer_blocks_are_not_served_to_others_from_the_cache(client_for, roles):
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
    for _ in range(2):  # rendered, then from the cache
        assert "niet worden verstuurd" in text_of(beheerder.get("/"))
        assert "niet worden verstuurd" not in text_of(lezer.get("/"))


def test_flash_messages_still_show_on_a_cached_page(client_for):
    client = client_for("bijdrager_eigen")
    client.get("/acties/4.1")  # cached now
    html = client.get("/acties/4.1").get_data(as_text=True)
    response = post_form(
        client, "/acties/4.1/voortgang", {**UPDATE, "version": _version_field(html)}
    )
    assert "Voortgang van actie 4.1 opgeslagen." in text_of(
        client.get(response.headers["Location"])
    )


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
    from tracker.caching import release_digest

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


def test_every_view_of_the_report_is_audited_also_from_the_cache(client, count_queries):
    from tracker.audit.models import AuditEvent

    def views() -> int:
        return len(
            db.session.scalars(select(AuditEvent).where(AuditEvent.kind == "report.view")).all()
        )

    client.get("/rapportage")
    with count_queries as cached:
        assert client.get("/rapportage").status_code == 200
    assert cached.count < 10  # not rendered again
    assert views() == 2


def test_an_error_page_from_a_cached_view_has_a_working_logout_form(client):
    html = client.get("/acties/9.99").get_data(as_text=True)
    assert "Niet gevonden" in html
    assert "csrf-" not in html and "<!--" not in html
    token = re.search(r'name="csrf_token"[^>]*value="([^"]+)"', html).group(1)
    assert client.post("/logout", data={"csrf_token": token}).status_code == 302


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
    """A truncated table (as the PostgreSQL test run does between tests) must not freeze
    the cache: the next write upserts the row."""
    db.session.execute(text("DELETE FROM data_version"))
    db.session.commit()
    assert read_data_version() == 0
    db.session.scalar(select(Action).limit(1)).owners_text += " (gewijzigd)"
    db.session.commit()
    assert read_data_version() == 1


def test_the_user_is_kept_per_version_and_a_disabled_account_is_refused_at_once(
    seeded_app, roles, make_app, count_queries
):
    """The logged-in user is read from a copy kept for the data version (no query on a cached
    page); disabling the account in another worker ends the session on the next request."""
    worker_b = make_app()
    reader = login_as(seeded_app.test_client(), roles["lezer"])
    reader_id = roles["lezer"].id
    assert reader.get("/acties").status_code == 200
    db.session.remove()  # a request in production starts with an empty session
    with count_queries as cached:
        assert reader.get("/acties").status_code == 200
    assert cached.count == 1  # the data version; the user is the copy kept for it

    with worker_b.app_context():
        db.session.get(User, reader_id).is_enabled = False
        db.session.commit()
    db.session.remove()
    response = reader.get("/acties")
    assert response.status_code == 302 and "/login" in response.location


def test_a_session_ended_elsewhere_is_refused_though_the_user_was_kept(seeded_app, roles, make_app):
    """Logging out everywhere rotates the session token: the kept copy's token is old."""
    worker_b = make_app()
    reader = login_as(seeded_app.test_client(), roles["lezer"])
    assert reader.get("/").status_code == 200
    with worker_b.app_context():
        db.session.get(User, roles["lezer"].id).end_sessions()
        db.session.commit()
    db.session.remove()
    assert reader.get("/").status_code == 302


def test_each_request_reads_the_version_afresh_though_the_app_context_lives_on(seeded_app):
    """The CLI and tests hold one app context around several requests; ``g`` lives on, the
    version read must not (else a cached page would outlive a write)."""
    hooks = seeded_app.teardown_request_funcs[None]
    clears_all = hooks.pop()  # the test harness's own "clear g" hook, which would hide this
    try:
        with seeded_app.test_request_context("/"):
            first = request_data_version()
        db.session.scalar(select(Action).limit(1)).owners_text += " (gewijzigd)"
        db.session.commit()
        with seeded_app.test_request_context("/"):
            assert request_data_version() == first + 1
    finally:
        hooks.append(clears_all)


def test_the_side_engine_reads_an_integer_or_none_and_raises_on_a_bad_statement(seeded_app):
    """On PostgreSQL the read goes through libpq directly; a failing statement goes through
    the cursor again, so it raises the driver's own error."""
    from tracker.side_engine import side_engine

    with seeded_app.app_context():
        engine = side_engine()
        assert engine.integer("SELECT version FROM data_version WHERE id = 1") >= 0
        assert engine.integer("SELECT version FROM data_version WHERE id = -1") is None
        assert engine.integer("SELECT NULL") is None
        dbapi_error = engine.engine.dialect.loaded_dbapi.Error
        with pytest.raises(dbapi_error):
            engine.integer("SELECT nothing FROM no_such_table")
        assert engine.integer("SELECT 41 + 1") == 42  # the connection is fine afterwards


def test_a_side_insert_writes_the_row_with_its_defaults_and_refuses_unknown_types(seeded_app):
    """On PostgreSQL the insert goes as a prepared statement with text values: the row must
    read back as SQLAlchemy would have written it (the time default, the JSON details)."""
    from tracker.audit.models import AuditEvent
    from tracker.side_engine import side_engine

    values = {"kind": "report.view", "actor_id": None, "summary": "Bekeken", "address": None}
    details = {"thema": "3", "status": ["lopend", "afgerond"]}
    with seeded_app.app_context():
        side_engine().insert(AuditEvent.__table__, {**values, "details": details})
        side_engine().insert(AuditEvent.__table__, {**values, "details": None})
        with_details, without = db.session.scalars(
            select(AuditEvent).where(AuditEvent.kind == "report.view").order_by(AuditEvent.id)
        ).all()
        assert with_details.details == details and without.details is None
        assert with_details.subject == "" and with_details.summary == "Bekeken"
        assert abs((with_details.at - utcnow()).total_seconds()) < 60


def test_a_forked_worker_starts_with_an_empty_side_pool_and_leaves_the_parents_alone(
    seeded_app,
):
    """gunicorn ``--preload`` forks workers from a process that read the version: a worker
    must open connections of its own, never use (or close) the ones it inherited."""
    from tracker.side_engine import side_engine

    sql = "SELECT version FROM data_version WHERE id = 1"
    with seeded_app.app_context():
        side = side_engine()
        expected = side.integer(sql)
        assert side.engine.pool.checkedin() == 1
        child = os.fork()
        if child == 0:  # pragma: no cover - the child reports through its exit code
            try:
                fresh = side.engine.pool.checkedin() == 0
                os._exit(0 if fresh and side.integer(sql) == expected else 1)
            except BaseException:
                os._exit(2)
        _, status = os.waitpid(child, 0)
        assert os.waitstatus_to_exitcode(status) == 0
        assert side.engine.pool.checkedin() == 1  # the parent's connection is still there
        assert side.integer(sql) == expected


def test_a_side_insert_sends_values_as_postgresql_text_and_refuses_other_types():
    from tracker.audit.models import AuditEvent
    from tracker.side_engine import _as_text

    columns = AuditEvent.__table__.c
    at = datetime(2025, 3, 12, 9, 30)
    assert _as_text(columns.at, at) == b"2025-03-12T09:30:00"
    assert _as_text(columns.details, {"a": [1, "é"]}) == b'{"a": [1, "\\u00e9"]}'
    assert _as_text(columns.actor_id, 7) == b"7" and _as_text(columns.address, None) is None
    assert _as_text(columns.details, None) == b"null"  # as SQLAlchemy binds it (SQLite too)
    with pytest.raises(TypeError):
        _as_text(columns.summary, at.date())


if POSTGRES_URL:  # collected only in the PostgreSQL run of the suite, never skipped

    def test_the_version_read_survives_a_connection_the_database_dropped(seeded_app):
        """The version reader does not ping before use: a dropped connection is replaced and
        the read tried again, so the request after a database restart still answers."""
        with seeded_app.test_request_context():
            before = request_data_version()  # leaves a connection in the reader's pool
        db.session.execute(
            text(
                "SELECT pg_terminate_backend(pid) FROM pg_stat_activity "
                "WHERE datname = current_database() AND pid <> pg_backend_pid()"
            )
        )
        db.session.commit()
        with seeded_app.test_request_context():
            assert request_data_version() >= before

    def test_the_version_read_is_prepared_once_and_answers_where_it_is_not(seeded_app):
        """The read is prepared once per connection; where the preparation does not hold (a
        pooler's other server connection), it is answered through the cursor all the same."""
        from tracker.side_engine import side_engine

        sql = "SELECT version FROM data_version WHERE id = 1"
        with seeded_app.app_context():
            engine = side_engine()
            engine.engine.dispose()
            first = engine.integer(sql)
            assert engine.integer(sql) == first
            with engine.engine.connect() as connection:  # the pool's only connection
                prepared = connection.exec_driver_sql(
                    "SELECT statement FROM pg_prepared_statements WHERE name LIKE 'tracker%%'"
                )
                assert prepared.scalars().all() == [sql]
                connection.exec_driver_sql("DEALLOCATE ALL")
            assert engine.integer(sql) == first
            assert engine.integer(sql) == first  # prepared again

    def test_a_side_insert_is_prepared_once_and_written_once_where_it_is_not(seeded_app):
        """Where the prepared insert does not hold, the row goes through SQLAlchemy: once."""
        from tracker.audit.models import AuditEvent
        from tracker.side_engine import side_engine

        def insert(n):
            values = {"kind": "report.view", "summary": f"view {n}", "details": {"n": n}}
            side_engine().insert(AuditEvent.__table__, values)

        with seeded_app.app_context():
            side_engine().engine.dispose()
            insert(1)
            with side_engine().engine.connect() as connection:  # the pool's only connection
                prepared = connection.exec_driver_sql(
                    "SELECT count(*) FROM pg_prepared_statements "
                    "WHERE name LIKE 'tracker%%' AND statement LIKE 'INSERT INTO%%'"
                )
                assert prepared.scalar() == 1
                connection.exec_driver_sql("DEALLOCATE ALL")
            insert(2)
            insert(3)  # prepared again
            rows = db.session.scalars(
                select(AuditEvent).where(AuditEvent.kind == "report.view").order_by(AuditEvent.id)
            ).all()
            assert [(r.summary, r.details) for r in rows] == [
                (f"view {n}", {"n": n}) for n in (1, 2, 3)
            ]

    def test_the_report_view_is_audited_over_a_connection_the_database_dropped(seeded_app, roles):
        """The audit row of a report view goes over the side engine, unpinged: a dropped
        connection is replaced and the insert sent again, once."""
        from tracker.audit.models import AuditEvent

        client = login_as(seeded_app.test_client(), roles["beheerder"])
        assert client.get("/rapportage").status_code == 200  # leaves a side connection
        db.session.execute(
            text(
                "SELECT pg_terminate_backend(pid) FROM pg_stat_activity "
                "WHERE datname = current_database() AND pid <> pg_backend_pid()"
            )
        )
        db.session.commit()
        assert client.get("/rapportage").status_code == 200
        views = db.session.scalars(select(AuditEvent).where(AuditEvent.kind == "report.view"))
        assert len(views.all()) == 2


def test_a_page_is_rendered_by_one_thread_at_a_time_while_others_wait_for_it():
    """A new minute or data version used to send every thread of a worker into the same
    render at once; now the others wait for the one render (other pages do not)."""
    from tracker.caching import PageCache

    cache = PageCache(10_000)
    inside, release, order = threading.Event(), threading.Event(), []

    def first():
        with cache.rendering(7, "report"):
            inside.set()
            release.wait(10)
            order.append("first")

    def second():
        inside.wait(10)
        with cache.rendering(7, "report"):
            order.append("second")

    threads = [threading.Thread(target=first), threading.Thread(target=second)]
    for thread in threads:
        thread.start()
    inside.wait(10)
    with cache.rendering(7, "overview"):  # another page is not held up
        order.append("other")
    release.set()
    for thread in threads:
        thread.join(10)
    assert order == ["other", "first", "second"]
    assert not cache._rendering  # nothing left behind


def test_the_report_is_rendered_again_when_a_meeting_begins_not_every_minute(
    seeded_app, roles, monkeypatch
):
    """The report counts the meetings still ahead: its cached copy holds until one of the
    day's meetings begins (it was rendered again every minute: a second at 100x)."""
    from tracker.meetings import services as meeting_services
    from tracker.reports import views

    renders = []
    real_report = views.current_report
    monkeypatch.setattr(views, "current_report", lambda p: renders.append(1) or real_report(p))
    series = db.session.scalar(
        select(MeetingSeries).where(MeetingSeries.code == "platform-mensenhandel")
    )
    starts_at = datetime(2026, 3, 2, 13, 0)  # 14:00 in Amsterdam
    meeting_services.create_meeting(
        series,
        starts_at=starts_at,
        ends_at=starts_at + timedelta(hours=2),
        location="Stadhuis",
        agenda="Voortgang",
        author=None,
        now=datetime(2026, 2, 1, 9, 0),
    )
    db.session.commit()

    def planned(client) -> int:
        html = client.get("/rapportage").get_data(as_text=True)
        row = re.search(rf"<th scope=\"row\">{series.name}</th>(.*?)</tr>", html).group(1)
        return int(re.search(r'data-label="Gepland">(\d+)<', row).group(1))

    with time_machine.travel(datetime(2026, 3, 2, 8, 0, tzinfo=UTC), tick=False) as clock:
        client = login_as(seeded_app.test_client(), roles["beheerder"])
        before = planned(client)
        clock.shift(timedelta(hours=4, minutes=59))  # 13:59 in Amsterdam: still ahead
        assert planned(client) == before and len(renders) == 1
        clock.shift(timedelta(minutes=1))  # 14:00: the meeting has begun
        assert planned(client) == before - 1 and len(renders) == 2
        clock.shift(timedelta(minutes=30))
        assert planned(client) == before - 1 and len(renders) == 2
