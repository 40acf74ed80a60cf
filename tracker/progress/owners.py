"""Who reports for whom (beheerders): free-text owners linked to parties or named people, and
each party's contact person and plaatsvervanger. So every action has a reachable reporter or
shows on the list of actions without one."""

from __future__ import annotations

from flask import abort, flash, redirect, render_template, request, url_for
from flask_login import current_user
from sqlalchemy import select, update
from sqlalchemy.orm import joinedload, selectinload
from wtforms import HiddenField, SelectField
from wtforms.validators import ValidationError

from tracker.access import admin_required
from tracker.accounts.models import Role, User
from tracker.audit.services import record
from tracker.extensions import db
from tracker.forms import DutchForm
from tracker.params import parse_int
from tracker.plan.models import Action, ActionOwner, OwnerLink, Party, PartyKind, Theme
from tracker.plan.regions import in_region
from tracker.plan.views import require_plan


def _reporters():
    """Active people of the asker's region who can report (contributors and beheerders)."""
    return db.session.scalars(
        select(User)
        .where(User.is_enabled.is_(True), User.role != Role.READER.value, in_region(User))
        .order_by(User.name)
    ).all()


def _person_label(user: User) -> str:
    where = (
        user.municipality.name
        if user.municipality
        else (user.party.short_name if user.party else "")
    )
    return f"{user.name} ({where})" if where else user.name


class OwnerLinkForm(DutchForm):
    party = SelectField("Partij", choices=[], validate_choice=False)
    person = SelectField("Of: persoon", choices=[], validate_choice=False)

    def fill(self, parties, people) -> None:
        self.party.choices = [("", "—")] + [(p.code, p.short_name) for p in parties]
        self.person.choices = [("", "—")] + [(str(u.id), _person_label(u)) for u in people]

    def validate_person(self, field):
        if bool(self.party.data) == bool(field.data):
            raise ValidationError("Kies één partij of één persoon.")
        if self.party.data and self.party.data not in {v for v, _ in self.party.choices}:
            raise ValidationError("Deze partij is onbekend.")
        if field.data and field.data not in {v for v, _ in field.choices}:
            raise ValidationError("Kies een actief account dat voortgang kan melden.")


class PartyContactsForm(DutchForm):
    contact = SelectField("Contactpersoon", choices=[], validate_choice=False)
    deputy = SelectField("Plaatsvervanger", choices=[], validate_choice=False)
    #: The two as the page showed them ("12:" is contact 12, no deputy): the save is refused
    #: when they changed since (a colleague, or a hand-over when an account was switched off).
    shown = HiddenField()

    def fill(self, people) -> None:
        options = [("", "Niemand")] + [(str(u.id), _person_label(u)) for u in people]
        self.contact.choices = self.deputy.choices = options

    def validate_deputy(self, field):
        allowed = {v for v, _ in field.choices}
        self.contact.data, field.data = self.contact.data or "", field.data or ""
        if self.contact.data not in allowed or field.data not in allowed:
            raise ValidationError("Kies een actief account dat voortgang kan melden.")
        if field.data and field.data == self.contact.data:
            raise ValidationError("De plaatsvervanger moet een ander zijn dan de contactpersoon.")
        if field.data and not self.contact.data:
            raise ValidationError("Kies eerst een contactpersoon; de plaatsvervanger vervangt die.")


def _parties():
    return db.session.scalars(
        select(Party).where(in_region(Party)).order_by(Party.short_name)
    ).all()


def _free_text_owners(plan):
    return (
        db.session.scalars(
            select(ActionOwner)
            .join(ActionOwner.action)
            .join(Action.theme)
            .where(Theme.plan_id == plan.id, ActionOwner.party_id.is_(None))
            .options(
                joinedload(ActionOwner.action).joinedload(Action.theme),
                selectinload(ActionOwner.links),
            )
            .order_by(Theme.number, Action.number, ActionOwner.position)
        )
        .unique()
        .all()
    )


def _owners_page(form=None, failed_owner=None, status=200):
    plan = require_plan()
    parties, people = _parties(), _reporters()
    owners = _free_text_owners(plan)
    forms = {}
    for owner in owners:
        if failed_owner is not None and owner.id == failed_owner:
            forms[owner.id] = form
        else:
            forms[owner.id] = OwnerLinkForm(formdata=None, prefix=f"o{owner.id}")
            forms[owner.id].fill(parties, people)
    return render_template("progress/owners.html", plan=plan, owners=owners, forms=forms), status


@admin_required
def owners():
    """Free-text owners of the plan and who reports for them."""
    return _owners_page()


def _owner_or_404(owner_id: int) -> ActionOwner:
    owner = db.get_or_404(ActionOwner, owner_id)
    plan = require_plan()
    if owner.party_id is not None or owner.action.theme.plan_id != plan.id:
        abort(404)
    return owner


@admin_required
def link_owner(owner_id: int):
    owner = _owner_or_404(owner_id)
    form = OwnerLinkForm(prefix=f"o{owner.id}")
    form.fill(_parties(), _reporters())
    if not form.validate_on_submit():
        return _owners_page(form, owner.id, 400)
    party = (
        db.session.scalar(select(Party).where(Party.code == form.party.data, in_region(Party)))
        if form.party.data
        else None
    )
    user = db.session.get(User, parse_int(form.person.data) or 0) if form.person.data else None
    exists = any(
        (party and link.party_id == party.id) or (user and link.user_id == user.id)
        for link in owner.links
    )
    target = party.short_name if party else user.name
    if exists:
        flash(f"{owner.label} was al gekoppeld aan {target}.", "info")
    else:
        owner.links.append(OwnerLink(party=party, user=user))
        record(
            "owner.link", current_user, f"actie {owner.action.code}", f"{owner.label} → {target}"
        )
        db.session.commit()
        flash(f"{owner.label} (actie {owner.action.code}) is gekoppeld aan {target}.", "info")
    return redirect(url_for("progress.owners") + f"#eigenaar-{owner.id}")


@admin_required
def unlink_owner(link_id: int):
    link = db.get_or_404(OwnerLink, link_id)
    owner = _owner_or_404(link.owner_id)
    if not DutchForm().validate_on_submit():
        abort(400)
    target = link.display_name
    db.session.delete(link)
    record("owner.unlink", current_user, f"actie {owner.action.code}", f"{owner.label} ↛ {target}")
    db.session.commit()
    flash(f"Koppeling van {owner.label} aan {target} verwijderd.", "info")
    return redirect(url_for("progress.owners") + f"#eigenaar-{owner.id}")


@admin_required
def party_contacts():
    """Per party a contact person and a plaatsvervanger; POST ``?partij=CODE`` saves one."""
    parties, people = _parties(), _reporters()
    failed, status = None, 200
    if request.method == "POST":
        code = request.args.get("partij", "")
        party = next((p for p in parties if p.code == code), None)
        if party is None:
            abort(404)
        form = PartyContactsForm(prefix=party.code)
        form.fill(people)
        if form.validate_on_submit():
            before = (
                party.contact.name if party.contact else None,
                party.deputy.name if party.deputy else None,
            )
            if _set_contacts(party, form):
                db.session.refresh(party)
                after = (
                    party.contact.name if party.contact else None,
                    party.deputy.name if party.deputy else None,
                )
                record("party.contacts", current_user, party.code, f"{before} → {after}")
                db.session.commit()
                flash(f"Contactpersonen van {party.short_name} opgeslagen.", "info")
                return redirect(url_for("progress.party_contacts") + f"#partij-{party.code}")
            form.contact.errors.append(CONTACTS_CHANGED)
            status = 409
            # As they are now, in one statement each: the rollback expired every row read.
            parties, people = _parties(), _reporters()
        else:
            status = 400
        failed = (party.id, form)
    return _contacts_page(parties, people, failed), status


CONTACTS_CHANGED = (
    "Iemand anders heeft de contactpersonen van deze partij gewijzigd nadat u de pagina opende "
    "(of een account is uitgeschakeld). Uw keuze is niet opgeslagen: laad de pagina opnieuw en "
    "kies dan opnieuw."
)


def _shown(contact_id: int | None, deputy_id: int | None) -> str:
    return f"{contact_id or ''}:{deputy_id or ''}"


def _set_contacts(party: Party, form: PartyContactsForm) -> bool:
    """Save the form's two people if the party still has those the page showed, in one
    UPDATE (of two saves at the same moment the second matches nothing); False otherwise."""
    contact_text, separator, deputy_text = (form.shown.data or "").partition(":")
    if not separator:
        abort(400)  # not a form this page made: it always says what it showed
    claimed = db.session.execute(
        update(Party)
        .where(
            Party.id == party.id,
            Party.contact_id.is_not_distinct_from(parse_int(contact_text)),
            Party.deputy_id.is_not_distinct_from(parse_int(deputy_text)),
        )
        .values(
            contact_id=parse_int(form.contact.data) if form.contact.data else None,
            deputy_id=parse_int(form.deputy.data) if form.deputy.data else None,
        )
        .execution_options(synchronize_session=False)  # the caller refreshes the party
    )
    if claimed.rowcount != 1:
        db.session.rollback()
        return False
    return True


def _contacts_page(parties, people, failed):
    forms = {}
    for party in parties:
        if failed and failed[0] == party.id:
            forms[party.id] = failed[1]
            continue
        form = PartyContactsForm(formdata=None, prefix=party.code)
        form.fill(people)
        form.contact.data = str(party.contact_id) if party.contact_id else ""
        form.deputy.data = str(party.deputy_id) if party.deputy_id else ""
        form.shown.data = _shown(party.contact_id, party.deputy_id)
        forms[party.id] = form
    organisations = [p for p in parties if p.kind != PartyKind.MUNICIPALITY.value]
    municipal = [p for p in parties if p.kind == PartyKind.MUNICIPALITY.value]
    return render_template(
        "progress/party_contacts.html",
        parties=organisations + municipal,
        forms=forms,
        failed=next((p for p in parties if failed and p.id == failed[0]), None),
    )
