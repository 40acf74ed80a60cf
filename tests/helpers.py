"""Helpers the test modules share: posting forms like a browser, reading pages."""

from __future__ import annotations

import re
from contextlib import contextmanager
from urllib.parse import quote

from sqlalchemy import select

from tracker.extensions import db
from tracker.plan.models import Action, Theme

PASSWORD = "correct horse battery staple"


def csrf_token(client, path: str) -> str:
    """The session's CSRF token, from the page itself or (for POST-only paths) another page."""
    for page in (path, "/profiel", "/login"):
        response = client.get(page)
        if response.status_code == 200:
            found = re.search(
                r'name="csrf_token"[^>]*value="([^"]+)"', response.get_data(as_text=True)
            )
            if found:
                return found.group(1)
    raise AssertionError("no CSRF token found")


def post_form(client, path: str, data: dict, **kwargs):
    """Post like a browser: first GET the page for its CSRF token."""
    return client.post(path, data={**data, "csrf_token": csrf_token(client, path)}, **kwargs)


def login(client, email, password=PASSWORD, next_url=None):
    path = "/login" + (f"?next={quote(next_url, safe='')}" if next_url else "")
    return post_form(client, path, {"email": email, "password": password})


def replay_cookie(app, cookie: str):
    """Open the overview with only this session cookie, as someone who copied it would."""
    client = app.test_client()
    client.set_cookie("session", cookie)
    return client.get("/")


def broken_labels(html: str) -> list[str]:
    """Tags whose ``aria-labelledby`` names no element, or the tag itself (whose whole text
    then becomes its name for a screen reader)."""
    ids = set(re.findall(r'(?<![\w-])id="([^"]+)"', html))
    broken = []
    for tag in re.findall(r'<[a-z]+\b[^>]*\baria-labelledby="[^"]+"[^>]*>', html):
        own = re.search(r'(?<![\w-])id="([^"]+)"', tag)
        targets = re.search(r'aria-labelledby="([^"]+)"', tag).group(1).split()
        if any(t not in ids or (own and own.group(1) == t) for t in targets):
            broken.append(tag)
    return broken


def text_of(response) -> str:
    """The page as text, tags stripped, whitespace folded, for content assertions."""
    html = response.get_data(as_text=True)
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", html))


def action(code: str) -> Action:
    """The seeded action with this code, fresh from the database."""
    theme, number = (int(x) for x in code.split("."))
    found = db.session.scalars(
        select(Action).join(Action.theme).where(Theme.number == theme, Action.number == number)
    ).one()
    db.session.refresh(found)
    return found


def owner_fields(*owners, lead: int = 0) -> dict:
    """Form data for the owners editor: each owner a party code, or ("", description), or
    (code, "", role)."""
    data = {"lead": str(lead)}
    for index, owner in enumerate(owners):
        party, label, role = (owner, "", "") if isinstance(owner, str) else (*owner, "")[:3]
        data |= {
            f"owners-{index}-party": party,
            f"owners-{index}-label": label,
            f"owners-{index}-role": role,
        }
    return data


_EMPTY_REPORT = {
    "plan": {"title": "Plan", "period": "2024-2026", "region": "VAR"},
    "params": {},
    "reference_date": "2025-06-30",
    "since": None,
    "filters": "",
    "made_by": "x",
    "made_at": "2025-06-30T10:00:00",
    "stale_days": 90,
    "themes": [],
    "totals": {"by_status": {}, "by_signal": {}, "total": 0},
    "overdue": [],
    "stale": [],
    "changes": [],
    "meetings": [],
    "municipal_rows": [],
}


def frozen_report():
    """A stored report snapshot (empty, but complete enough to render)."""
    from datetime import date

    from sqlalchemy import select

    from tracker.plan.models import Plan
    from tracker.reports.models import ReportSnapshot

    snapshot = ReportSnapshot(
        plan_id=db.session.scalar(select(Plan.id).where(Plan.is_current)),
        title="Rapportage",
        reference_date=date(2025, 6, 30),
        params={},
        data=_EMPTY_REPORT,
        pdf=b"%PDF-",
    )
    db.session.add(snapshot)
    db.session.commit()
    return snapshot


def fill_export(
    export: bytes, changes: dict, sheet_name: str = "Acties", key=("Code",), drop_sheet=None
) -> bytes:
    """The Excel export with cells filled in per row key: {"4.1": {"Nieuwe status": ...}} on
    "Acties"; on "Gemeenten" the key is (code, municipality): key=("Code", "Gemeente").
    Row 1 is the title, row 2 the column names. ``drop_sheet`` removes a sheet."""
    import io

    from openpyxl import load_workbook

    book = load_workbook(io.BytesIO(export))
    sheet = book[sheet_name]
    header = [c.value for c in sheet[2]]
    for row in sheet.iter_rows(min_row=3):
        values = tuple(row[header.index(column)].value for column in key)
        for column, value in changes.get(values[0] if len(key) == 1 else values, {}).items():
            row[header.index(column)].value = value
    if drop_sheet:
        del book[drop_sheet]
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


@contextmanager
def race_at(fragment: str, second):
    """Two requests at once, deterministically: the first SELECT of this thread whose
    text holds ``fragment`` (the check before a write, e.g. ``"FROM plan WHERE plan.slug"``;
    whitespace folded, no quotes)
    waits while ``second()`` runs to its end in another thread, with its own session, as a
    parallel request would. Yields a list that then holds ``second``'s result."""
    import threading

    from sqlalchemy import event

    engine, me, results = db.engine, threading.get_ident(), []

    def after(conn, cursor, statement, parameters, context, executemany):
        plain = _plain(statement)
        if (
            threading.get_ident() == me
            and not results
            and plain.startswith("SELECT")
            and (fragment in plain)
        ):
            results.append("started")
            thread = threading.Thread(target=lambda: results.append(_outcome(second)))
            thread.start()
            thread.join(30)

    event.listen(engine, "after_cursor_execute", after)
    try:
        yield results
    finally:
        event.remove(engine, "after_cursor_execute", after)


def _plain(statement: str) -> str:
    """SQL with whitespace folded and identifier quotes dropped, to look for a fragment."""
    return " ".join(statement.replace('"', "").split())


def _outcome(job):
    try:
        return job()
    except Exception as exc:  # shown in the test's assertion instead of lost in a thread
        return exc


def draft_next_plan(author, selection: dict[int, str] | None = None):
    """The next plan, 2027-2030, drafted from the current one as "Nieuw plan op basis van…"
    makes it (``selection``: only those actions, numbered again), committed."""
    from tracker.dates import utcnow
    from tracker.plan import copying
    from tracker.plan.queries import current_plan

    draft = copying.copy_plan(
        current_plan(),
        slug="rotterdam-2027-2030",
        title="Regionaal Actieplan Mensenhandel Regio Rotterdam",
        start_year=2027,
        end_year=2030,
        author=author,
        now=utcnow(),
        selection=selection,
    )
    db.session.commit()
    return draft
