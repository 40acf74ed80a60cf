"""The session cookie (Flask's signed cookie): refused when tampered with or past its
lifetime."""

from __future__ import annotations

from datetime import datetime, timedelta

import time_machine

from .helpers import login, replay_cookie

START = datetime(2026, 3, 2, 9, 0)


def test_a_cookie_ends_with_its_lifetime(seeded_app, make_user):
    user = make_user("lezer")
    client = seeded_app.test_client()
    lifetime = seeded_app.permanent_session_lifetime
    with time_machine.travel(START, tick=False) as clock:
        login(client, user.email)
        client.get("/")  # the first page adds the session's CSRF token: a new cookie
        cookie = client.get_cookie("session").value
        assert replay_cookie(seeded_app, cookie).status_code == 200
        clock.shift(lifetime - timedelta(seconds=1))
        assert replay_cookie(seeded_app, cookie).status_code == 200
        clock.shift(timedelta(seconds=2))
        response = replay_cookie(seeded_app, cookie)
        assert response.status_code == 302 and "/login" in response.headers["Location"]


def test_a_tampered_cookie_is_refused(seeded_app, make_user):
    user = make_user("lezer")
    client = seeded_app.test_client()
    login(client, user.email)
    cookie = client.get_cookie("session").value
    assert replay_cookie(seeded_app, cookie).status_code == 200
    payload, _, signature = cookie.rpartition(".")
    forged = payload + "." + ("A" if signature[0] != "A" else "B") + signature[1:]
    response = replay_cookie(seeded_app, forged)
    assert response.status_code == 302 and "/login" in response.headers["Location"]
