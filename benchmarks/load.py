"""Logging in as the benchmark's user, for the session cookie wrk sends."""

from __future__ import annotations

import http.client
import re
from urllib.parse import urlencode


def login(host: str, port: int, email: str, password: str) -> str:
    conn = http.client.HTTPConnection(host, port, timeout=120)
    conn.request("GET", "/login")
    response = conn.getresponse()
    body = response.read().decode()
    cookie = response.getheader("Set-Cookie").split(";")[0]
    token = re.search(r'name="csrf_token"[^>]*value="([^"]+)"', body).group(1)
    form = urlencode({"email": email, "password": password, "csrf_token": token})
    headers = {"Cookie": cookie, "Content-Type": "application/x-www-form-urlencoded"}
    conn.request("POST", "/login", form, headers)
    response = conn.getresponse()
    response.read()
    conn.close()
    # Every cookie the login sets (the session and the known-device cookie), as one header.
    return "; ".join(value.split(";")[0] for value in response.msg.get_all("Set-Cookie"))
