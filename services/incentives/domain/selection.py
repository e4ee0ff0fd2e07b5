"""Which joint measures apply to an enterprise's standing."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date

from .measures import BLACKLIST, HONOUR_ROLL, Domain, Measure
from .standing import Standing


def targets_of(standing: Standing) -> frozenset[str]:
    """The catalogue targets a standing matches ("A".."D", "blacklist", "honour_roll")."""
    # A listed enterprise stands outside the four classes (domain.md): its class and any honour
    # roll are set aside, not combined with the listing, until the listing ends.
    if standing.blacklisted:
        return frozenset({BLACKLIST})
    targets = set()
    if standing.credit_class is not None:
        targets.add(standing.credit_class)
    if standing.honour_roll:
        targets.add(HONOUR_ROLL)
    return frozenset(targets)


def applicable_measures(
    standing: Standing,
    catalogue: Iterable[Measure],
    on: date,
    domains: frozenset[Domain] | None = None,
) -> list[Measure]:
    """The measures in force on a day that target the standing, limited to some domains, by code."""
    targets = targets_of(standing)
    return sorted(
        (
            m
            for m in catalogue
            if m.applies_to & targets and m.in_force_on(on) and (domains is None or m.domain in domains)
        ),
        key=lambda m: m.code,
    )


def measure_changes(before: set[str], after: set[str]) -> tuple[set[str], set[str]]:
    """Measure codes to push (newly applicable) and to lift (no longer applicable)."""
    return after - before, before - after
