import pytest

from services.registry.domain.reviews import ASSESSMENT, PROPOSAL, REPAIR_APPLICATION, check_four_eyes
from shared.errors import Conflict, Forbidden


@pytest.mark.parametrize(
    ("lifecycle", "state", "action", "target"),
    [
        (ASSESSMENT, "submitted", "approve", "effective"),
        (ASSESSMENT, "submitted", "reject", "rejected"),
        (REPAIR_APPLICATION, "submitted", "approve", "approved"),
        (REPAIR_APPLICATION, "submitted", "reject", "rejected"),
        (REPAIR_APPLICATION, "approved", "revoke", "revoked"),
        (PROPOSAL, "pending", "accept", "accepted"),
        (PROPOSAL, "pending", "dismiss", "dismissed"),
    ],
)
def test_legal_moves(lifecycle, state, action, target):
    assert lifecycle.next(state, action) == target


@pytest.mark.parametrize(
    ("lifecycle", "state", "action", "allowed"),
    [
        (ASSESSMENT, "effective", "approve", []),
        (ASSESSMENT, "rejected", "reject", []),
        (REPAIR_APPLICATION, "submitted", "revoke", ["approve", "reject"]),
        (REPAIR_APPLICATION, "revoked", "revoke", []),
        (PROPOSAL, "accepted", "dismiss", []),
    ],
)
def test_illegal_moves_name_the_state_and_the_allowed_ones(lifecycle, state, action, allowed):
    with pytest.raises(Conflict) as exc:
        lifecycle.next(state, action)
    assert exc.value.code == "invalid_transition"
    assert exc.value.extra == {"state": state, "allowed": allowed}


def test_the_author_may_not_decide():
    check_four_eyes("officer-a", "officer-b")
    with pytest.raises(Forbidden) as exc:
        check_four_eyes("officer-a", "officer-a")
    assert exc.value.code == "four_eyes"
