"""Mesa agents: thin views over the model's arrays.

A :class:`Member` holds only its row number; every attribute reads or writes that row of the
model's :class:`~circlesim.state.MemberState`. So ``model.agents``, ``agents_by_type[Member]``,
``select`` and ``agg`` work as Mesa users expect, while the rules of a day run over whole
arrays (``rules.py``) with no per-member Python loop.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from mesa import Agent
from mesa.discrete_space import FixedAgent

if TYPE_CHECKING:
    from .model import CommunityModel

__all__ = ["Member", "Organiser"]


def _row_property(field: str, doc: str, cast=float):
    def getter(self: Member):
        return cast(getattr(self.model.state, field)[self.row])

    def setter(self: Member, value) -> None:
        getattr(self.model.state, field)[self.row] = value

    return property(getter, setter, doc=doc)


class Member(Agent):
    """A person who joined the group, fixed to its node of ``model.network``.

    ``cell`` is that node; the network is synchronised from the arrays when it is read.
    """

    _mesa_cell = None

    engagement = _row_property("engagement", "Emotional engagement e in [0, 1].")
    activity = _row_property("activity", "Activity propensity a (log-normal across members).")
    interest = _row_property("interest", "Interest on the topic circle [0, 1).")
    joined_step = _row_property("joined_step", "Day the member joined.", int)
    posts = _row_property("posts", "Posts written so far.", int)
    replies = _row_property("replies", "Replies written so far.", int)
    shares = _row_property("shares", "Shares to outside friends so far.", int)
    answers = _row_property("answers", "Complaints of others answered so far.", int)
    recruits = _row_property("recruits", "People who joined through this member's shares.", int)
    generation = _row_property("generation", "Depth in the recruitment tree (0 = invited).", int)
    person = _row_property("person", "Index of this person in the market.", int)
    complaint_open = _row_property("complaint_open", "Whether a complaint is waiting.", bool)
    tied_to_organiser = _row_property("organiser_tie", "Tied to the organiser.", bool)

    def __init__(self, model: CommunityModel, row: int, unique_id: int | None = None) -> None:
        super().__init__(model)
        if unique_id is not None:  # the id the model reserved when the member joined
            self.unique_id = unique_id
        self.row = row

    @property
    def cell(self):
        """This member's cell of ``model.network`` (None once it has left)."""
        if self._mesa_cell is None and self.model.member_at(self.row) is self:
            self.model.network  # brings the network (and this member's cell) up to date
        return self._mesa_cell

    def place(self, cell) -> None:
        """Put this member on ``cell`` of ``model.network`` (called when the network syncs)."""
        cell.add_agent(self)
        self._mesa_cell = cell

    def remove(self) -> None:
        """Leave the model; the network drops the cell at its next synchronisation."""
        super().remove()
        if self._mesa_cell is not None:
            self._mesa_cell.remove_agent(self)
            self._mesa_cell = None

    @property
    def recruiter(self) -> Member | None:
        """The member whose share brought this one in (None: invited, paid, or it left)."""
        return self.model.member_by_id(int(self.model.state.recruiter[self.row]))

    @property
    def value(self) -> float:
        """Value produced in the rolling window (posts + replies + shares + answers)."""
        return float(self.model.state.value_window[self.row])

    @property
    def is_newcomer(self) -> bool:
        return self.model.steps - self.joined_step < self.model.params.newcomer_days

    def __repr__(self) -> str:
        return f"Member(id={self.unique_id}, e={self.engagement:.2f}, posts={self.posts})"


class Organiser(FixedAgent):
    """The community builder, the network's centre (S2 §2: "the community builder and
    organizer is the centre of the community")."""

    def __init__(self, model: CommunityModel) -> None:
        super().__init__(model)
        self.posts = 0
        self.answers = 0
        self.invites = 0

    @property
    def active(self) -> bool:
        """False from ``organiser_stops_at`` on (0 = never stops)."""
        stop = self.model.params.organiser_stops_at
        return stop == 0 or self.model.steps < stop

    @property
    def degree(self) -> int:
        """Members tied to the organiser."""
        s = self.model.state
        return int((s.organiser_tie[: s.n] & s.alive[: s.n]).sum())

    def __repr__(self) -> str:
        return f"Organiser(id={self.unique_id}, active={self.active})"
