"""Production-safety accidents (生产安全事故): grades under State Council Order 493 and GB 6441-86 kinds."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal
from enum import StrEnum

from shared.errors import Invalid, field_error

from ._time import require_aware


class AccidentGrade(StrEnum):
    """Accident grade, State Council Order 493 (2007) art. 3, highest first."""

    PARTICULARLY_SERIOUS = "particularly_serious"
    SERIOUS = "serious"
    LARGER = "larger"
    GENERAL = "general"

    @property
    def chinese_name(self) -> str:
        """The grade's legal name, e.g. 较大事故."""
        return _GRADE_NAMES[self]


_GRADE_NAMES = {
    AccidentGrade.PARTICULARLY_SERIOUS: "特别重大事故",
    AccidentGrade.SERIOUS: "重大事故",
    AccidentGrade.LARGER: "较大事故",
    AccidentGrade.GENERAL: "一般事故",
}


class AccidentKind(StrEnum):
    """The 20 accident categories of GB 6441-86 (企业职工伤亡事故分类), in the standard's order."""

    STRUCK_BY_OBJECT = "struck_by_object"
    VEHICLE = "vehicle"
    MECHANICAL_INJURY = "mechanical_injury"
    LIFTING = "lifting"
    ELECTROCUTION = "electrocution"
    DROWNING = "drowning"
    BURNS = "burns"
    FIRE = "fire"
    FALL_FROM_HEIGHT = "fall_from_height"
    COLLAPSE = "collapse"
    ROOF_FALL = "roof_fall"
    FLOODING = "flooding"
    BLASTING = "blasting"
    EXPLOSIVE_EXPLOSION = "explosive_explosion"
    GAS_EXPLOSION = "gas_explosion"
    BOILER_EXPLOSION = "boiler_explosion"
    VESSEL_EXPLOSION = "vessel_explosion"
    OTHER_EXPLOSION = "other_explosion"
    POISONING_ASPHYXIATION = "poisoning_asphyxiation"
    OTHER = "other"

    @property
    def chinese_name(self) -> str:
        """The category's name in GB 6441-86, e.g. 高处坠落."""
        return _KIND_NAMES[self]


_KIND_NAMES = dict(
    zip(
        AccidentKind,
        "物体打击 车辆伤害 机械伤害 起重伤害 触电 淹溺 灼烫 火灾 高处坠落 坍塌 冒顶片帮 透水 放炮 "
        "火药爆炸 瓦斯爆炸 锅炉爆炸 容器爆炸 其他爆炸 中毒和窒息 其他伤害".split(),
        strict=True,
    )
)


@dataclass(frozen=True)
class GradeThreshold:
    """The lowest counts at which an accident reaches ``grade``; any one criterion suffices."""

    grade: AccidentGrade
    deaths: int
    serious_injuries: int
    direct_loss: Decimal


@dataclass(frozen=True)
class AccidentGrading:
    """Rule data for grading: thresholds from the highest grade down; below them all, ``fallback``."""

    code: str
    version: int
    thresholds: tuple[GradeThreshold, ...]
    fallback: AccidentGrade


# Order 493 art. 3: "以上" includes the number, "以下" excludes it, so each threshold is a lower
# bound met with >= (3 deaths is larger, 10 deaths serious) and each range's top is exclusive.
ORDER_493 = AccidentGrading(
    code="state_council_order_493",
    version=1,
    thresholds=(
        GradeThreshold(AccidentGrade.PARTICULARLY_SERIOUS, 30, 100, Decimal("100000000")),
        GradeThreshold(AccidentGrade.SERIOUS, 10, 50, Decimal("50000000")),
        GradeThreshold(AccidentGrade.LARGER, 3, 10, Decimal("10000000")),
    ),
    fallback=AccidentGrade.GENERAL,
)


def _count_errors(deaths: int, serious_injuries: int, direct_loss: Decimal) -> list[dict[str, str]]:
    errors = [
        field_error(name, f"must be a whole number of zero or more, got {value!r}")
        for name, value in (("deaths", deaths), ("serious_injuries", serious_injuries))
        if isinstance(value, bool) or not isinstance(value, int) or value < 0
    ]
    if not isinstance(direct_loss, Decimal | int) or isinstance(direct_loss, bool):
        errors.append(field_error("direct_loss", f"must be a Decimal amount of yuan, got {direct_loss!r}"))
    elif not Decimal(direct_loss).is_finite() or direct_loss < 0:
        errors.append(field_error("direct_loss", f"must be zero or more yuan, got {direct_loss}"))
    return errors


def _raise(errors: list[dict[str, str]]) -> None:
    if errors:
        fields = ", ".join(e["field"] for e in errors)
        raise Invalid(f"invalid accident: {fields}", code="invalid_accident", errors=errors)


def accident_grade(
    deaths: int, serious_injuries: int, direct_loss: Decimal, rules: AccidentGrading = ORDER_493
) -> AccidentGrade:
    """The highest grade that any one of deaths, serious injuries or direct loss (yuan) reaches."""
    _raise(_count_errors(deaths, serious_injuries, direct_loss))
    for t in rules.thresholds:
        if deaths >= t.deaths or serious_injuries >= t.serious_injuries or direct_loss >= t.direct_loss:
            return t.grade
    return rules.fallback


def validate_accident(
    *,
    kind: AccidentKind,
    is_fire: bool,
    deaths: int,
    serious_injuries: int,
    direct_loss: Decimal,
    occurred_at: datetime,
    now: datetime,
) -> None:
    """Raise ``Invalid(code="invalid_accident")`` naming every field that breaks a rule."""
    errors = _count_errors(deaths, serious_injuries, direct_loss)
    # Kind fire implies is_fire; the converse does not hold: a fire's victims are often
    # classed by injury (burns, poisoning_asphyxiation), so is_fire may be true for other kinds.
    if kind == AccidentKind.FIRE and not is_fire:
        errors.append(field_error("is_fire", "must be true when kind is fire"))
    if require_aware(occurred_at, "occurred_at") > require_aware(now, "now"):
        errors.append(field_error("occurred_at", f"is in the future: {occurred_at.isoformat()}"))
    _raise(errors)
