"""Logging in as the benchmark's users, for the session cookie wrk sends."""

from __future__ import annotations

import http.client
import re
from urllib.parse import urlencode


def login(host: str, port: int, email: str, password: str, second_factor: str = "") -> str:
    """The cookies of a full login, as one header; ``second_factor``: a code for the second
    step (a beheerder's recovery code)."""
    conn = http.client.HTTPConnection(host, port, timeout=120)
    jar: dict[str, str] = {}
    response = _post_form(conn, "/login", jar, {"email": email, "password": password})
    if second_factor:
        response = _post_form(conn, "/login/tweede-stap", jar, {"code": second_factor})
    conn.close()
    if response.status != 302 or response.getheader("Location", "").startswith("/login"):
        raise RuntimeError(f"login of {email} failed: HTTP {response.status}")
    return _header(jar)


def _post_form(conn, path: str, jar: dict[str, str], fields: dict):
    """GET ``path`` for its CSRF token, then POST ``fields``; the cookies both set go into
    ``jar``. Returns the POST's response."""
    conn.request("GET", path, headers={"Cookie": _header(jar)})
    response = conn.getresponse()
    body = response.read().decode()
    _keep(jar, response)
    token = re.search(r'name="csrf_token"[^>]*value="([^"]+)"', body).group(1)
    headers = {"Cookie": _header(jar), "Content-Type": "application/x-www-form-urlencoded"}
    conn.request("POST", path, urlencode({**fields, "csrf_token": token}), headers)
    response = conn.getresponse()
    response.read()
    _keep(jar, response)
    return response


def _keep(jar: dict[str, str], response) -> None:
    for value in response.msg.get_all("Set-Cookie") or []:
        name, _, rest = value.split(";")[0].partition("=")
        jar[name] = rest


def _header(jar: dict[str, str]) -> str:
    return "; ".join(f"{name}={value}" for name, value in jar.items())
