"""Every URL of ``tracker.accounts``: its blueprints and the view behind each route."""

from __future__ import annotations

from flask import Blueprint

from tracker.accounts import admin, profile, views

users_bp = Blueprint("users", __name__, url_prefix="/beheer/gebruikers")
bp = Blueprint("accounts", __name__)

bp.route("/login", methods=["GET", "POST"])(views.login)
bp.route("/login/tweede-stap", methods=["GET", "POST"])(views.second_factor)
bp.route("/login/tweede-stap/instellen", methods=["GET", "POST"])(views.second_factor_setup)
bp.post("/logout")(views.logout)
bp.route("/setup", methods=["GET", "POST"])(views.setup)
bp.route("/wachtwoord-herstellen/<token>", methods=["GET", "POST"])(views.reset_password)
bp.route("/wachtwoord-vergeten", methods=["GET", "POST"])(views.forgot_password)
bp.route("/inloglink", methods=["GET", "POST"])(views.request_login_link)
bp.route("/inloglink/<token>", methods=["GET", "POST"])(views.use_login_link)

users_bp.get("")(admin.index)
users_bp.route("/nieuw", methods=["GET", "POST"])(admin.create)
users_bp.route("/<int:user_id>", methods=["GET", "POST"])(admin.edit)

bp.post("/profiel/berichten")(profile.notification_prefs)
bp.post("/profiel/agenda/nieuw")(profile.rotate_calendar_token)
bp.get("/profiel")(profile.profile)
bp.post("/profiel/wachtwoord")(profile.change_password)
bp.post("/profiel/tweestaps/aan")(profile.enable_totp)
bp.post("/profiel/tweestaps/vervangen")(profile.replace_totp)
bp.post("/profiel/tweestaps/uit")(profile.disable_totp)
bp.post("/profiel/herstelcodes")(profile.regenerate_recovery_codes)
bp.post("/profiel/tokens")(profile.create_token)
bp.post("/profiel/tokens/<int:token_id>/intrekken")(profile.revoke_token)
