"""What meetings announce to the rest of the tracker. The outbox (``tracker.notifications``)
listens: it re-plans a meeting's reminders whenever the meeting or its series changes, so
this package needs to know nothing about e-mail."""

from __future__ import annotations

from blinker import Namespace

_signals = Namespace()

#: Sent with the meeting as sender and ``now`` (and ``moved=True`` when its time changed).
meeting_changed = _signals.signal("meeting-changed")

#: Sent with the meeting as sender and ``now`` when its agenda is published: participants
#: get it by e-mail.
agenda_published = _signals.signal("agenda-published")

#: Sent with the actiepunt (a ``MeetingOutcome``) as sender and ``now`` when it is added, done,
#: reopened or about to be deleted: its reminders are planned or withdrawn.
outcome_changed = _signals.signal("outcome-changed")

#: Asked with the meeting as sender when its agenda is proposed: each receiver returns a list
#: of ``agenda.Proposal`` to add before the closing item (the knelpunten for the Tafel).
proposals_asked = _signals.signal("proposals-asked")
