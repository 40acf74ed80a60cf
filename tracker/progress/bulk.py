"""Progress on several actions in one save ("Voortgang bijwerken"): a row per action the user
can report on, each row with the single-action form's checks (text required with a change,
privacy guard, stale-save guard). The rows that pass are saved together; a row that needs a
look (or changed meanwhile) stays on the page with its text, the saved ones shown as saved
and cleared, so saving again never saves them twice."""

from __future__ import annotations

from dataclasses import dataclass

from flask import abort, flash, redirect, render_template, request, url_for
from flask_login import current_user
from sqlalchemy import select
from sqlalchemy.orm import joinedload, subqueryload
from wtforms import FieldList, FormField, HiddenField, RadioField, TextAreaField
from wtforms.validators import ValidationError

from tracker.accounts.auth import can_report_on, may_set_status, regional_status_message
from tracker.accounts.membership import owned_action_ids, party_ids_of
from tracker.accounts.models import Role
from tracker.conflicts import StaleEdit
from tracker.dates import utcnow
from tracker.extensions import db
from tracker.forms import UPDATE_TEXT_MAX, DutchForm, DutchRowForm, max_length
from tracker.params import parse_int
from tracker.plan.models import Action, ActionOwner, Theme
from tracker.plan.views import require_plan
from tracker.privacy.guard import PrivacyCheckedForm
from tracker.progress import services
from tracker.progress.forms import SIGNAL_CHOICES, STATUS_CHOICES

STALE_ROW = (
    "Iemand anders heeft deze actie bijgewerkt nadat u de pagina opende (zie de stand "
    "hierboven). Er is nog niets opgeslagen; uw tekst staat er nog. Sla opnieuw op om hem toe "
    "te voegen."
)


class RowForm(PrivacyCheckedForm, DutchRowForm):
    """One action's row. Left as it was shown (same status and signal, no text): skipped."""

    privacy_fields = ("text",)
    code = HiddenField()
    version = HiddenField()
    status = RadioField("Status", choices=STATUS_CHOICES, validate_choice=False)
    signal = RadioField("Signaal", choices=SIGNAL_CHOICES, validate_choice=False)
    text = TextAreaField("Wat is er gedaan en wat volgt?", validators=[max_length(UPDATE_TEXT_MAX)])
    #: The status and signal the row was shown with, to tell an edit from an untouched row.
    shown_status = HiddenField()
    shown_signal = HiddenField()

    @property
    def is_changed(self) -> bool:
        return bool(
            (self.text.data or "").strip()
            or self.status.data != self.shown_status.data
            or (self.signal.data or "") != (self.shown_signal.data or "")
        )

    def validate_status(self, field):
        if field.data not in {choice.value for choice in STATUS_CHOICES}:
            raise ValidationError("Kies een status.")

    def validate_signal(self, field):
        if (field.data or "") not in {choice.value for choice in SIGNAL_CHOICES}:
            raise ValidationError("Kies een signaal (of 'Geen signaal').")

    def validate(self, extra_validators=None) -> bool:
        if not self.is_changed:
            return True  # an untouched row is not checked, and not saved
        valid = super().validate(extra_validators)
        if not (self.text.data or "").strip():
            self.text.errors = [
                *self.text.errors,
                "Schrijf kort wat er is gedaan en wat volgt; zonder tekst wordt de wijziging "
                "niet opgeslagen.",
            ]
            valid = False
        return valid


class BulkProgressForm(DutchForm):
    rows = FieldList(FormField(RowForm))


@dataclass
class Row:
    action: Action
    form: RowForm
    #: Whether this user moves the action's status and signal (``auth.may_set_status``).
    may_set_status: bool = True
    stale: bool = False
    saved: bool = False

    @property
    def has_errors(self) -> bool:
        return any(field.errors for field in self.form)

    def mark_saved(self) -> None:
        """Saved: the row shows the action as it is now, with nothing left to save."""
        self.saved = True
        self.form.text.data = ""
        self.form.version.data = str(self.action.version)
        self.form.status.data = self.form.shown_status.data = self.action.status
        self.form.signal.data = self.form.shown_signal.data = self.action.signal or ""
        self.form.privacy_confirmed.data = False


def reportable_actions(plan, theme_number: int | None, party_ids: set[int]) -> list[Action]:
    """The actions the current user (of parties ``party_ids``) may report on: of one theme,
    or (without a theme) those of the user's own parties. A fixed number of queries,
    whatever the plan's size (subqueryload: selectinload splits long id lists)."""
    user = current_user
    stmt = (
        select(Action)
        .join(Action.theme)
        .where(Theme.plan_id == plan.id)
        .options(
            joinedload(Action.theme).joinedload(Theme.plan),
            subqueryload(Action.owners).options(
                subqueryload(ActionOwner.links), joinedload(ActionOwner.party)
            ),
        )
        .order_by(Theme.number, Action.number)
    )
    if theme_number is not None:
        stmt = stmt.where(Theme.number == theme_number)
    if not user.is_admin or theme_number is None:
        stmt = stmt.where(Action.id.in_(owned_action_ids(user, party_ids)))
    # The one rule of who may report (``can_report_on``) decides; the query only narrows.
    return [a for a in db.session.scalars(stmt).unique() if can_report_on(user, a, party_ids)]


def _fresh_form(actions: list[Action]) -> BulkProgressForm:
    form = BulkProgressForm(formdata=None)
    for action in actions:
        form.rows.append_entry(
            {
                "code": action.code,
                "version": str(action.version),
                "status": action.status,
                "signal": action.signal or "",
                "shown_status": action.status,
                "shown_signal": action.signal or "",
            }
        )
    return form


def _mark_stale(rows: list[Row]) -> bool:
    """Mark the rows whose action changed since the page was shown; their version moves on
    to the current one, so saving again is a deliberate choice. True when any is stale."""
    for row in rows:
        if str(row.action.version) != row.form.version.data:
            row.stale = True
            row.form.version.data = str(row.action.version)
    return any(row.stale for row in rows)


def _render(plan, theme_number, rows, status=200, **context):
    return render_template(
        "progress/bulk.html",
        plan=plan,
        theme_number=theme_number,
        rows=rows,
        form=context.pop("form"),
        STALE_ROW=STALE_ROW,
        **context,
    ), status


def bulk_update():
    """Update several actions on one page: yours, or (``?thema=``) a theme's."""
    plan = require_plan()
    theme_number = parse_int(request.args.get("thema"), 1, 99)
    if request.args.get("thema") and (
        theme_number is None or not any(t.number == theme_number for t in plan.themes)
    ):
        abort(404)
    if current_user.role == Role.READER.value:
        abort(403)
    user = current_user._get_current_object()
    mine = party_ids_of(user)  # read once: every row's rights are checked against it
    actions = reportable_actions(plan, theme_number, mine)
    by_code = {action.code: action for action in actions}

    def row_of(action, row_form) -> Row:
        return Row(action, row_form, may_set_status(user, action, mine))

    if request.method == "GET":
        form = _fresh_form(actions)
        rows = [row_of(by_code[entry.form.code.data], entry.form) for entry in form.rows]
        return _render(plan, theme_number, rows, form=form)

    form = BulkProgressForm()
    rows = []
    for entry in form.rows:
        action = by_code.get(entry.form.code.data)
        if action is None:
            abort(403)  # not an action this user may report on (or a tampered form)
        rows.append(row_of(action, entry.form))
    form.validate()
    for row in rows:
        moved = (row.form.status.data, row.form.signal.data or "") != (
            row.form.shown_status.data,
            row.form.shown_signal.data or "",
        )
        if moved and not row.may_set_status:
            row.form.status.errors = [*row.form.status.errors, regional_status_message(row.action)]
    changed = [row for row in rows if row.form.is_changed]
    if not changed:
        flash("U heeft niets gewijzigd; er is niets opgeslagen.", "info")
        return _render(plan, theme_number, rows, form=form)
    passing = [row for row in changed if not row.has_errors]
    _mark_stale(passing)
    ready = [row for row in passing if not row.stale]
    if ready and not _save(ready):
        ready = []
    if len(ready) < len(changed):  # some rows need a look: they stay, the rest is saved
        status = 400 if any(row.has_errors for row in changed) else 409
        return _render(plan, theme_number, rows, status, form=form)
    codes = ", ".join(row.action.code for row in changed)
    flash(
        f"Voortgang opgeslagen voor {len(changed)} "
        f"{'actie' if len(changed) == 1 else 'acties'}: {codes}.",
        "info",
    )
    if theme_number is None:
        return redirect(url_for("dashboard.my_actions"))
    return redirect(url_for("plan.theme", number=theme_number))


def _save(rows: list[Row]) -> bool:
    """Save ``rows`` together; False (nothing saved, the rows marked stale) when one changed
    between the check and the save."""
    items = [
        (
            row.action,
            {
                "version": int(row.form.version.data),
                "status": row.form.status.data,
                "signal": row.form.signal.data or None,
                "text": row.form.text.data,
            },
        )
        for row in rows
    ]
    try:
        services.apply_batch(items, current_user._get_current_object(), utcnow())
    except StaleEdit:  # a save that landed between the check and ours
        db.session.expire_all()
        _mark_stale(rows)
        return False
    db.session.commit()
    for row in rows:
        row.mark_saved()
    return True
