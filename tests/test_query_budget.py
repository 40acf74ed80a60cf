"""SQL queries per page stay the same as actions, updates and meetings grow (no N+1)."""

from datetime import date, datetime, timedelta

from sqlalchemy import inspect, select

from tracker.accounts.models import User
from tracker.evaluation.models import ActionEvaluation, EvaluationRound, Knelpunt
from tracker.extensions import db
from tracker.figures.models import Indicator
from tracker.meetings.models import Meeting, MeetingOutcome, MeetingSeries
from tracker.notifications.models import Notification
from tracker.plan.models import Action, ActionOwner, Municipality, Party, Theme
from tracker.progress.models import MunicipalityProgress, ProgressUpdate
from tracker.public.models import Publication, PublicLine

PAGES = [
    "/",
    "/acties",
    "/acties?partij=VAR&jaar=2025",
    "/acties/1.1",
    "/themas/1",
    "/mijn-acties",
    "/vergaderingen",
    "/rapportage?sinds=2025-01-01",
    "/api/v1/actions",
    "/api/v1/meetings",
    "/beheer/berichten",
    "/beheer/audit",
    "/voortgang",
    "/gemeenten",
    "/gemeenten/schiedam",
    "/kerncijfers",
    "/evaluatie/rotterdam-2024-2026",
    "/evaluatie/rotterdam-2024-2026/acties/1.1",
    "/knelpunten",
    "/openbaar",
    "/openbaar/gemeenten/schiedam",
    "/openbaar.json",
    "/api/v1/themes",
    "/api/v1/indicators",
    "/beheer/eigenaren",
    "/beheer/gebruikers",
    "/beheer/partijen",
    "/beheer/openbaar",
    "/beheer/privacy",
    "/plannen",
    "/rapportages",
    "/vergaderingen/overlegvormen",
    "/export.csv",
    "/export.xlsx",
]
#: Lists shown a page at a time: one page holds them at first, several once they have grown.
PAGED_LISTS = {"/acties", "/acties?partij=VAR&jaar=2025", "/api/v1/actions"}
#: The pages a bijdrager of VAR (the party every added action belongs to) works on.
CONTRIBUTOR_PAGES = [
    "/voortgang",
    "/mijn-acties",
    "/acties/1.1",
    "/evaluatie/rotterdam-2024-2026/acties/1.1",
]

#: The pages Schiedam's aandachtsfunctionaris works on (the municipal rows grow too).
AF_PAGES = [
    "/",
    "/mijn-acties",
    "/voortgang",
    "/gemeenten/schiedam",
    "/acties/2.4",
    "/acties/2.4/gemeenten",
    "/acties/2.4/gemeenten/schiedam/2025",
]


def grow(roles, factor: int) -> None:
    """Add actions (with owners), updates on every action, meetings and notifications."""
    theme = db.session.scalar(select(Theme).where(Theme.number == 1))
    var = db.session.scalar(select(Party).where(Party.code == "VAR"))
    start = max(a.number for a in theme.actions) + 1
    for number in range(start, start + 10 * factor):
        action = Action(theme=theme, number=number, text=f"Extra actie {number}", owners_text="VAR")
        action.set_planning("2025")
        action.owners = [ActionOwner(position=1, party=var, is_lead=True)]
        db.session.add(action)
    db.session.flush()
    author_id = inspect(roles["beheerder"]).identity[0]  # detached between requests
    for action in db.session.scalars(select(Action)):
        for n in range(factor):
            db.session.add(
                ProgressUpdate(
                    action=action,
                    author_id=author_id,
                    created_at=datetime(2025, 3, 1) + timedelta(days=n),
                    status_before="lopend",
                    status_after="lopend",
                    text=f"Update {n}",
                )
            )
    # More parties and municipalities: filter lists and the municipal matrix grow with them.
    shared = db.session.scalar(
        select(Action).join(Action.theme).where(Theme.number == 2, Action.number == 4)
    )
    for n in range(factor):
        code = f"extra-{factor}-{n}"
        place = Municipality(code=code, name=f"Gemeente {code}")
        db.session.add_all([place, Party(code=f"partij-{code}", short_name=code, name=code)])
        # Each new municipality reported on the action every municipality carries out.
        db.session.add(
            MunicipalityProgress(
                action=shared, municipality=place, year=2025, status="lopend", note=f"Stand {n}"
            )
        )
    first_action = db.session.scalar(
        select(Action).join(Action.theme).where(Theme.number == 1, Action.number == 1)
    )
    # More series, each carrying out an action of its own (the report names it by its code).
    extra_actions = db.session.scalars(
        select(Action).where(Action.theme_id == theme.id, Action.number >= start)
    ).all()
    for n in range(factor):
        db.session.add(
            MeetingSeries(
                code=f"extra-reeks-{factor}-{n}",
                name=f"Extra overleg {factor}-{n}",
                region_id=theme.plan.region_id,
                action=extra_actions[n],
                min_per_year=2,
            )
        )
    series = db.session.scalars(select(MeetingSeries)).all()
    for n in range(3 * factor):
        meeting = Meeting(
            series=series[n % len(series)],
            starts_at=datetime(2025, 1, 5) + timedelta(days=7 * n),
            ends_at=datetime(2025, 1, 5, 2) + timedelta(days=7 * n),
            state="gehouden",
        )
        db.session.add(meeting)
        db.session.flush()
        # Each held meeting decided something and left an actiepunt about action 1.1.
        db.session.add_all(
            [
                MeetingOutcome(meeting=meeting, kind="besluit", text=f"Besluit {n}"),
                MeetingOutcome(
                    meeting=meeting,
                    kind="actiepunt",
                    text=f"Actiepunt {n}",
                    party=var,
                    due_on=datetime(2025, 6, 1).date(),
                    actions=[first_action],
                ),
            ]
        )
        db.session.add(
            Notification(
                kind="herinnering",
                recipient_id=author_id,
                meeting_id=meeting.id,
                offset_days=2,
                dedupe_key=f"herinnering:{meeting.id}:{author_id}:2",
                due_at=meeting.starts_at - timedelta(days=2),
                state="verstuurd",
            )
        )
    # The evaluation: half the actions evaluated, a knelpunt per ten actions blocking them.
    plan = theme.plan
    evaluation_round = db.session.scalar(
        select(EvaluationRound).where(EvaluationRound.plan_id == plan.id)
    ) or EvaluationRound(plan=plan, deadline=date(2026, 12, 1))
    db.session.add(evaluation_round)
    evaluated = set(db.session.scalars(select(ActionEvaluation.action_id)))
    actions = db.session.scalars(select(Action).order_by(Action.id)).all()
    for action in actions[::2]:
        if action.id not in evaluated:
            db.session.add(
                ActionEvaluation(
                    round=evaluation_round,
                    action=action,
                    result="deels",
                    delivered="Opgeleverd.",
                    advice="voortzetten",
                    advice_reason="Werkt.",
                    author_id=author_id,
                )
            )
    if db.session.scalar(select(Publication)) is None:
        db.session.add(
            Publication(
                plan_id=plan.id,
                is_open=True,
                figures=["politie-aangiftes", "riec-casussen"],
                borging_items=["meldroute"],
            )
        )
    lined = set(db.session.scalars(select(PublicLine.action_id)))
    db.session.add_all(
        PublicLine(action=a, text="Openbaar.", approved_at=datetime(2025, 6, 1))
        for a in actions
        if a.id not in lined
    )
    for n in range(factor):
        db.session.add(
            Knelpunt(
                plan_id=plan.id,
                what=f"Knelpunt {factor}-{n}",
                since=date(2025, 1, 1),
                actions=actions[n * 10 : n * 10 + 10],
                solver_party=var,
            )
        )
    db.session.commit()


def pages_about_one(roles) -> list[str]:
    """Pages about one object that exists before the data grows: the first held meeting,
    its series, a municipality, an indicator, a user, the calendar feed."""
    meeting = db.session.scalar(
        select(Meeting).where(Meeting.state == "gehouden").order_by(Meeting.id).limit(1)
    )
    user_id, token = db.session.execute(
        select(User.id, User.calendar_token).where(User.email == roles["lezer"].email)
    ).one()
    indicator = db.session.scalar(select(Indicator.code).order_by(Indicator.id).limit(1))
    knelpunt = db.session.scalar(select(Knelpunt.id).order_by(Knelpunt.id).limit(1))
    notification = db.session.scalar(
        select(Notification.id).where(Notification.meeting_id == meeting.id).limit(1)
    )
    return [
        f"/vergaderingen/{meeting.id}.ics",
        f"/knelpunten/{knelpunt}",
        f"/beheer/berichten/{notification}",
        "/acties/1.1/herzien",
        "/acties/1.1/jaren/2025",
        "/acties/2.4/gemeenten/schiedam/2025",
        f"/vergaderingen/{meeting.id}",
        f"/vergaderingen/{meeting.id}/verzoek",
        f"/vergaderingen/{meeting.id}/stukken.pdf",
        f"/api/v1/meetings/{meeting.id}",
        f"/vergaderingen/overlegvormen/{meeting.series_id}",
        f"/agenda/{token}.ics",
        f"/agenda/{token}/{meeting.series.code}.ics",
        f"/beheer/gebruikers/{user_id}",
        f"/kerncijfers/{indicator}/doel",
        "/acties/2.4/gemeenten",
        "/api/v1/actions/1.1",
        "/gemeenten/schiedam.pdf",
        "/rapportage/bijlage-1.pdf",
        "/evaluatie/rotterdam-2024-2026/rapport.pdf",
        "/evaluatie/rotterdam-2024-2026/rapport.docx",
    ]


def test_queries_per_page_do_not_grow_with_the_data(
    client_for, roles, count_queries, seeded_app, make_user
):
    """Measured on each page with a little data, then past 600 actions (where eager loads
    that split their IN lists into batches of 500 would show up as extra queries); for the
    beheerder, and for a bijdrager whose own actions are the ones that grow (the bulk page
    checks each row's rights: from one read of their parties, not one per row)."""
    from .conftest import login_as

    contributor = login_as(seeded_app.test_client(), make_user("bijdrager", party="VAR"))
    clients = {"beheerder": (client_for("beheerder"), PAGES)}
    clients["bijdrager"] = (contributor, CONTRIBUTOR_PAGES)
    clients["aandachtsfunctionaris"] = (client_for("af_schiedam"), AF_PAGES)

    def measure() -> dict[str, int]:
        counts = {}
        for who, (client, pages) in clients.items():
            for path in pages:
                db.session.remove()  # as in production, each request starts a new session
                with count_queries as counter:
                    assert client.get(path).status_code == 200, path
                counts[f"{who} {path}"] = counter.count
        return counts

    grow(roles, 1)
    clients["beheerder"] = (clients["beheerder"][0], PAGES + pages_about_one(roles))
    measure()  # warm up
    small = measure()
    grow(roles, 60)
    # A list that no longer fits on one page counts its rows: one query more, once.
    paged = {key for key in small if key.split(" ", 1)[1] in PAGED_LISTS}
    assert measure() == {key: count + (key in paged) for key, count in small.items()}


def test_a_page_sends_no_statement_twice(client_for, roles, seeded_app, count_queries, make_user):
    """The same query with the same values twice in one request is work thrown away: the
    action page once asked for the reader's parties once per permission check in its
    template and read the plan again after the session had let go of it; Mijn acties read
    the evaluation round twice, the overview the open actions, the report its plan three
    times."""
    from .conftest import login_as

    grow(roles, 1)
    contributor = login_as(seeded_app.test_client(), make_user("bijdrager", party="VAR"))
    admin_pages = PAGES + pages_about_one(roles)
    for client, pages in ((client_for("beheerder"), admin_pages), (contributor, CONTRIBUTOR_PAGES)):
        for path in pages:
            db.session.remove()
            with count_queries as counter:
                assert client.get(path).status_code == 200, path
            repeated = {s for s in counter.statements if counter.statements.count(s) > 1}
            assert not repeated, (path, repeated)


def test_a_lezers_action_page_does_not_read_parties(client_for, count_queries):
    """Only a bijdrager's rights depend on her parties: a lezer reports on nothing."""
    client = client_for("lezer")
    db.session.remove()
    with count_queries as counter:
        assert client.get("/acties/4.1").status_code == 200
    assert not [s for s in counter.statements if "party.contact_id" in s]
