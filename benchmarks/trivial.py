"""The yardstick: a five-line Flask app, served by the same gunicorn as the tracker."""

from flask import Flask

app = Flask(__name__)
app.add_url_rule("/", "ping", lambda: "ok")
