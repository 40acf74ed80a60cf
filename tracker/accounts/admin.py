"""User management for beheerders (``/beheer/gebruikers``)."""

from __future__ import annotations

from datetime import timedelta

from flask import (
    abort,
    current_app,
    flash,
    redirect,
    render_template,
    request,
    url_for,
)
from flask_login import current_user
from sqlalchemy import select, update

from tracker.access import admin_required
from tracker.accounts import handover, services, users
from tracker.accounts.forms import UserForm
from tracker.accounts.models import Role, User
from tracker.audit.services import record
from tracker.conflicts import StaleEdit
from tracker.extensions import db
from tracker.forms import choices
from tracker.mail import send_now
from tracker.params import parse_int
from tracker.plan import queries
from tracker.plan.models import Municipality, Party, PartyKind
from tracker.plan.regions import in_region
from tracker.urls import external_url


def _successor_choices(user: User | None) -> list:
    people = db.session.scalars(
        select(User)
        .where(User.is_enabled.is_(True), User.role != Role.READER.value, in_region(User))
        .order_by(User.name)
    )
    return [("", "Kies bij uitschakelen…"), (NOBODY, "Niemand (bewust)")] + [
        (str(u.id), f"{u.name} ({u.party.short_name if u.party else u.role})")
        for u in people
        if user is None or u.id != user.id
    ]


def _fill_choices(form: UserForm, user: User | None = None) -> None:
    form.successor.choices = _successor_choices(user)
    parties = db.session.scalars(
        select(Party)
        .where(Party.kind != PartyKind.MUNICIPALITY.value, in_region(Party))
        .order_by(Party.short_name)
    )
    form.party.choices = choices([("", "Geen partij")] + [(p.code, p.short_name) for p in parties])
    municipalities = db.session.scalars(
        select(Municipality).where(in_region(Municipality)).order_by(Municipality.name)
    )
    form.municipality.choices = [("", "Geen gemeente")] + [(m.code, m.name) for m in municipalities]


def _apply_form(user: User, form: UserForm) -> dict:
    """Copy the form onto the user; returns the changed fields as {field: [old, new]}."""
    party = db.session.scalar(select(Party).where(Party.code == form.party.data))
    municipality = db.session.scalar(
        select(Municipality).where(Municipality.code == form.municipality.data)
    )
    new = {
        "name": form.name.data.strip(),
        "email": services.normalise_email(form.email.data),
        "role": form.role.data,
        "party_id": party.id if party else None,
        "municipality_id": municipality.id if municipality else None,
        "is_enabled": bool(form.is_enabled.data),
        "may_write_report": bool(form.may_write_report.data),
    }
    changes = {}
    for key, value in new.items():
        old = getattr(user, key, None)
        if old != value:
            changes[key] = [old, value]
            setattr(user, key, value)
    if "is_enabled" in changes and not user.is_enabled:
        user.end_sessions()
    if "role" in changes:
        user.end_sessions()  # permissions changed: log in again
    return changes


@admin_required
def index():
    """All accounts with role, party, municipality and state."""
    users = db.session.scalars(
        select(User).where(in_region(User)).order_by(User.is_enabled.desc(), User.name)
    ).all()
    return render_template("accounts/users.html", users=users)


@admin_required
def create():
    """New account; the person gets an e-mail with a link to choose a password."""
    form = UserForm()
    _fill_choices(form)
    if form.validate_on_submit():
        try:
            user = users.create_user(
                **_account_details(form),
                actor=current_user,
                via="door een beheerder",
            )
        except users.AccountProblem as exc:
            for name, message in exc.problems.items():
                getattr(form, name).errors.append(message)
        else:
            user.is_enabled = bool(form.is_enabled.data)
            user.may_write_report = bool(form.may_write_report.data)
            token = services.issue_login_token(
                user,
                "reset",
                timedelta(days=current_app.config["INVITATION_DAYS"]),
                current_app.config["SECRET_KEY"],
            )
            link = external_url("accounts.reset_password", token=token)
            send_now(
                "Uw account voor de tracker Actieplan Mensenhandel",
                user.email,
                "invitation",
                user=user,
                link=link,
                days=current_app.config["INVITATION_DAYS"],
                plan=queries.current_plan(),
            )
            db.session.commit()
            flash(f"Account voor {user.name} aangemaakt; er is een uitnodiging gemaild.", "info")
            return redirect(url_for("users.index"))
    status = 400 if form.errors else 200
    return render_template("accounts/user_form.html", form=form, user=None), status


def _account_details(form: UserForm) -> dict:
    """The form's values as ``users.create_user`` and ``users.account_problems`` take them."""
    return {
        "email": form.email.data,
        "name": form.name.data,
        "role": form.role.data,
        "party": form.party.data or None,
        "municipality": form.municipality.data or None,
    }


def _edit_allowed(form: UserForm, user: User) -> bool:
    """The account rules (``users.account_problems``), and no beheerder demotes themselves;
    problems go onto the form's fields."""
    problems = users.account_problems(**_account_details(form), editing=user)
    if user.id == current_user.id and (
        form.role.data != Role.ADMIN.value or not form.is_enabled.data
    ):
        problems["role"] = "U kunt uw eigen beheerdersrol niet afnemen of uitzetten."
    for name, message in problems.items():
        getattr(form, name).errors.append(message)
    return not problems


@admin_required
def edit(user_id: int):
    """Change role, party, municipality or name; deactivate (ends the person's sessions)."""
    user = db.get_or_404(User, user_id)
    if user.region_id != current_user.region_id:
        abort(404)
    form = UserForm(obj=None if request.method == "POST" else user)
    _fill_choices(form, user)
    if request.method != "POST":
        form.party.data = user.party.code if user.party else ""
        form.municipality.data = user.municipality.code if user.municipality else ""
    held = handover.holdings(user) if user.is_enabled else handover.Holdings()
    if form.validate_on_submit() and _edit_allowed(form, user):
        leaving = user.is_enabled and not form.is_enabled.data
        successor = _successor(form, user, held) if leaving else None
        if not form.successor.errors:
            try:
                _claim_next_version(user, form.version.data)
            except StaleEdit:  # a colleague's save since the form was shown
                page = render_template(
                    "accounts/user_form.html",
                    form=form,
                    user=user,
                    held=held,
                    stale_message=ACCOUNT_CHANGED,
                )
                return page, 409
            changes = _apply_form(user, form)
            if changes:
                kind = "user.deactivate" if leaving else "user.update"
                record(kind, current_user, user.email, "Account gewijzigd", changes=changes)
            if leaving:
                handover.hand_over(user, successor, current_user)
            db.session.commit()
            done = f" {successor.name} neemt het over." if successor else ""
            flash(f"Account van {user.name} opgeslagen.{done}", "info")
            return redirect(url_for("users.index"))
    status = 400 if form.errors else 200
    return render_template("accounts/user_form.html", form=form, user=user, held=held), status


ACCOUNT_CHANGED = (
    "Iemand anders heeft dit account gewijzigd nadat u de pagina opende. Uw invoer is niet "
    "opgeslagen en staat hieronder nog, zodat u haar kunt overnemen: open het account opnieuw "
    "en breng uw wijziging daar aan."
)


def _claim_next_version(user: User, shown: str | None) -> None:
    """Move the account to its next version if it is still at the one the form showed, in
    one UPDATE: of two saves at the same moment the second matches nothing (PostgreSQL makes
    it wait for the first's commit). ``StaleEdit`` when a colleague saved first."""
    version = parse_int(shown)
    if version is None:
        abort(400)  # not a form this page made: it always carries the version
    claimed = db.session.execute(
        update(User).where(User.id == user.id, User.version == version).values(version=version + 1)
    )
    if claimed.rowcount != 1:
        db.session.rollback()
        raise StaleEdit


#: The successor choice for "nobody, on purpose".
NOBODY = "-"


def _successor(form: UserForm, user: User, held) -> User | None:
    """Who takes over from a leaver. Required when they hold something; an error otherwise
    goes on the form (the rest of the input stays)."""
    choice = form.successor.data or ""
    if choice in ("", NOBODY):
        if held and choice == "":
            form.successor.errors.append(
                f"{user.name} is {'; '.join(held.describe())}. Kies wie dat overneemt, of "
                "kies bewust ‘Niemand’."
            )
        return None
    successor = db.session.get(User, parse_int(choice) or 0)
    if (
        successor is None
        or successor.id == user.id
        or not successor.is_enabled
        or successor.role == Role.READER.value
        or successor.region_id != user.region_id
    ):
        form.successor.errors.append("Kies een actief account dat voortgang kan melden.")
        return None
    return successor
