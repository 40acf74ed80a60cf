"""Login, second factor, password reset, login links, first-run setup, profile, users."""

from __future__ import annotations

import time
from dataclasses import dataclass
from datetime import timedelta

import segno
from flask import (
    abort,
    current_app,
    flash,
    make_response,
    redirect,
    render_template,
    request,
    session,
    url_for,
)
from flask_login import current_user, login_required, login_user, logout_user
from sqlalchemy import select

from tracker import background
from tracker.accounts import devices, second_step, services, users
from tracker.accounts.auth import safe_next
from tracker.accounts.forms import (
    ConfirmForm,
    EmailOnlyForm,
    LoginForm,
    NewPasswordForm,
    SecondFactorForm,
    SetupForm,
    TotpSetupForm,
)
from tracker.accounts.models import Role, User
from tracker.audit.services import record
from tracker.dates import utcnow
from tracker.extensions import db
from tracker.forms import choices
from tracker.mail import DeliveryError, send_now
from tracker.plan.models import Party, PartyKind
from tracker.urls import external_url

PENDING_KEY = "pending_login"
PENDING_SECONDS = 300


def _config(key: str):
    return current_app.config[key]


def _address() -> str:
    return request.remote_addr or "onbekend"


def _log_in(user: User) -> None:
    """Start a fresh session for ``user``."""
    session.clear()
    login_user(user)
    user.last_login_at = utcnow()
    record("login", user, user.email, "Ingelogd")
    db.session.commit()


def _complete_login(user: User, next_url: str | None):
    """Log in and go where they were heading; the browser is remembered as a known device of
    this account (see ``devices``)."""
    _log_in(user)
    response = redirect(safe_next(next_url) or url_for("dashboard.overview"))
    devices.remember(response, user)
    return response


def _start_second_step(user: User, next_url: str | None, client: str):
    """Password (or login link) accepted; the second factor is still to come, counted
    against ``client``'s budget (see ``services.throttle_reason``)."""
    session.clear()
    session[PENDING_KEY] = {
        "user_id": user.id,
        "token": user.session_token,
        "at": int(time.time()),
        "next": safe_next(next_url),
        "client": client,
    }
    if user.totp_enabled:
        return redirect(url_for("accounts.second_factor"))
    return redirect(url_for("accounts.second_factor_setup"))


def _after_first_factor(user: User, next_url: str | None, client: str):
    if user.needs_second_factor:
        db.session.commit()
        return _start_second_step(user, next_url, client)
    return _complete_login(user, next_url)


def _pending_user() -> User | None:
    pending = session.get(PENDING_KEY)
    if not pending or time.time() - pending.get("at", 0) > PENDING_SECONDS:
        return None
    user = db.session.get(User, pending["user_id"])
    if user is None or not user.is_enabled or user.session_token != pending["token"]:
        return None
    return user


def _throttled(email: str, client: str, now, template: str, form):
    """Write this try down first, then count (see ``begin_login_attempt``). Returns the
    attempt and, when too many failures are in the window, the 429 page to answer with."""
    attempt = services.begin_login_attempt(email, _address(), now, client)
    db.session.commit()  # before counting: parallel requests must see this try
    reason = services.throttle_reason(email, _address(), now, current_app.config, client)
    if reason is None:
        return attempt, None
    services.forget_attempt(attempt)
    record("login.throttled", None, services.normalise_email(email), reason)
    db.session.commit()
    return attempt, (render_template(template, form=form, error=reason), 429)


def login():
    """E-mail and password; throttled per account and per address, counted in the database."""
    if current_user.is_authenticated:
        return redirect(url_for("dashboard.overview"))
    if db.session.scalar(select(User.id).limit(1)) is None:
        return redirect(url_for("accounts.setup"))
    form = LoginForm()
    next_url = request.args.get("next")
    if form.validate_on_submit():
        client = devices.client_key(form.email.data)
        attempt, refused = _throttled(
            form.email.data, client, utcnow(), "accounts/login.html", form
        )
        if refused:
            return refused
        user = services.authenticate(form.email.data, form.password.data)
        if user is None:
            record("login.failed", None, services.normalise_email(form.email.data), "Mislukt")
            db.session.commit()
            error = "Het e-mailadres of het wachtwoord klopt niet."
            return render_template("accounts/login.html", form=form, error=error), 401
        attempt.succeeded = True
        return _after_first_factor(user, next_url, client)
    return render_template("accounts/login.html", form=form, error=None)


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
        client = session[PENDING_KEY].get("client", "")
        attempt, refused = _throttled(user.email, client, now, "accounts/second_factor.html", form)
        if refused:
            return refused
        if second_step.verify_second_factor(user, form.code.data, now):
            attempt.succeeded = True
            return _complete_login(user, session[PENDING_KEY].get("next"))
        record("login.failed", None, user.email, "Onjuiste tweede-stapcode")
        db.session.commit()
        error = "Deze code klopt niet of is al gebruikt. Probeer de volgende code uit de app."
        return render_template("accounts/second_factor.html", form=form, error=error), 401
    return render_template("accounts/second_factor.html", form=form, error=None)


def qr_svg(uri: str) -> str:
    return segno.make(uri, error="m").svg_data_uri(scale=5, border=2)


def second_factor_setup():
    """A beheerder without a second factor sets up an authenticator app before the first
    login completes. Only for accounts that have none: an existing second factor is asked
    for (``second_step``), never replaced here, so the password alone never gets in."""
    user = _pending_user()
    if user is None:
        return redirect(url_for("accounts.login"))
    if user.totp_enabled:
        return redirect(url_for("accounts.second_factor"))
    pending = session[PENDING_KEY]
    secret = pending.get("secret") or second_step.new_totp_secret()
    pending["secret"] = secret
    session[PENDING_KEY] = pending
    form = TotpSetupForm()
    error = None
    if form.validate_on_submit():
        if second_step.enable_totp(user, secret, form.code.data, utcnow()):
            codes = second_step.new_recovery_codes(user)
            record("totp.enable", user, user.email, "Tweestapsverificatie ingesteld")
            _log_in(user)
            page = make_response(render_template("accounts/recovery_codes.html", codes=codes))
            devices.remember(page, user)
            return page
        error = "Deze code klopt niet. Controleer de tijd op uw telefoon en probeer opnieuw."
    uri = second_step.totp_uri(user, secret)
    return render_template(
        "accounts/totp_setup.html", form=form, error=error, secret=secret, qr=qr_svg(uri)
    ), (400 if error else 200)


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


def setup():
    """First run only: create the first beheerder. Gone (404) once any user exists."""
    if db.session.scalar(select(User.id).limit(1)) is not None:
        abort(404)
    form = SetupForm()
    parties = db.session.scalars(
        select(Party).where(Party.kind != PartyKind.MUNICIPALITY.value).order_by(Party.short_name)
    ).all()
    form.party.choices = choices(
        [("", "Geen partij")] + [(p.code, f"{p.short_name}: {p.name}") for p in parties]
    )
    if request.method == "GET":
        form.party.data = "VAR" if any(p.code == "VAR" for p in parties) else ""
    if form.validate_on_submit():
        user = users.create_user(
            email=form.email.data,
            name=form.name.data,
            role=Role.ADMIN.value,
            party=form.party.data or None,
            password=form.password.data,
            via="eerste beheerder, /setup",
        )
        db.session.commit()
        flash("Account aangemaakt. Stel nu de tweestapsverificatie in.", "info")
        return _start_second_step(user, None, devices.client_key(user.email))
    return render_template("accounts/setup.html", form=form)


def _token_max_age(purpose: str) -> timedelta:
    if purpose == "login":
        return timedelta(minutes=_config("LOGIN_LINK_MINUTES"))
    # Reset tokens also serve as invitations for new accounts, which live longer.
    return timedelta(days=_config("INVITATION_DAYS"))


def reset_password(token: str):
    max_age = _token_max_age("reset")
    secret = _config("SECRET_KEY")
    if not services.is_login_token_valid(token, "reset", max_age, secret, utcnow()):
        return render_template("accounts/token_invalid.html"), 400
    form = NewPasswordForm()
    if form.validate_on_submit():
        user = services.redeem_login_token(token, "reset", max_age, secret, utcnow())
        if user is None:  # spent by a parallel request
            return render_template("accounts/token_invalid.html"), 400
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


def send_link_mail(kind: LinkMail, email: str, now) -> None:
    """Background job: mail the link when the address has an active account and has not had
    ``LINK_MAILS_PER_HOUR`` links in the last hour. Failures are logged and audited; the
    person asking already had the same answer as for an unknown address."""
    user = services.find_user_by_email(email)
    if user is None or not user.is_enabled:
        return
    if services.recent_link_count(user, now - timedelta(hours=1)) >= _config("LINK_MAILS_PER_HOUR"):
        record(kind.audit_kind, None, user.email, "Niet verstuurd: te veel aanvragen dit uur")
        db.session.commit()
        return
    lifetime = timedelta(minutes=_config(kind.minutes_setting))
    token = services.issue_login_token(user, kind.purpose, lifetime, _config("SECRET_KEY"))
    db.session.commit()
    try:
        send_now(
            kind.subject,
            user.email,
            kind.template,
            user=user,
            link=external_url(kind.endpoint, token=token),
            minutes=int(lifetime.total_seconds() // 60),
        )
    except DeliveryError as exc:
        current_app.logger.warning("Could not send %s mail: %s", kind.purpose, exc)
        record(kind.audit_kind, None, user.email, "Versturen mislukt")
    else:
        record(kind.audit_kind, None, user.email, kind.audit_text)
    db.session.commit()


def _request_link(kind: LinkMail):
    """Answer the same way, at once, whether or not the address has an account; the lookup
    and the mail happen afterwards (``background``)."""
    form = EmailOnlyForm()
    if form.validate_on_submit():
        background.submit(send_link_mail, kind, form.email.data, utcnow())
        flash(kind.confirmation, "info")
        return redirect(url_for("accounts.login"))
    return render_template("accounts/email_form.html", form=form, kind=kind.purpose)


def forgot_password():
    """Mails a password reset link."""
    return _request_link(RESET_MAIL)


def request_login_link():
    """A one-time login link by e-mail, for people who rarely log in."""
    return _request_link(LOGIN_MAIL)


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
        # The link proves the mailbox: its second step has a budget of its own.
        return _after_first_factor(user, None, "link:" + services.sha256(token)[:32])
    if not services.is_login_token_valid(token, "login", max_age, secret, utcnow()):
        return render_template("accounts/token_invalid.html"), 400
    return render_template("accounts/use_login_link.html", form=form)
