"""Login, second factor, password reset, login links, first-run setup, profile, users."""

from __future__ import annotations

import time
from dataclasses import dataclass
from datetime import timedelta

import segno
from flask import (
    Blueprint,
    abort,
    current_app,
    flash,
    redirect,
    render_template,
    request,
    session,
    url_for,
)
from flask_login import current_user, login_required, login_user, logout_user
from sqlalchemy import select

from tracker.accounts import services
from tracker.accounts.auth import safe_next
from tracker.accounts.forms import (
    ApiTokenForm,
    ChangePasswordForm,
    ConfirmForm,
    EmailOnlyForm,
    LoginForm,
    NewPasswordForm,
    NotificationPrefsForm,
    SecondFactorForm,
    SetupForm,
    TotpSetupForm,
)
from tracker.accounts.models import ApiToken, Role, User
from tracker.audit.services import record
from tracker.dates import utcnow
from tracker.extensions import db
from tracker.mail import send_now
from tracker.urls import external_url

bp = Blueprint("accounts", __name__)

PENDING_KEY = "pending_login"
PENDING_SECONDS = 300


def _config(key: str):
    return current_app.config[key]


def _address() -> str:
    return request.remote_addr or "onbekend"


def _complete_login(user: User, next_url: str | None):
    """Start a fresh session for ``user`` and go where they were heading."""
    session.clear()
    login_user(user)
    user.last_login_at = utcnow()
    record("login", user, user.email, "Ingelogd")
    db.session.commit()
    return redirect(safe_next(next_url) or url_for("plan.overview"))


def _start_second_step(user: User, next_url: str | None):
    """Password (or login link) accepted; the second factor is still to come."""
    session.clear()
    session[PENDING_KEY] = {
        "user_id": user.id,
        "token": user.session_token,
        "at": int(time.time()),
        "next": safe_next(next_url),
    }
    if user.totp_enabled:
        return redirect(url_for("accounts.second_factor"))
    return redirect(url_for("accounts.second_factor_setup"))


def _after_first_factor(user: User, next_url: str | None):
    if user.needs_second_factor:
        db.session.commit()
        return _start_second_step(user, next_url)
    return _complete_login(user, next_url)


def _pending_user() -> User | None:
    pending = session.get(PENDING_KEY)
    if not pending or time.time() - pending.get("at", 0) > PENDING_SECONDS:
        return None
    user = db.session.get(User, pending["user_id"])
    if user is None or not user.is_enabled or user.session_token != pending["token"]:
        return None
    return user


@bp.route("/login", methods=["GET", "POST"])
def login():
    """E-mail and password; throttled per account and per address, counted in the database."""
    if current_user.is_authenticated:
        return redirect(url_for("plan.overview"))
    if db.session.scalar(select(User.id).limit(1)) is None:
        return redirect(url_for("accounts.setup"))
    form = LoginForm()
    next_url = request.args.get("next")
    if form.validate_on_submit():
        now = utcnow()
        if reason := services.throttle_reason(form.email.data, _address(), now, current_app.config):
            record("login.throttled", None, services.normalise_email(form.email.data), reason)
            db.session.commit()
            return render_template("accounts/login.html", form=form, error=reason), 429
        user = services.authenticate(form.email.data, form.password.data)
        services.record_login_attempt(form.email.data, _address(), user is not None, now)
        if user is None:
            record("login.failed", None, services.normalise_email(form.email.data), "Mislukt")
            db.session.commit()
            error = "Het e-mailadres of het wachtwoord klopt niet."
            return render_template("accounts/login.html", form=form, error=error), 401
        return _after_first_factor(user, next_url)
    return render_template("accounts/login.html", form=form, error=None)


@bp.route("/login/tweede-stap", methods=["GET", "POST"])
def second_factor():
    """The code from the authenticator app, or a one-time recovery code."""
    user = _pending_user()
    if user is None:
        flash("Log opnieuw in; de inlogpoging is verlopen.", "error")
        return redirect(url_for("accounts.login"))
    if not user.totp_enabled:
        return redirect(url_for("accounts.second_factor_setup"))
    form = SecondFactorForm()
    if form.validate_on_submit():
        now = utcnow()
        if reason := services.throttle_reason(user.email, _address(), now, current_app.config):
            return render_template("accounts/second_factor.html", form=form, error=reason), 429
        if services.verify_second_factor(user, form.code.data, now):
            return _complete_login(user, session[PENDING_KEY].get("next"))
        services.record_login_attempt(user.email, _address(), False, now)
        record("login.failed", None, user.email, "Onjuiste tweede-stapcode")
        db.session.commit()
        error = "Deze code klopt niet of is al gebruikt. Probeer de volgende code uit de app."
        return render_template("accounts/second_factor.html", form=form, error=error), 401
    return render_template("accounts/second_factor.html", form=form, error=None)


def _qr_svg(uri: str) -> str:
    return segno.make(uri, error="m").svg_data_uri(scale=5, border=2)


@bp.route("/login/tweede-stap/instellen", methods=["GET", "POST"])
def second_factor_setup():
    """Beheerders must set up an authenticator app before their first login completes."""
    user = _pending_user()
    if user is None:
        return redirect(url_for("accounts.login"))
    pending = session[PENDING_KEY]
    secret = pending.get("secret") or services.new_totp_secret()
    pending["secret"] = secret
    session[PENDING_KEY] = pending
    form = TotpSetupForm()
    error = None
    if form.validate_on_submit():
        if services.enable_totp(user, secret, form.code.data, utcnow()):
            codes = services.new_recovery_codes(user)
            record("totp.enable", user, user.email, "Tweestapsverificatie ingesteld")
            _complete_login(user, pending.get("next"))
            return render_template("accounts/recovery_codes.html", codes=codes)
        error = "Deze code klopt niet. Controleer de tijd op uw telefoon en probeer opnieuw."
    uri = services.totp_uri(user, secret)
    return render_template(
        "accounts/totp_setup.html", form=form, error=error, secret=secret, qr=_qr_svg(uri)
    ), (400 if error else 200)


@bp.post("/logout")
@login_required
def logout():
    """Ends this and every other session of the user: the old cookie stops working."""
    user = current_user._get_current_object()
    user.end_sessions()
    record("logout", user, user.email, "Uitgelogd")
    db.session.commit()
    logout_user()
    session.clear()
    flash("U bent uitgelogd.", "info")
    return redirect(url_for("accounts.login"))


@bp.route("/setup", methods=["GET", "POST"])
def setup():
    """First run only: create the first beheerder. Gone (404) once any user exists."""
    if db.session.scalar(select(User.id).limit(1)) is not None:
        abort(404)
    form = SetupForm()
    if form.validate_on_submit():
        user = User(
            email=services.normalise_email(form.email.data),
            name=form.name.data.strip(),
            role=Role.ADMIN.value,
            password_hash=services.hash_password(form.password.data),
        )
        db.session.add(user)
        db.session.flush()
        record("user.create", user, user.email, "Eerste beheerder aangemaakt via /setup")
        db.session.commit()
        flash("Account aangemaakt. Stel nu de tweestapsverificatie in.", "info")
        return _start_second_step(user, None)
    return render_template("accounts/setup.html", form=form)


def _token_max_age(purpose: str) -> timedelta:
    if purpose == "login":
        return timedelta(minutes=_config("LOGIN_LINK_MINUTES"))
    # Reset tokens also serve as invitations for new accounts, which live longer.
    return timedelta(days=_config("INVITATION_DAYS"))


@bp.route("/wachtwoord-herstellen/<token>", methods=["GET", "POST"])
def reset_password(token: str):
    max_age = _token_max_age("reset")
    secret = _config("SECRET_KEY")
    if not services.is_login_token_valid(token, "reset", max_age, secret, utcnow()):
        return render_template("accounts/token_invalid.html"), 400
    form = NewPasswordForm()
    if form.validate_on_submit():
        user = services.redeem_login_token(token, "reset", max_age, secret, utcnow())
        services.set_password(user, form.password.data)
        record("password.reset", user, user.email, "Wachtwoord opnieuw ingesteld")
        db.session.commit()
        flash("Uw wachtwoord is ingesteld. U kunt nu inloggen.", "info")
        return redirect(url_for("accounts.login"))
    return render_template("accounts/reset_password.html", form=form)


@dataclass(frozen=True)
class LinkMail:
    """One kind of "mail me a link": the reset link and the one-time login link."""

    purpose: str
    minutes_setting: str
    subject: str
    template: str
    endpoint: str
    audit_kind: str
    audit_text: str
    confirmation: str


RESET_MAIL = LinkMail(
    "reset",
    "PASSWORD_RESET_MINUTES",
    "Nieuw wachtwoord instellen",
    "password_reset",
    "accounts.reset_password",
    "password.reset_requested",
    "Herstellink verstuurd",
    "Als dit adres bij ons bekend is, is er een e-mail verstuurd met een link om een nieuw "
    "wachtwoord in te stellen.",
)
LOGIN_MAIL = LinkMail(
    "login",
    "LOGIN_LINK_MINUTES",
    "Uw inloglink",
    "login_link",
    "accounts.use_login_link",
    "login.link_requested",
    "Inloglink verstuurd",
    "Als dit adres bij ons bekend is, is er een inloglink verstuurd.",
)


def _request_link(kind: LinkMail):
    """Mail the link when the address has an active account; answer the same either way,
    so the form does not reveal which addresses have an account."""
    form = EmailOnlyForm()
    if form.validate_on_submit():
        user = services.find_user_by_email(form.email.data)
        if user is not None and user.is_enabled:
            lifetime = timedelta(minutes=_config(kind.minutes_setting))
            token = services.issue_login_token(user, kind.purpose, lifetime, _config("SECRET_KEY"))
            send_now(
                kind.subject,
                user.email,
                kind.template,
                user=user,
                link=external_url(kind.endpoint, token=token),
                minutes=int(lifetime.total_seconds() // 60),
            )
            record(kind.audit_kind, None, user.email, kind.audit_text)
        db.session.commit()
        flash(kind.confirmation, "info")
        return redirect(url_for("accounts.login"))
    return render_template("accounts/email_form.html", form=form, kind=kind.purpose)


@bp.route("/wachtwoord-vergeten", methods=["GET", "POST"])
def forgot_password():
    """Mails a password reset link."""
    return _request_link(RESET_MAIL)


@bp.route("/inloglink", methods=["GET", "POST"])
def request_login_link():
    """A one-time login link by e-mail, for people who rarely log in."""
    return _request_link(LOGIN_MAIL)


@bp.route("/inloglink/<token>", methods=["GET", "POST"])
def use_login_link(token: str):
    """GET shows a button (mail scanners that follow links must not spend the token)."""
    max_age = _token_max_age("login")
    secret = _config("SECRET_KEY")
    form = ConfirmForm()
    if request.method == "POST" and form.validate_on_submit():
        user = services.redeem_login_token(token, "login", max_age, secret, utcnow())
        if user is None:
            return render_template("accounts/token_invalid.html"), 400
        record("login.link_used", user, user.email, "Inloglink gebruikt")
        return _after_first_factor(user, None)
    if not services.is_login_token_valid(token, "login", max_age, secret, utcnow()):
        return render_template("accounts/token_invalid.html"), 400
    return render_template("accounts/use_login_link.html", form=form)


# Profile -------------------------------------------------------------------------------------


def _profile_page(status: int = 200, **forms):
    defaults = {
        "password_form": ChangePasswordForm(prefix="pw"),
        "totp_form": TotpSetupForm(prefix="totp"),
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
    secret = session.get("totp_setup_secret")
    if not current_user.totp_enabled and not secret:
        secret = services.new_totp_secret()
        session["totp_setup_secret"] = secret
    qr = None if current_user.totp_enabled else _qr_svg(services.totp_uri(current_user, secret))
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
)


@bp.post("/profiel/berichten")
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


@bp.post("/profiel/agenda/nieuw")
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


@bp.get("/profiel")
@login_required
def profile():
    """Your account: password, two-step verification, API tokens."""
    return _profile_page()


@bp.post("/profiel/wachtwoord")
@login_required
def change_password():
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


@bp.post("/profiel/tweestaps/aan")
@login_required
def enable_totp():
    form = TotpSetupForm(prefix="totp")
    secret = session.get("totp_setup_secret")
    user = current_user._get_current_object()
    if not form.validate_on_submit() or not secret:
        return _profile_page(400, totp_form=form)
    if not services.enable_totp(user, secret, form.code.data, utcnow()):
        form.code.errors.append("Deze code klopt niet. Controleer de tijd op uw telefoon.")
        return _profile_page(400, totp_form=form)
    session.pop("totp_setup_secret", None)
    codes = services.new_recovery_codes(user)
    record("totp.enable", user, user.email, "Tweestapsverificatie aangezet")
    db.session.commit()
    return render_template("accounts/recovery_codes.html", codes=codes)


@bp.post("/profiel/tweestaps/uit")
@login_required
def disable_totp():
    user = current_user._get_current_object()
    if not ConfirmForm().validate_on_submit():
        abort(400)
    if user.is_admin:
        flash("Voor beheerders is tweestapsverificatie verplicht.", "error")
        return redirect(url_for("accounts.profile"))
    services.disable_totp(user)
    record("totp.disable", user, user.email, "Tweestapsverificatie uitgezet")
    db.session.commit()
    flash("Tweestapsverificatie staat uit.", "info")
    return redirect(url_for("accounts.profile"))


@bp.post("/profiel/herstelcodes")
@login_required
def regenerate_recovery_codes():
    user = current_user._get_current_object()
    if not ConfirmForm().validate_on_submit() or not user.totp_enabled:
        abort(400)
    codes = services.new_recovery_codes(user)
    record("totp.recovery_codes", user, user.email, "Nieuwe herstelcodes")
    db.session.commit()
    return render_template("accounts/recovery_codes.html", codes=codes)


@bp.post("/profiel/tokens")
@login_required
def create_token():
    form = ApiTokenForm(prefix="token")
    if not form.validate_on_submit():
        return _profile_page(400, token_form=form)
    user = current_user._get_current_object()
    token, plain = services.create_api_token(user, form.name.data.strip())
    record("api_token.create", user, user.email, f"API-token '{token.name}' aangemaakt")
    db.session.commit()
    return render_template("accounts/token_created.html", token=token, plain=plain)


@bp.post("/profiel/tokens/<int:token_id>/intrekken")
@login_required
def revoke_token(token_id: int):
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
