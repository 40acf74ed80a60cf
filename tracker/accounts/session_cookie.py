"""The session cookie: Flask's signed cookie, with the same rules, at less cost per request.

Every request opens the session: build a serializer, verify the signature, decode the JSON;
on a page served from the cache that was a sixth of the work. Here the serializer is built
once per set of keys, and a cookie this worker verified before is not verified again: it is
kept by its exact value with the moment it was signed, and its age is still checked on every
request as itsdangerous checks it (``PERMANENT_SESSION_LIFETIME`` after signing). A kept
cookie passed the signature check with the same keys, so nothing is accepted that Flask would
refuse; a changed session is a new cookie value, verified afresh.
"""

from __future__ import annotations

import threading
import time

from cachetools import LRUCache
from flask import Flask, Request
from flask.sessions import SecureCookieSession, SecureCookieSessionInterface
from itsdangerous import BadSignature, URLSafeTimedSerializer

_PLAIN = (str, int, float, bool, type(None))


class TrackerSessionInterface(SecureCookieSessionInterface):
    def __init__(self, max_cookies: int = 10_000):
        self._verified: LRUCache = LRUCache(maxsize=max_cookies)
        self._serializers: dict[tuple, URLSafeTimedSerializer] = {}
        self._lock = threading.Lock()

    def get_signing_serializer(self, app: Flask) -> URLSafeTimedSerializer | None:
        """Flask builds one per request; it holds only the keys, so one per set of keys."""
        keys = (app.secret_key, tuple(app.config["SECRET_KEY_FALLBACKS"] or ()))
        if keys not in self._serializers:
            self._serializers[keys] = super().get_signing_serializer(app)
        return self._serializers[keys]

    def open_session(self, app: Flask, request: Request) -> SecureCookieSession | None:
        serializer = self.get_signing_serializer(app)
        value = request.cookies.get(self.get_cookie_name(app))
        if serializer is None or not value:
            return super().open_session(app, request)
        max_age = int(app.permanent_session_lifetime.total_seconds())
        key = (serializer, value)
        with self._lock:
            kept = self._verified.get(key)
        if kept is None:
            try:
                data, signed_at = serializer.loads(value, max_age=max_age, return_timestamp=True)
            except BadSignature:  # includes an expired signature
                return self.session_class()
            kept = (data, int(signed_at.timestamp()))
            # Only sessions of plain values are kept: each request gets a shallow copy.
            if all(isinstance(item, _PLAIN) for item in data.values()):
                with self._lock:
                    self._verified[key] = kept
        else:
            age = int(time.time()) - kept[1]
            if age > max_age or age < 0:  # what itsdangerous's max_age check refuses
                return self.session_class()
        return self.session_class(dict(kept[0]))
