"""The profile: password, two-step verification, notification preferences, calendar address
and API tokens of the logged-in user."""

from __future__ import annotations

from flask import abort, current_app, flash, redirect, render_template, request, session, url_for
from flask_login import current_user, login_required, login_user
from sqlalchemy import select

from tracker.accounts import second_step, services
from tracker.accounts.forms import (
    ApiTokenForm,
    ChangePasswordForm,
    ConfirmForm,
    NotificationPrefsForm,
    TotpDisableForm,
    TotpReplaceForm,
    TotpSetupForm,
)
from tracker.accounts.models import ApiToken
from tracker.accounts.views import qr_svg
from tracker.audit.services import record
from tracker.dates import utcnow
from tracker.extensions import db

#: Session key of the secret offered for a new authenticator app, until a code confirms it.
NEW_SECRET_KEY = "totp_setup_secret"  # noqa: S105 - a session key name


def _profile_page(status: int = 200, **forms):
    defaults = {
        "password_form": ChangePasswordForm(prefix="pw"),
        "totp_form": TotpSetupForm(prefix="totp"),
        "replace_form": TotpReplaceForm(prefix="vervang"),
        "disable_form": TotpDisableForm(prefix="uit"),
        "token_form": ApiTokenForm(prefix="token"),
        "confirm_form": ConfirmForm(),
        "prefs_form": _prefs_form(),
    }
    defaults.update(forms)
    tokens = db.session.scalars(
        select(ApiToken)
        .where(ApiToken.user_id == current_user.id)
        .order_by(ApiToken.created_at.desc())
    ).all()
    # A fresh secret on offer: to switch TOTP on, or to move to another app.
    secret = session.get(NEW_SECRET_KEY)
    if not secret:
        secret = second_step.new_totp_secret()
        session[NEW_SECRET_KEY] = secret
    qr = qr_svg(second_step.totp_uri(current_user, secret))
    return render_template(
        "accounts/profile.html", tokens=tokens, totp_secret=secret, qr=qr, **defaults
    ), status


def _prefs_form() -> NotificationPrefsForm:
    form = NotificationPrefsForm(prefix="prefs", formdata=None)
    for kind in NOTIFICATION_KINDS:
        getattr(form, kind).data = current_user.wants(kind)
    return form


NOTIFICATION_KINDS = (
    "herinnering",
    "voortgangsverzoek",
    "vergadering_gewijzigd",
    "vergadering_geannuleerd",
    "agenda",
    "actiepunt",
)


@login_required
def notification_prefs():
    """Which kinds of meeting e-mail the user wants."""
    form = NotificationPrefsForm(prefix="prefs")
    if not form.validate_on_submit():
        abort(400)
    user = current_user._get_current_object()
    muted = [kind for kind in NOTIFICATION_KINDS if not getattr(form, kind).data]
    user.muted_notifications = ",".join(muted)
    record("profile.notifications", user, user.email, "Berichtvoorkeuren gewijzigd", muted=muted)
    db.session.commit()
    flash("Uw berichtvoorkeuren zijn opgeslagen.", "info")
    return redirect(url_for("accounts.profile"))


@login_required
def rotate_calendar_token():
    """A new secret feed address; the old one stops working."""
    if not ConfirmForm().validate_on_submit():
        abort(400)
    user = current_user._get_current_object()
    user.calendar_token = services.new_calendar_token()
    record("profile.calendar_token", user, user.email, "Nieuw agenda-adres")
    db.session.commit()
    flash("U heeft een nieuw agenda-adres; het oude werkt niet meer.", "info")
    return redirect(url_for("accounts.profile"))


@login_required
def profile():
    """Your account: password, two-step verification, API tokens."""
    return _profile_page()


@login_required
def change_password():
    """A new password; the current one is asked, and other sessions end."""
    form = ChangePasswordForm(prefix="pw")
    form.email_for_check = lambda: current_user.email
    if not form.validate_on_submit():
        return _profile_page(400, password_form=form)
    user = current_user._get_current_object()
    if services.authenticate(user.email, form.current_password.data) is None:
        form.current_password.errors.append("Het huidige wachtwoord klopt niet.")
        return _profile_page(400, password_form=form)
    services.set_password(user, form.password.data)
    record("password.change", user, user.email, "Wachtwoord gewijzigd")
    db.session.commit()
    login_user(user)  # new session token: this session continues, all others end
    flash("Uw wachtwoord is gewijzigd. Andere sessies zijn beëindigd.", "info")
    return redirect(url_for("accounts.profile"))


def _code_check_allowed(user, field):
    """A code typed on the profile counts as a login attempt of the account, with the same
    limits as the login's second step, so a stolen session cannot guess its way to
    switching the second factor off. Returns the attempt (mark it succeeded when the code
    was right), or None with the refusal on ``field``."""
    now = utcnow()
    address = request.remote_addr or "onbekend"
    client = "sessie:" + services.sha256(user.session_token)[:32]  # this session's own budget
    attempt = services.begin_login_attempt(user.email, address, now, client)
    db.session.commit()  # before counting, as at login
    reason = services.throttle_reason(user.email, address, now, current_app.config, client)
    if reason is None:
        return attempt
    services.forget_attempt(attempt)
    db.session.commit()
    field.errors.append(reason)
    return None


def _new_recovery_codes(user, audit_kind: str, audit_text: str):
    """Ten new recovery codes (the old ones stop working), shown once."""
    codes = second_step.new_recovery_codes(user)
    record(audit_kind, user, user.email, audit_text)
    db.session.commit()
    return render_template("accounts/recovery_codes.html", codes=codes)


def _secret_confirmed(user, audit_kind: str, audit_text: str):
    """The offered secret is now the account's: new recovery codes go with it."""
    session.pop(NEW_SECRET_KEY, None)
    return _new_recovery_codes(user, audit_kind, audit_text)


@login_required
def enable_totp():
    """Switch on two-step verification with the app scanned from the profile page."""
    form = TotpSetupForm(prefix="totp")
    secret = session.get(NEW_SECRET_KEY)
    user = current_user._get_current_object()
    if user.totp_enabled:
        flash("Tweestapsverificatie staat al aan; hieronder koppelt u een andere app.", "error")
        return redirect(url_for("accounts.profile"))
    if not form.validate_on_submit() or not secret:
        return _profile_page(400, totp_form=form)
    if not second_step.enable_totp(user, secret, form.code.data, utcnow()):
        form.code.errors.append("Deze code klopt niet. Controleer de tijd op uw telefoon.")
        return _profile_page(400, totp_form=form)
    return _secret_confirmed(user, "totp.enable", "Tweestapsverificatie aangezet")


@login_required
def replace_totp():
    """Move to another authenticator app (a new phone): needs a code from the current app
    (or a recovery code) and one from the new app."""
    form = TotpReplaceForm(prefix="vervang")
    secret = session.get(NEW_SECRET_KEY)
    user = current_user._get_current_object()
    if not user.totp_enabled:
        abort(400)
    if not form.validate_on_submit() or not secret:
        return _profile_page(400, replace_form=form)
    attempt = _code_check_allowed(user, form.current_code)
    if attempt is None:
        return _profile_page(429, replace_form=form)
    if problem := second_step.replace_totp(
        user, form.current_code.data, secret, form.new_code.data, utcnow()
    ):
        field, message = problem
        getattr(form, field).errors.append(message)
        db.session.commit()  # a spent code stays spent
        return _profile_page(400, replace_form=form)
    attempt.succeeded = True
    return _secret_confirmed(user, "totp.replace", "Andere authenticator-app gekoppeld")


@login_required
def disable_totp():
    """Switch two-step verification off (not for beheerders); needs a current code."""
    user = current_user._get_current_object()
    form = TotpDisableForm(prefix="uit")
    if user.is_admin:
        flash("Voor beheerders is tweestapsverificatie verplicht.", "error")
        return redirect(url_for("accounts.profile"))
    if not user.totp_enabled:
        abort(400)
    if not form.validate_on_submit():
        return _profile_page(400, disable_form=form)
    attempt = _code_check_allowed(user, form.current_code)
    if attempt is None:
        return _profile_page(429, disable_form=form)
    if not second_step.verify_second_factor(user, form.current_code.data, utcnow()):
        form.current_code.errors.append("Deze code klopt niet of is al gebruikt.")
        return _profile_page(400, disable_form=form)
    attempt.succeeded = True
    second_step.disable_totp(user)
    record("totp.disable", user, user.email, "Tweestapsverificatie uitgezet")
    db.session.commit()
    flash("Tweestapsverificatie staat uit.", "info")
    return redirect(url_for("accounts.profile"))


@login_required
def regenerate_recovery_codes():
    """Ten new recovery codes; the old ones stop working."""
    user = current_user._get_current_object()
    if not ConfirmForm().validate_on_submit() or not user.totp_enabled:
        abort(400)
    return _new_recovery_codes(user, "totp.recovery_codes", "Nieuwe herstelcodes")


@login_required
def create_token():
    """A personal API token, shown once."""
    form = ApiTokenForm(prefix="token")
    if not form.validate_on_submit():
        return _profile_page(400, token_form=form)
    user = current_user._get_current_object()
    token, plain = services.create_api_token(user, form.name.data.strip())
    record("api_token.create", user, user.email, f"Koppelsleutel '{token.name}' aangemaakt")
    db.session.commit()
    return render_template("accounts/token_created.html", token=token, plain=plain)


@login_required
def revoke_token(token_id: int):
    """Revoke one of your own API tokens."""
    token = db.session.get(ApiToken, token_id)
    if token is None or token.user_id != current_user.id:
        abort(404)
    if not ConfirmForm().validate_on_submit():
        abort(400)
    if token.revoked_at is None:
        token.revoked_at = utcnow()
        record("api_token.revoke", current_user, current_user.email, f"'{token.name}' ingetrokken")
        db.session.commit()
    flash(f"Token '{token.name}' is ingetrokken.", "info")
    return redirect(url_for("accounts.profile"))
