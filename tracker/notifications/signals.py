"""What the outbox announces to the packages that put e-mail of their own in it.

``planning_asked`` is sent with ``now`` on a scheduler tick after the data changed, once the
meetings' reminders are planned: the evaluation then invites the owners who came after its
round was opened. The outbox so needs to know nothing about evaluations."""

from __future__ import annotations

from blinker import Namespace

_signals = Namespace()

planning_asked = _signals.signal("planning-asked")
