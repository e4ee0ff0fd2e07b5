"""The three indicators (三项指标) year on year, and the due-rectification rate (到期整改率)."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal

from shared.errors import Invalid, field_error

HUNDRED = Decimal(100)
CENT = Decimal("0.01")


def _percent(numerator: Decimal, denominator: Decimal) -> Decimal:
    # ROUND_HALF_UP rounds halves away from zero, as statistical bulletins do: -9.585 -> -9.59.
    return (numerator / denominator * HUNDRED).quantize(CENT, rounding=ROUND_HALF_UP)


def _non_negative(**values: Decimal | int) -> None:
    errors = [
        field_error(name, f"must be a finite figure of zero or more, got {value}")
        for name, value in values.items()
        if not Decimal(value).is_finite() or value < 0
    ]
    if errors:
        raise Invalid(
            f"negative or non-finite figure: {', '.join(e['field'] for e in errors)}",
            code="negative_figure",
            errors=errors,
        )


def change_percent(current: Decimal | int, previous: Decimal | int) -> Decimal | None:
    """(current - previous) / previous * 100 with 2 decimals, half up; None when previous is 0."""
    _non_negative(current=current, previous=previous)
    if previous == 0:
        return None
    return _percent(Decimal(current) - Decimal(previous), Decimal(previous))


def _share(part: tuple[str, int], whole: tuple[str, int]) -> Decimal | None:
    """``part / whole`` in percent with 2 decimals (None when the whole is 0); each given as (name, count)."""
    (part_name, part_n), (whole_name, whole_n) = part, whole
    _non_negative(**{part_name: part_n, whole_name: whole_n})
    if part_n > whole_n:
        raise Invalid(
            f"{part_name} ({part_n}) cannot exceed {whole_name} ({whole_n})",
            code="invalid_counts",
            errors=[field_error(part_name, f"must not exceed {whole_name} ({whole_n})")],
        )
    return None if whole_n == 0 else _percent(Decimal(part_n), Decimal(whole_n))


def rectification_rate(rectified: int, found: int) -> Decimal | None:
    """Hazards found in a period and rectified (closed) by its end / hazards found, percent with 2
    decimals; None when none was found. A programme's figure (e.g. 1,665 of 1,710 -> 97.37)."""
    return _share(("rectified", rectified), ("found", found))


def due_rectification_rate(closed_on_time: int, due: int) -> Decimal | None:
    """Hazards closed by their deadline / hazards due, percent with 2 decimals; None when none was due."""
    return _share(("closed_on_time", closed_on_time), ("due", due))


@dataclass(frozen=True)
class ThreeIndicators:
    """One period's accident count, deaths and direct economic loss (yuan)."""

    accidents: int
    deaths: int
    direct_loss: Decimal


def year_on_year(current: ThreeIndicators, previous: ThreeIndicators) -> dict[str, Decimal | None]:
    """The change percent of each indicator, keyed as in the accident stats contract."""
    return {
        "accidents": change_percent(current.accidents, previous.accidents),
        "deaths": change_percent(current.deaths, previous.deaths),
        "direct_loss": change_percent(current.direct_loss, previous.direct_loss),
    }
