"""The WSGI entry point for production: ``gunicorn --preload 'tracker.wsgi:app'``.

The privacy guard's name and address lists (deduce, about 1 GB) are loaded here, before
gunicorn forks its workers with ``--preload``, so the workers share one copy and no request
waits for them. WeasyPrint is warmed up here too (Pango and the fonts), so no worker's first
report PDF waits for that.
"""

from tracker import create_app
from tracker.privacy.names import load
from tracker.reports.pdf import warm_up
from tracker.urls import warn_without_base_url

app = create_app()
warn_without_base_url(app)
load()
warm_up()
