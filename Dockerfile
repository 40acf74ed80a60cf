# The tracker as production runs it: the wheel (templates, static files and seeds inside),
# gunicorn, and the privacy guard's lists built into the image. See README, "Productie".
FROM python:3.11-slim-bookworm AS build
WORKDIR /src
COPY . .
RUN pip install --no-cache-dir build && python -m build --wheel --outdir /wheels

FROM python:3.11-slim-bookworm
# Pango and fonts for the PDF report (WeasyPrint); pg_dump/pg_restore for `flask backup`.
RUN apt-get update \
    && apt-get install -y --no-install-recommends libpango-1.0-0 libpangoft2-1.0-0 \
       libharfbuzz-subset0 fonts-dejavu-core postgresql-client \
    && rm -rf /var/lib/apt/lists/*
COPY --from=build /wheels /wheels
RUN pip install --no-cache-dir "$(ls /wheels/*.whl)[prod]" && rm -rf /wheels
# deduce builds its name and address lists once (a minute or two): here, not at start-up.
RUN TRACKER_INSTANCE_PATH=/tmp/build FLASK_SECRET_KEY=build flask --app tracker privacy warm \
    && rm -rf /tmp/build
RUN useradd --create-home --uid 10001 tracker && mkdir -p /data && chown tracker /data
ENV TRACKER_INSTANCE_PATH=/data/instance \
    PYTHONUNBUFFERED=1
USER tracker
VOLUME /data
EXPOSE 8000
HEALTHCHECK --interval=30s --timeout=5s --start-period=60s \
    CMD python -c "import urllib.request; urllib.request.urlopen('http://127.0.0.1:8000/healthz', timeout=4)"
# gunicorn's sync workers, one per core, behind the reverse proxy that buffers slow clients:
# each worker renders one page at a time, so no request waits for Python's GIL behind another
# thread's page (four threads a worker cost a quarter more CPU per request; BENCHMARKS.md).
CMD ["gunicorn", "--preload", "--workers", "2", "--bind", "0.0.0.0:8000", \
     "--access-logfile", "-", "--error-logfile", "-", "tracker.wsgi:app"]
