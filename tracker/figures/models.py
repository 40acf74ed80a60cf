"""Indicators (one figure of the monitors, for one area) and their values per year."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import ForeignKey, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from tracker.extensions import db
from tracker.plan.models import Action

REGION = "Regio"
COUNT, ESTIMATE = "telling", "schatting"
DIRECTIONS = {"meer": "Meer is beter", "minder": "Minder is beter"}


class Indicator(db.Model):
    id: Mapped[int] = mapped_column(primary_key=True)
    #: Stable key used by the seed loader and the Excel template.
    code: Mapped[str] = mapped_column(String(80), unique=True)
    region_id: Mapped[int] = mapped_column(ForeignKey("region.id"), index=True)
    name: Mapped[str] = mapped_column(String(200))
    #: The organisation the figure comes from ("Politie (TMM)", "Stichting Humanitas (ESSM)").
    source: Mapped[str] = mapped_column(String(120))
    #: The plan theme the figure informs, if one.
    theme_number: Mapped[int | None]
    #: "Regio" (the 23 VAR municipalities) or one municipality.
    area: Mapped[str] = mapped_column(String(120), default=REGION)
    unit: Mapped[str] = mapped_column(String(40), default="")
    #: "telling" (a registered count) or "schatting" (an estimate, a range per year).
    kind: Mapped[str] = mapped_column(String(20), default=COUNT)
    #: A registered count of victims, shown beside the estimate (the dark number).
    beside_estimate: Mapped[bool] = mapped_column(default=False)
    #: Set by a beheerder: which way is better ("meer", "minder"; "" = neither said), and
    #: an optional target value.
    direction: Mapped[str] = mapped_column(String(10), default="")
    target: Mapped[int | None]
    #: A part of another figure (its code), by one dimension ("Geslacht") as one part
    #: ("Vrouw"): shown under that figure, not on its own. "" for a figure of its own.
    breakdown_of: Mapped[str] = mapped_column(String(80), default="")
    breakdown: Mapped[str] = mapped_column(String(60), default="")
    part: Mapped[str] = mapped_column(String(80), default="")
    #: Chosen by the beheerder: shown in the RVO report.
    in_report: Mapped[bool] = mapped_column(default=False)
    position: Mapped[int] = mapped_column(default=0)

    values: Mapped[list[IndicatorValue]] = relationship(
        back_populates="indicator", order_by="IndicatorValue.year", cascade="all, delete-orphan"
    )
    #: The actions the figure informs, in every plan (``links_in`` picks one plan's).
    action_links: Mapped[list[IndicatorAction]] = relationship(
        back_populates="indicator", cascade="all, delete-orphan"
    )

    def links_in(self, plan_id: int | None) -> list[IndicatorAction]:
        """The links to actions of one plan, in the plan's order (none without a plan)."""
        found = [link for link in self.action_links if link.action.theme.plan_id == plan_id]
        return sorted(found, key=lambda link: (link.action.theme.number, link.action.number))


class IndicatorAction(db.Model):
    """An action a figure informs, and why (one line, reviewed against the plan's text). A
    link is to one action of one plan: adopting the next plan copies the links of the
    actions it carries on, so a renumbered action keeps its figures and the archive keeps
    its own (links by code pointed at whichever action had that number in the plan shown)."""

    __tablename__ = "indicator_action"
    __table_args__ = (UniqueConstraint("indicator_id", "action_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    indicator_id: Mapped[int] = mapped_column(ForeignKey("indicator.id", ondelete="CASCADE"))
    action_id: Mapped[int] = mapped_column(ForeignKey("action.id", ondelete="CASCADE"), index=True)
    reason: Mapped[str] = mapped_column(Text, default="")

    indicator: Mapped[Indicator] = relationship(back_populates="action_links")
    action: Mapped[Action] = relationship(lazy="joined")


class IndicatorValue(db.Model):
    __table_args__ = (UniqueConstraint("indicator_id", "year"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    indicator_id: Mapped[int] = mapped_column(ForeignKey("indicator.id"))
    year: Mapped[int]
    value: Mapped[int]
    #: The top of an estimate's range ("500 – 600": value 500, value_high 600).
    value_high: Mapped[int | None]
    #: Where the year was counted when that is not the indicator's area (the Meld- en
    #: adviespunt served the whole region only from June 2022); "" = the indicator's area.
    area: Mapped[str] = mapped_column(String(120), default="")
    #: Where it comes from: the monitor (e.g. "Mensenhandelmonitor 2022") and its section.
    monitor: Mapped[str] = mapped_column(String(120))
    section: Mapped[str] = mapped_column(String(200), default="")
    #: The monitor's own words that hold the number (seeded values; checked by a test).
    quote: Mapped[str] = mapped_column(Text, default="")
    #: The monitor's caveat, when it gives one.
    caveat: Mapped[str] = mapped_column(Text, default="")
    #: False when the monitor says this year cannot be compared with the year before.
    comparable: Mapped[bool] = mapped_column(default=True)
    #: Set when a beheerder entered or changed the value in the app; the seed loader then
    #: leaves it alone.
    edited_at: Mapped[datetime | None]
    edited_by_id: Mapped[int | None] = mapped_column(ForeignKey("user.id", ondelete="SET NULL"))

    indicator: Mapped[Indicator] = relationship(back_populates="values")
