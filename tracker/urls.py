"""Absolute links for e-mails and feeds.

``BASE_URL`` decides, when it is set (production must set it: a request's Host header is not
to be trusted for links that carry secrets). Unset, a link follows the address the request
came in on, so a development server on any port links to itself; outside a request (the
scheduler) ``flask serve`` has set ``BASE_URL`` from its own address, and anything else falls
back to the development default.
"""

from __future__ import annotations

import logging

from flask import Flask, current_app, has_request_context, request

DEVELOPMENT_BASE_URL = "http://127.0.0.1:5000"

log = logging.getLogger(__name__)


def base_url() -> str:
    if configured := current_app.config.get("BASE_URL"):
        return configured.rstrip("/")
    if has_request_context():
        return request.host_url.rstrip("/")
    return DEVELOPMENT_BASE_URL


def external_url(endpoint: str, **values) -> str:
    adapter = current_app.url_map.bind("localhost", url_scheme="https")
    anchor = values.pop("_anchor", None)
    path = adapter.build(endpoint, values)
    return base_url() + path + (f"#{anchor}" if anchor else "")


def warn_without_base_url(app: Flask) -> bool:
    """At a production start (gunicorn, the scheduler process): say so when ``BASE_URL`` is
    missing. True when it warned."""
    if app.config.get("BASE_URL"):
        return False
    log.warning(
        "BASE_URL is not set: links in e-mails follow the Host header of each request, and "
        "the scheduler's e-mails point to %s. Set FLASK_BASE_URL to the tracker's public "
        "address (https://...).",
        DEVELOPMENT_BASE_URL,
    )
    return True
