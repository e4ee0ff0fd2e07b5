"""Money: yuan as decimal strings at the edges, whole fen (cents) in the database so sums are exact."""

from __future__ import annotations

from decimal import Decimal

from shared.errors import Invalid, field_error

_CENT = Decimal("0.01")


def to_fen(amount: Decimal, field: str) -> int:
    """Whole fen of an amount of yuan; Invalid when it has fractions of a fen."""
    if not amount.is_finite() or amount != amount.quantize(_CENT):
        raise Invalid(
            f"{field} must be yuan with at most 2 decimals, got {amount}",
            code="invalid_amount",
            errors=[field_error(field, "at most 2 decimals")],
        )
    return int(amount * 100)


def yuan(fen: int) -> str:
    """An amount in fen as a yuan decimal string with 2 decimals: 1734060000 -> '17340600.00'."""
    return str((Decimal(int(fen)) / 100).quantize(_CENT))


def from_fen(fen: int) -> Decimal:
    """An amount in fen as Decimal yuan with 2 decimals."""
    return (Decimal(int(fen)) / 100).quantize(_CENT)
