"""Account forms. Flask-WTF adds a CSRF token to each."""

from __future__ import annotations

from wtforms import (
    BooleanField,
    EmailField,
    HiddenField,
    PasswordField,
    SelectField,
    StringField,
)
from wtforms.validators import ValidationError

from tracker.accounts.models import Role
from tracker.accounts.services import password_problem
from tracker.forms import DutchForm, choices, email_address, max_length, required, same_as
from tracker.privacy.guard import PrivacyCheckedForm


class LoginForm(DutchForm):
    email = EmailField("E-mailadres", validators=[required(), email_address(), max_length(254)])
    password = PasswordField("Wachtwoord", validators=[required(), max_length(200)])


class SecondFactorForm(DutchForm):
    structured_fields = ("code",)
    code = StringField(
        "Code uit uw authenticator-app of herstelcode", validators=[required(), max_length(20)]
    )


class EmailOnlyForm(DutchForm):
    email = EmailField("E-mailadres", validators=[required(), email_address(), max_length(254)])


class ConfirmForm(DutchForm):
    """Only a CSRF token: for buttons that change state (logout, use a login link)."""


class NewPasswordForm(DutchForm):
    password = PasswordField("Nieuw wachtwoord", validators=[required(), max_length(200)])
    password_again = PasswordField(
        "Nieuw wachtwoord (nogmaals)", validators=[required(), same_as("password")]
    )

    def email_for_check(self) -> str:
        return ""

    def validate_password(self, field):
        if problem := password_problem(field.data or "", self.email_for_check()):
            raise ValidationError(problem)


class SetupForm(PrivacyCheckedForm, NewPasswordForm):
    person_fields = ("name",)
    name = StringField("Naam", validators=[required(), max_length(120)])
    email = EmailField("E-mailadres", validators=[required(), email_address(), max_length(254)])
    #: The beheerder's own party (default VAR): Mijn acties, reminders for the meetings the
    #: party is secretary of, and the flags of actions without a reporter depend on it.
    party = SelectField("Uw partij", choices=[], validate_choice=False)

    def validate_party(self, field):
        if (field.data or "") not in {choice.value for choice in field.choices}:
            raise ValidationError("Kies een partij uit de lijst.")

    def email_for_check(self) -> str:
        return self.email.data or ""


class ChangePasswordForm(NewPasswordForm):
    current_password = PasswordField("Huidig wachtwoord", validators=[required()])


class TotpSetupForm(DutchForm):
    structured_fields = ("code",)
    code = StringField("Code uit de app (6 cijfers)", validators=[required(), max_length(10)])


class TotpReplaceForm(DutchForm):
    structured_fields = ("current_code", "new_code")
    current_code = StringField(
        "Code uit uw huidige app (of een herstelcode)", validators=[required(), max_length(20)]
    )
    new_code = StringField(
        "Code uit de nieuwe app (6 cijfers)", validators=[required(), max_length(10)]
    )


class TotpDisableForm(DutchForm):
    structured_fields = ("current_code",)
    current_code = StringField(
        "Code uit uw app (of een herstelcode)", validators=[required(), max_length(20)]
    )


class ApiTokenForm(PrivacyCheckedForm, DutchForm):
    privacy_fields = ("name",)
    name = StringField(
        "Naam van de sleutel (bijv. Power BI)", validators=[required(), max_length(80)]
    )


ROLE_CHOICES = choices((role.value, role.label) for role in Role)


class UserForm(PrivacyCheckedForm, DutchForm):
    person_fields = ("name",)
    structured_fields = ("version",)
    #: The account's version the form showed (empty for a new account).
    version = HiddenField()
    name = StringField("Naam", validators=[required(), max_length(120)])
    email = EmailField("E-mailadres", validators=[required(), email_address(), max_length(254)])
    role = SelectField("Rol", choices=ROLE_CHOICES, validators=[required()])
    party = SelectField("Partij", choices=[], coerce=str)
    municipality = SelectField("Gemeente", choices=[], coerce=str)
    may_write_report = BooleanField("Mag de tekst van de rapportage schrijven")
    is_enabled = BooleanField("Actief", default=True)
    #: Asked when an account is switched off that holds parties, links or e-mail.
    successor = SelectField("Wie neemt het over?", choices=[], coerce=str, validate_choice=False)


class NotificationPrefsForm(DutchForm):
    """One checkbox per kind of meeting e-mail; unticked kinds are not sent to this user."""

    herinnering = BooleanField("Herinneringen voor vergaderingen")
    voortgangsverzoek = BooleanField("Verzoeken om voortgang vóór de Regionale Tafel")
    vergadering_gewijzigd = BooleanField("Bericht als een vergadering verplaatst is")
    vergadering_geannuleerd = BooleanField("Bericht als een vergadering geannuleerd is")
    agenda = BooleanField("De agenda van vergaderingen waar u aan deelneemt")
    actiepunt = BooleanField("Herinneringen voor actiepunten van uw partij")
