"""The WSGI entry point for production: ``gunicorn --preload 'tracker.wsgi:app'``.

The privacy guard's name and address lists (deduce, about 1 GB) are loaded here, before
gunicorn forks its workers with ``--preload``, so the workers share one copy and no request
waits for them.
"""

from tracker import create_app
from tracker.privacy.detect import load
from tracker.urls import warn_without_base_url

app = create_app()
warn_without_base_url(app)
load()
