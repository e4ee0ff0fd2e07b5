"""Decisions officers take on what others submit: assessments, repair applications, listing proposals."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

from shared.errors import Conflict, Forbidden


@dataclass(frozen=True)
class Lifecycle:
    """The states of one kind of submission and the decisions that move it."""

    name: str
    moves: Mapping[str, Mapping[str, str]]

    def allowed(self, state: str) -> list[str]:
        """The decisions a submission in ``state`` accepts."""
        return list(self.moves.get(state, {}))

    def next(self, state: str, action: str) -> str:
        """The state after ``action``, or ``Conflict(code="invalid_transition")`` naming the allowed ones."""
        target = self.moves.get(state, {}).get(action)
        if target is None:
            allowed = self.allowed(state)
            raise Conflict(
                f"cannot {action} a {self.name} that is {state}; allowed: {', '.join(allowed) or 'none'}",
                code="invalid_transition",
                state=state,
                allowed=allowed,
            )
        return target


ASSESSMENT = Lifecycle(
    "assessment",
    {"submitted": {"approve": "effective", "reject": "rejected"}, "effective": {}, "rejected": {}},
)
#: An approved repair that is found to rest on false statements is revoked (the listing returns).
REPAIR_APPLICATION = Lifecycle(
    "repair application",
    {"submitted": {"approve": "approved", "reject": "rejected"}, "approved": {"revoke": "revoked"}},
)
PROPOSAL = Lifecycle("proposal", {"pending": {"accept": "accepted", "dismiss": "dismissed"}})


def check_four_eyes(author: str, decider: str, what: str = "assessment") -> None:
    """A second officer decides (四眼原则): the author of a submission may not decide it."""
    if author == decider:
        raise Forbidden(f"the author of an {what} may not decide it; a second officer must", code="four_eyes")
