"""What accounts announce to the rest of the tracker, so this package needs to know nothing
about e-mail or meetings. Receivers are connected in the owning package's
``connect_receivers`` (``create_app`` calls each)."""

from __future__ import annotations

from blinker import Namespace

_signals = Namespace()

#: Asked with the user as sender before a hand-over: each receiver returns one Dutch line on
#: what else the user holds that the hand-over ends ("3 e-mails in de wachtrij"), or None.
holdings_asked = _signals.signal("holdings-asked")

#: Sent with the user as sender when their account is handed over (disabled): receivers end
#: what the user held in their package (the outbox withdraws the user's pending e-mail).
handed_over = _signals.signal("handed-over")
