"""The privacy guard measured as a form save uses it (``guard.check``: the seeded parties,
municipalities, plan and users as known words): precision and recall per class over the
corpus in ``tests/privacy_corpus.py``, and the time one text takes (the corpus, the plan's own
texts, and texts built to be slow at a field's maximum).

    .venv/bin/python -m benchmarks.privacy
"""

from __future__ import annotations

import statistics
import tempfile
import time
from pathlib import Path

from tests.privacy_corpus import CORPUS, corpus_figures
from tests.test_privacy import ADVERSARIAL
from tracker import create_app
from tracker.extensions import db
from tracker.privacy.guard import check
from tracker.privacy.names import load
from tracker.seeding import apply_seeds, read_seeds

ROOT = Path(__file__).resolve().parent.parent


def _timings(texts: list[str], rounds: int = 3) -> list[float]:
    found = []
    for _ in range(rounds):
        for text in texts:
            started = time.perf_counter()
            check(text)
            found.append((time.perf_counter() - started) * 1000)
    return sorted(found)


def main() -> None:
    started = time.perf_counter()
    load()
    loaded = time.perf_counter() - started
    with tempfile.TemporaryDirectory() as folder:
        app = create_app(
            {"SQLALCHEMY_DATABASE_URI": f"sqlite:///{folder}/bench.db", "SECRET_KEY": "bench"},
            instance_path=folder,
        )
        with app.app_context(), app.test_request_context():
            db.create_all()
            apply_seeds(db.session, read_seeds(ROOT / "seeds"))
            db.session.commit()
            print(f"Deduce's lists loaded in {loaded:.1f} s per process.\n")
            print("| class | texts | precision | recall |")
            print("| --- | --- | --- | --- |")
            for cls, row in corpus_figures().items():
                print(f"| {cls} | {row['texts']} | {row['precision']:.2f} | {row['recall']:.2f} |")
            corpus = [text for _, text in CORPUS]
            timings = _timings(corpus)
            p95 = timings[int(len(timings) * 0.95)]
            print(
                f"\nOne corpus text: median {statistics.median(timings):.2f} ms, p95 {p95:.2f} ms,"
                f" max {timings[-1]:.2f} ms over {len(timings)} checks (goal: < 20 ms)."
            )
            long_update = " ".join(corpus)[:5000]
            print(f"One update of 5,000 characters: {_timings([long_update])[1]:.1f} ms.")
            worst = max((_timings([text], 1)[0], name) for name, text in ADVERSARIAL.items())
            print(
                f"Slowest text built to be slow (10,000 characters, {len(ADVERSARIAL)} kinds): "
                f"{worst[0]:.1f} ms ({worst[1]})."
            )
            db.session.remove()
            db.engine.dispose()


if __name__ == "__main__":
    main()
