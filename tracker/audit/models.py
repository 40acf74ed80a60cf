"""The audit log: who changed what, and when; every login and failed login too."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import JSON, ForeignKey, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from tracker.dates import utcnow
from tracker.extensions import db

#: How each kind of event reads in the audit log.
KIND_LABELS = {
    "api_token.create": "Koppelsleutel aangemaakt",
    "api_token.revoke": "Koppelsleutel ingetrokken",
    "evaluation.deadline": "Termijn evaluatie verzet",
    "evaluation.draft": "Concept volgend plan uit de evaluatie",
    "evaluation.knelpunt": "Knelpunt vastgelegd",
    "evaluation.open": "Evaluatie geopend",
    "evaluation.save": "Evaluatie van een actie opgeslagen",
    "export.csv": "Export als CSV",
    "public.line": "Openbare regel vastgesteld",
    "public.proposal": "Openbare regel voorgesteld",
    "public.settings": "Openbare pagina gewijzigd",
    "figure.report": "Kerncijfers voor de rapportage gekozen",
    "figure.save": "Kerncijfer opgeslagen",
    "figure.target": "Richting en doel van een kerncijfer gezet",
    "export.xlsx": "Export als Excel",
    "login": "Ingelogd",
    "login.failed": "Inloggen mislukt",
    "login.link_requested": "Inloglink aangevraagd",
    "login.link_used": "Ingelogd met inloglink",
    "login.throttled": "Inloggen tijdelijk geblokkeerd",
    "logout": "Uitgelogd",
    "meeting.agenda": "Agenda voorgesteld of gewijzigd",
    "meeting.agenda_publish": "Agenda gepubliceerd",
    "meeting.cancel": "Vergadering geannuleerd",
    "meeting.create": "Vergadering gepland",
    "meeting.held": "Vergadering gehouden",
    "meeting.attendance": "Aanwezige gemeenten vastgelegd",
    "meeting.import": "Vergaderingen geïmporteerd",
    "meeting.outcome": "Besluit of actiepunt vastgelegd",
    "meeting.pack": "Vergaderstukken gedownload",
    "meeting.outcome_delete": "Besluit of actiepunt verwijderd",
    "meeting.outcome_done": "Actiepunt afgerond of heropend",
    "meeting.requests": "Verzoek om voortgang met de hand verstuurd",
    "meeting.update": "Vergadering gewijzigd",
    "municipality.update": "Voortgang gemeente bijgewerkt",
    "borging.update": "Borging gemeente bijgewerkt",
    "notification.retry": "E-mail opnieuw verstuurd",
    "password.change": "Wachtwoord gewijzigd",
    "password.reset": "Wachtwoord hersteld",
    "password.reset_requested": "Wachtwoordherstel aangevraagd",
    "plan.add_action": "Actie toegevoegd",
    "plan.revise": "Actie herzien",
    "profile.calendar_token": "Nieuw agenda-adres",
    "profile.notifications": "E-mailvoorkeuren gewijzigd",
    "progress.update": "Voortgang bijgewerkt",
    "redaction.redact": "Tekst afgeschermd",
    "privacy.confirmed": "Naam bevestigd als geen zaak",
    "privacy.reviewed": "Bevestigde naam gezien door beheerder",
    "report.delete": "Rapportage verwijderd",
    "report.freeze": "Rapportage vastgelegd",
    "report.text": "Rapportagetekst gewijzigd",
    "report.annex": "Bijlage van de rapportage als PDF",
    "report.pdf": "Rapportage als PDF",
    "report.complete": "Volledige rapportage als PDF",
    "report.docx": "Rapportage als Word-document",
    "report.view": "Rapportage bekeken",
    "series.save": "Overlegvorm opgeslagen",
    "snapshot.annex": "Bijlage van een vastgelegde rapportage als PDF",
    "snapshot.pdf": "Vastgelegde rapportage als PDF",
    "snapshot.view": "Vastgelegde rapportage bekeken",
    "totp.disable": "Tweestapsverificatie uitgezet",
    "totp.enable": "Tweestapsverificatie aangezet",
    "totp.recovery_codes": "Nieuwe herstelcodes",
    "totp.replace": "Andere authenticator-app gekoppeld",
    "user.create": "Account aangemaakt",
    "user.deactivate": "Account uitgeschakeld",
    "user.update": "Account gewijzigd",
    "user.handover": "Taken overgedragen",
    "commitment.update": "Voortgang per jaar bijgewerkt",
    "owner.link": "Eigenaar gekoppeld aan rapporteur",
    "owner.unlink": "Koppeling van eigenaar verwijderd",
    "party.contacts": "Contactpersonen van partij gewijzigd",
    "plan.copy": "Nieuw plan gemaakt op basis van een ander",
    "plan.edit": "Concept van een plan gewijzigd",
    "plan.publish": "Plan vastgesteld en huidig gemaakt",
}


def kind_label(kind: str) -> str:
    return KIND_LABELS.get(kind, kind)


class AuditEvent(db.Model):
    id: Mapped[int] = mapped_column(primary_key=True)
    at: Mapped[datetime] = mapped_column(default=utcnow, index=True)
    actor_id: Mapped[int | None] = mapped_column(ForeignKey("user.id", ondelete="SET NULL"))
    #: Kind of event, e.g. ``progress.update``, ``user.deactivate``, ``login.failed``.
    kind: Mapped[str] = mapped_column(String(40), index=True)
    #: What it is about, e.g. ``actie 3.14`` or a user's e-mail address.
    subject: Mapped[str] = mapped_column(String(200), default="")
    summary: Mapped[str] = mapped_column(Text, default="")
    details: Mapped[dict | None] = mapped_column(JSON)
    address: Mapped[str | None] = mapped_column(String(64))

    actor = relationship("User", lazy="joined")
