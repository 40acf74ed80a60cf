"""What the plan announces to the rest of the tracker. Receivers are connected in the owning
package's ``connect_receivers`` (``create_app`` calls each)."""

from __future__ import annotations

from blinker import Namespace

_signals = Namespace()

#: Asked with the draft plan as sender: each receiver returns a list of names of what
#: publishing it takes over from the plan it replaces (meeting series move to the copies of
#: their actions; the public page and its lines go to the new plan).
publishing_asked = _signals.signal("publishing-asked")

#: Sent with the plan as sender when it is published, and ``successors``: the id of each
#: predecessor action mapped to the id of its copy in this plan. Receivers move what hangs
#: on the old actions (the meetings package moves its series) and return the names moved.
plan_published = _signals.signal("plan-published")

#: Asked with the draft plan as sender before it is adopted: each receiver returns a list of
#: sentences the beheerder should read first (the evaluation: the previous plan's round still
#: runs, and adopting ends the owners' part in it).
adoption_warnings_asked = _signals.signal("adoption-warnings-asked")
