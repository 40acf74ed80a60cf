"""What production does while people read pages, run beside every page measurement: the
scheduler ticks (every 10 s here, six times as often as production's minute) and someone
saves a progress update every second. Without it a benchmark measures a database nobody
writes to.

    python -m benchmarks.background DATABASE_URL INSTANCE_FOLDER EMAIL

runs until it is terminated; it prints how many ticks and updates it made when it ends.
"""

from __future__ import annotations

import random
import signal
import sys
import time

TICK_SECONDS, UPDATE_SECONDS = 10.0, 1.0


def main(url: str, instance: str, email: str) -> None:
    from sqlalchemy import select

    from tracker import create_app
    from tracker.accounts.auth import may_set_status
    from tracker.accounts.models import User
    from tracker.conflicts import StaleEdit
    from tracker.dates import utcnow
    from tracker.extensions import db
    from tracker.notifications.sending import send_due_notifications
    from tracker.plan.models import Action
    from tracker.progress import services

    app = create_app({"SQLALCHEMY_DATABASE_URI": url}, instance_path=instance)
    running, ticks, updates = True, 0, 0

    def stop(*_):
        nonlocal running
        running = False

    signal.signal(signal.SIGTERM, stop)
    rng = random.Random(14)
    with app.app_context():
        author = db.session.scalar(select(User).where(User.email == email))
        author_id = author.id
        # The actions this person may move the status of, as in the app (their own party's).
        action_ids = [a.id for a in db.session.scalars(select(Action)) if may_set_status(author, a)]
        next_tick = time.monotonic()
        while running:
            now = time.monotonic()
            if now >= next_tick:
                send_due_notifications(utcnow())
                db.session.commit()
                ticks, next_tick = ticks + 1, now + TICK_SECONDS
            action = db.session.get(Action, rng.choice(action_ids))
            try:
                services.record_update(
                    action,
                    db.session.get(User, author_id),
                    status="lopend",
                    signal=rng.choice(["op_koers", "aandacht", None]),
                    text=f"Voortgang van de benchmark, bijwerking {updates + 1}.",
                    link=None,
                    expected_version=action.version,
                    now=utcnow(),
                )
                db.session.commit()
                updates += 1
            except StaleEdit:
                db.session.rollback()
            db.session.remove()
            time.sleep(UPDATE_SECONDS)
        db.engine.dispose()
    print(f"{ticks} scheduler ticks, {updates} progress updates", flush=True)


if __name__ == "__main__":
    main(*sys.argv[1:4])
