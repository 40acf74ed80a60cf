"""Absolute links for e-mails and feeds, built from ``BASE_URL`` and never from a request
(the scheduler has none, and a request's Host header is not to be trusted)."""

from __future__ import annotations

from flask import current_app


def external_url(endpoint: str, **values) -> str:
    adapter = current_app.url_map.bind("localhost", url_scheme="https")
    anchor = values.pop("_anchor", None)
    path = adapter.build(endpoint, values)
    return current_app.config["BASE_URL"].rstrip("/") + path + (f"#{anchor}" if anchor else "")
