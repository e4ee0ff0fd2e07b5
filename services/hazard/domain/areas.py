"""Areas for the hazard rules: the division-code ranges of :mod:`shared.areas`."""

from shared.areas import ancestors, division_covers, division_prefix, division_range, validate_division_code

__all__ = ["ancestors", "division_covers", "division_prefix", "division_range", "validate_division_code"]
