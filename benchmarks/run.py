"""Benchmark: the tracker at the real plan's size and at 10x and 100x, served by gunicorn.

For each size it builds a fresh SQLite database (the plan, extra actions with years of
updates, meetings and notifications), then for each page counts SQL queries per request
(in-process) and measures median and p95 latency and requests per second under concurrent
load from a separate process, next to a trivial Flask route served the same way. It ends
with one scheduler tick over many pending notifications. Run: ``./dev bench``.
"""

from __future__ import annotations

import json
import os
import platform
import random
import subprocess
import sys
import tempfile
import time
from datetime import datetime, timedelta
from pathlib import Path

from sqlalchemy import event, select

ROOT = Path(__file__).resolve().parent.parent
EMAIL, PASSWORD = "lezer@bench.test", "benchmark wachtwoord"
PAGES = [
    ("ping (triviale Flask-route)", "/_bench/ping"),
    ("overzicht /", "/"),
    ("/acties", "/acties"),
    ("actiepagina", "/acties/1.1"),
    ("/rapportage", "/rapportage"),
    ("/rapportage.pdf", "/rapportage.pdf"),
    ("API /api/v1/actions", "/api/v1/actions"),
]
SIZES = {"plan (1x)": 1, "10x": 10, "100x": 100}


def build_database(path: Path, factor: int) -> None:
    from tracker import create_app
    from tracker.accounts.models import User
    from tracker.accounts.services import hash_password
    from tracker.extensions import db
    from tracker.meetings.models import Meeting, MeetingSeries
    from tracker.notifications.models import Notification
    from tracker.plan.models import Action, ActionOwner, Party, Theme
    from tracker.progress.models import ProgressUpdate
    from tracker.seeding import apply_seeds, read_seeds

    app = create_app(
        {"SQLALCHEMY_DATABASE_URI": f"sqlite:///{path}", "SECRET_KEY": "bench"},
        instance_path=str(path.parent / "instance"),
    )
    rng = random.Random(42)
    with app.app_context():
        db.create_all()
        apply_seeds(db.session, read_seeds(ROOT / "seeds"))
        reader = User(
            email=EMAIL, name="Bench Lezer", role="lezer", password_hash=hash_password(PASSWORD)
        )
        db.session.add(reader)
        themes = db.session.scalars(select(Theme).order_by(Theme.number)).all()
        parties = db.session.scalars(select(Party)).all()
        for extra in range(47 * (factor - 1)):
            theme = themes[extra % 5]
            action = Action(
                theme=theme,
                number=100 + extra,
                text=f"Aanvullende actie {extra} " * 3,
                owners_text="VAR",
            )
            action.set_planning(
                rng.choice(["Doorlopend", "Jaarlijks", "2025", "2024 - 2025", "Q3 2026"])
            )
            action.owners = [ActionOwner(position=1, party=rng.choice(parties), is_lead=True)]
            db.session.add(action)
        db.session.flush()
        statuses = ["niet_gestart", "lopend", "afgerond"]
        for action in db.session.scalars(select(Action)):
            for n in range(6):  # two years of updates, one every four months
                status = rng.choice(statuses)
                db.session.add(
                    ProgressUpdate(
                        action=action,
                        author_id=reader.id,
                        created_at=datetime(2024, 3, 1) + timedelta(days=120 * n),
                        status_before="lopend",
                        status_after=status,
                        signal_after=rng.choice([None, "op_koers", "aandacht"]),
                        text="Voortgang besproken; volgende stap gepland.",
                    )
                )
                action.status = status
        series = db.session.scalars(select(MeetingSeries)).all()
        for n in range(12 * factor):
            start = datetime(2024, 1, 8, 9) + timedelta(days=(n * 7) % 1000)
            meeting = Meeting(
                series=series[n % len(series)],
                starts_at=start,
                ends_at=start + timedelta(hours=2),
                state="gehouden",
            )
            db.session.add(meeting)
            db.session.flush()
            db.session.add(
                Notification(
                    kind="herinnering",
                    recipient_id=reader.id,
                    meeting_id=meeting.id,
                    offset_days=2,
                    dedupe_key=f"herinnering:{meeting.id}:{reader.id}:2",
                    due_at=start - timedelta(days=2),
                    state="verstuurd",
                )
            )
        db.session.commit()
        db.engine.dispose()


def count_queries(path: Path) -> dict[str, int]:
    from tracker import create_app
    from tracker.extensions import db

    app = create_app(
        {
            "SQLALCHEMY_DATABASE_URI": f"sqlite:///{path}",
            "SECRET_KEY": "bench",
            "WTF_CSRF_ENABLED": False,
        },
        instance_path=str(path.parent / "instance"),
    )
    client = app.test_client()
    client.post("/login", data={"email": EMAIL, "password": PASSWORD})
    counts = {}
    with app.app_context():
        for label, url in PAGES[1:]:
            seen: list[int] = []

            def listener(*args, seen=seen, **kwargs):
                seen.append(1)

            event.listen(db.engine, "before_cursor_execute", listener)
            response = client.get(url)
            event.remove(db.engine, "before_cursor_execute", listener)
            if response.status_code != 200:
                raise RuntimeError(f"{url}: HTTP {response.status_code}")
            counts[label] = len(seen)
        db.engine.dispose()
    return counts


def serve(path: Path, port: int) -> subprocess.Popen:
    env = {**os.environ, "DATABASE_URL": f"sqlite:///{path}", "FLASK_SECRET_KEY": "bench"}
    process = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "gunicorn",
            "-w",
            "2",
            "-k",
            "gthread",
            "--threads",
            "4",
            "-b",
            f"127.0.0.1:{port}",
            "--timeout",
            "600",
            "benchmarks.wsgi:app",
        ],
        cwd=ROOT,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    import http.client

    for _ in range(100):
        try:
            conn = http.client.HTTPConnection("127.0.0.1", port, timeout=2)
            conn.request("GET", "/_bench/ping")
            if conn.getresponse().status == 200:
                return process
        except OSError:
            time.sleep(0.1)
    process.kill()
    raise RuntimeError("gunicorn did not start")


def load(port: int, url: str, heavy: bool) -> dict:
    sequential, seconds = ("2", "0") if heavy else ("30", "3")
    output = subprocess.run(
        [
            sys.executable,
            "-m",
            "benchmarks.load",
            "127.0.0.1",
            str(port),
            url,
            EMAIL,
            PASSWORD,
            sequential,
            seconds,
            "8",
        ],
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=True,
        timeout=900,
    )
    return json.loads(output.stdout.strip().splitlines()[-1])


def scheduler_tick(path: Path, people: int) -> tuple[int, float]:
    """One tick for a meeting two days ahead with ``people`` participants: each has a 14-day
    reminder (overtaken) and a 2-day reminder due now, so the tick handles 2 x people rows."""
    from tracker import create_app
    from tracker.accounts.models import User
    from tracker.extensions import db
    from tracker.meetings.models import Meeting, MeetingSeries
    from tracker.notifications.planning import plan_meeting
    from tracker.notifications.sending import send_due_notifications

    app = create_app(
        {"SQLALCHEMY_DATABASE_URI": f"sqlite:///{path}", "SECRET_KEY": "bench"},
        instance_path=str(path.parent / "instance"),
    )
    now = datetime(2027, 5, 3, 7, 0)  # Monday, 09:00 in Amsterdam (within civil hours)
    with app.app_context():
        series = db.session.scalar(
            select(MeetingSeries).where(MeetingSeries.code == "platform-mensenhandel")
        )
        template = db.session.scalar(select(User).where(User.email == EMAIL))
        for n in range(people):
            db.session.add(
                User(
                    email=f"deelnemer{n}@bench.test",
                    name=f"Deelnemer {n}",
                    role="bijdrager",
                    party_id=series.chair_party_id,
                    password_hash=template.password_hash,
                )
            )
        meeting = Meeting(
            series=series,
            starts_at=now + timedelta(days=2, hours=4),
            ends_at=now + timedelta(days=2, hours=6),
        )
        db.session.add(meeting)
        db.session.flush()
        plan_meeting(meeting, now - timedelta(days=30))
        db.session.commit()
        start = time.perf_counter()
        sent = send_due_notifications(now)
        elapsed = time.perf_counter() - start
        db.engine.dispose()
    return sent, elapsed


def privacy_check_timing() -> str:
    """The privacy guard: loading deduce's lists, then one check per text (the corpus of
    progress-update-like sentences and the plan's own texts), as a form save does it."""
    import statistics

    import yaml

    from tests.privacy_corpus import CORPUS
    from tracker.privacy.detect import find_personal_data, load

    started = time.perf_counter()
    load()
    loaded = time.perf_counter() - started
    plan = yaml.safe_load((ROOT / "seeds" / "plan.yaml").read_text(encoding="utf-8"))
    texts = [text for text, _ in CORPUS]
    texts += [a["text"] for theme in plan["themes"] for a in theme["actions"]]
    texts += ["Voortgang: " + " ".join(text for text, _ in CORPUS)]  # one long update
    timings = []
    for _ in range(3):
        for text in texts:
            start = time.perf_counter()
            find_personal_data(text)
            timings.append((time.perf_counter() - start) * 1000)
    timings.sort()
    p95 = timings[int(len(timings) * 0.95)]
    return (
        f"Privacy check (deduce + stdnum + phonenumbers): lists loaded in {loaded:.1f} s per "
        f"process; one text: median {statistics.median(timings):.2f} ms, p95 {p95:.2f} ms, "
        f"max {timings[-1]:.2f} ms over {len(timings)} checks (goal: < 50 ms)"
    )


def main() -> None:
    sizes = {k: v for k, v in SIZES.items() if not sys.argv[1:] or k in sys.argv[1:]}
    rows = []
    with tempfile.TemporaryDirectory() as tmp:
        for size_label, factor in sizes.items():
            path = Path(tmp) / f"bench-{factor}.db"
            started = time.perf_counter()
            build_database(path, factor)
            print(
                f"# {size_label}: data built in {time.perf_counter() - started:.1f} s", flush=True
            )
            queries = count_queries(path)
            port = 18000 + factor
            server = serve(path, port)
            try:
                ping = None
                for label, url in PAGES:
                    result = load(port, url, heavy=url.endswith(".pdf"))
                    if ping is None:
                        ping = result
                    ratio = (ping["rps"] / result["rps"]) if result["rps"] else None
                    rows.append((size_label, label, queries.get(label, 0), result, ratio))
                    print(format_row(rows[-1]), flush=True)
            finally:
                server.terminate()
                server.wait()
        people = 1000
        sent, elapsed = scheduler_tick(Path(tmp) / f"bench-{max(sizes.values())}.db", people)
    print(
        f"\nScheduler tick over {2 * people} due reminders: {sent} sent (kept as .eml, no SMTP), "
        f"{2 * people - sent} overtaken by a later one, in {elapsed:.2f} s "
        f"({elapsed / max(sent, 1) * 1000:.1f} ms per e-mail)"
    )
    print(privacy_check_timing())
    print(machine())


def format_row(row) -> str:
    size, label, queries, result, ratio = row
    rps = f"{result['rps']:.0f}" if result["rps"] else "–"
    times = f"{ratio:.1f}x" if ratio else "–"
    return (
        f"| {size} | {label} | {queries} | {result['median_ms']:.1f} | {result['p95_ms']:.1f} "
        f"| {rps} | {times} |"
    )


def machine() -> str:
    cpu = next(
        (
            line.split(":", 1)[1].strip()
            for line in Path("/proc/cpuinfo").read_text().splitlines()
            if line.startswith("model name")
        ),
        platform.processor(),
    )
    return f"Machine: {os.cpu_count()} cores, {cpu}, Python {platform.python_version()}, SQLite"


if __name__ == "__main__":
    print(
        "| size | page | SQL queries | median ms | p95 ms | req/s (8 clients) | slower than ping |"
    )
    print("| --- | --- | --- | --- | --- | --- | --- |")
    main()
