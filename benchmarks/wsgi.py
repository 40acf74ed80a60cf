"""The app as the benchmark serves it with gunicorn, plus a trivial route to compare with."""

from tracker import create_app
from tracker.accounts.auth import PUBLIC_ENDPOINTS
from tracker.privacy.names import load
from tracker.reports.pdf import warm_up

app = create_app()
load()  # as tracker/wsgi.py does in production: no request waits for the lists
warm_up()  # nor for WeasyPrint's set-up
app.add_url_rule("/_bench/ping", "bench_ping", lambda: "ok")
PUBLIC_ENDPOINTS.add("bench_ping")
