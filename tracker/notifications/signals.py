"""What the outbox asks of the packages that put e-mail of their own in it.

``planning_asked`` is sent with ``now`` on a scheduler tick after the data changed, once the
meetings' reminders are planned: the evaluation then invites the owners who came after its
round was opened. For an outbox row of such a package's kind (the row's ``kind_enum`` is the
sender, so only that package's receiver answers), ``message_asked`` asks for its e-mail
(``row``, ``message_id``) and ``withholding_asked`` (``row``, ``now``) whether it is not to go
out after all (the row's new values, or None). The outbox so needs to know nothing about
evaluations."""

from __future__ import annotations

from blinker import Namespace

_signals = Namespace()

planning_asked = _signals.signal("planning-asked")
message_asked = _signals.signal("message-asked")
withholding_asked = _signals.signal("withholding-asked")
