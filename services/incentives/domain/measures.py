"""The catalogue of joint incentive and restriction measures (联合奖惩措施)."""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date
from enum import StrEnum
from typing import TypeVar

from shared.errors import Invalid, field_error


class Domain(StrEnum):
    """The partner field a measure belongs to (评优, 贷款, 用电, 用地, 缴税, ...)."""

    AWARDS = "awards"
    LOANS = "loans"
    ELECTRICITY = "electricity"
    LAND = "land"
    TAX = "tax"
    PROCUREMENT = "procurement"
    SUBSIDIES = "subsidies"
    INSURANCE = "insurance"


class MeasureKind(StrEnum):
    """Incentive for the trustworthy (守信激励) or restriction for the untrustworthy (失信惩戒)."""

    INCENTIVE = "incentive"
    RESTRICTION = "restriction"


CREDIT_CLASSES = frozenset({"A", "B", "C", "D"})
BLACKLIST = "blacklist"
HONOUR_ROLL = "honour_roll"
TARGETS = CREDIT_CLASSES | {BLACKLIST, HONOUR_ROLL}

# Rewarding a listed or D-class enterprise, or restricting an A-class or honour-roll one, would
# contradict the measure's own kind; B and C may carry either.
_FORBIDDEN_TARGETS = {
    MeasureKind.INCENTIVE: frozenset({"D", BLACKLIST}),
    MeasureKind.RESTRICTION: frozenset({"A", HONOUR_ROLL}),
}
_CODE = re.compile(r"^[a-z][a-z0-9_]*\.[a-z][a-z0-9_]*$")


@dataclass(frozen=True)
class Measure:
    """One joint measure: who it targets, what it says and on what legal basis."""

    code: str
    domain: Domain
    kind: MeasureKind
    applies_to: frozenset[str]
    text: str
    basis: str
    valid_from: date
    valid_to: date | None = None

    def in_force_on(self, on: date) -> bool:
        """Whether the measure is valid on a day (both ends inclusive)."""
        return self.valid_from <= on and (self.valid_to is None or on <= self.valid_to)


def validate_measure(
    *,
    code: str,
    domain: str,
    kind: str,
    applies_to: Iterable[str],
    text: str,
    basis: str,
    valid_from: date,
    valid_to: date | None = None,
) -> Measure:
    """Build a measure from raw values, or raise Invalid listing every broken field."""
    errors: list[dict[str, str]] = []
    domain_value = _enum_or_error(Domain, domain, "domain", errors)
    kind_value = _enum_or_error(MeasureKind, kind, "kind", errors)
    targets = frozenset(applies_to)

    if not _CODE.match(code or ""):
        errors.append(field_error("code", "must look like 'domain.name' in lower snake_case"))
    elif domain_value is not None and code.split(".", 1)[0] != domain_value:
        errors.append(field_error("code", f"must start with its domain '{domain_value}.'"))
    if not targets:
        errors.append(field_error("applies_to", "must name at least one target"))
    unknown = sorted(targets - TARGETS)
    if unknown:
        errors.append(field_error("applies_to", f"unknown targets: {', '.join(unknown)}"))
    if kind_value is not None:
        contradictory = sorted(targets & _FORBIDDEN_TARGETS[kind_value])
        if contradictory:
            errors.append(field_error("applies_to", f"a {kind_value} cannot target {', '.join(contradictory)}"))
    if not (text or "").strip():
        errors.append(field_error("text", "must not be empty"))
    if not (basis or "").strip():
        errors.append(field_error("basis", "must name the legal basis"))
    if valid_to is not None and valid_to < valid_from:
        errors.append(field_error("valid_to", "must not be before valid_from"))

    if errors:
        raise Invalid("the measure is invalid", code="invalid_measure", errors=errors)
    assert domain_value is not None and kind_value is not None
    return Measure(
        code=code,
        domain=domain_value,
        kind=kind_value,
        applies_to=targets,
        text=text.strip(),
        basis=basis.strip(),
        valid_from=valid_from,
        valid_to=valid_to,
    )


_E = TypeVar("_E", bound=StrEnum)


def _enum_or_error(enum: type[_E], value: str, field: str, errors: list) -> _E | None:
    try:
        return enum(value)
    except ValueError:
        allowed = ", ".join(member.value for member in enum)
        errors.append(field_error(field, f"unknown {field} '{value}'; one of: {allowed}"))
        return None


_REWARD_BASIS = (
    "《对安全生产领域守信行为开展联合激励的实施办法》（安监总办〔2017〕133号）；"
    "浙江省人民政府《关于进一步加强企业安全生产工作的实施意见》（2010年）"
)
_RESTRICTION_BASIS = (
    "《关于对安全生产领域失信生产经营单位及其有关人员开展联合惩戒的合作备忘录》"
    "（发改财金〔2016〕1001号，18部门）；"
    "浙江省人民政府《关于进一步加强企业安全生产工作的实施意见》（2010年）"
)
_MEMORANDUM_BASIS = (
    "《关于对安全生产领域失信生产经营单位及其有关人员开展联合惩戒的合作备忘录》（发改财金〔2016〕1001号，18部门）"
)
# The catalogue as one whole is in force from the day its latest basis was issued (2017-12-07).
_SEED_FROM = date(2017, 12, 7)
_REWARD_TARGETS = frozenset({"A", HONOUR_ROLL})
_RESTRICTION_TARGETS = frozenset({"D", BLACKLIST})


def _seed(code: str, kind: MeasureKind, text: str, basis: str | None = None) -> Measure:
    incentive = kind is MeasureKind.INCENTIVE
    return Measure(
        code=code,
        domain=Domain(code.split(".")[0]),
        kind=kind,
        applies_to=_REWARD_TARGETS if incentive else _RESTRICTION_TARGETS,
        text=text,
        basis=basis or (_REWARD_BASIS if incentive else _RESTRICTION_BASIS),
        valid_from=_SEED_FROM,
    )


_INC, _RES = MeasureKind.INCENTIVE, MeasureKind.RESTRICTION
SEED_MEASURES: tuple[Measure, ...] = (
    _seed("awards.priority", _INC, "各类评优评先、表彰奖励中同等条件下优先考虑"),
    _seed("awards.veto", _RES, "各类评优评先、表彰奖励实行“一票否决”，不得参评", _MEMORANDUM_BASIS),
    _seed("loans.preferential_review", _INC, "贷款审核时作为守信的重要参考，在授信额度、利率等方面优先支持"),
    _seed("loans.restricted_credit", _RES, "将失信状况作为授信审核的重要参考，从严审核贷款，限制新增授信"),
    _seed("electricity.capacity_favoured", _INC, "用电增容、扩容申请优先予以支持"),
    _seed("electricity.capacity_restricted", _RES, "用电增容、扩容申请从严审查，依法予以限制"),
    _seed("land.supply_favoured", _INC, "用地申请同等条件下优先予以支持"),
    _seed("land.supply_restricted", _RES, "依法限制取得政府供应土地"),
    _seed("tax.credit_rating_reference", _RES, "作为纳税信用等级评定的参考，依法加强税收征管", _MEMORANDUM_BASIS),
    _seed("procurement.priority", _INC, "政府采购活动中同等条件下优先考虑"),
    _seed("procurement.barred", _RES, "依法限制参加政府采购活动"),
    _seed("subsidies.priority", _INC, "申报政府专项资金、补助补贴时优先支持"),
    _seed("subsidies.restricted", _RES, "从严审核并限制申请政府专项资金、补助补贴"),
    _seed("insurance.premium_favoured", _INC, "安全生产责任保险费率及赔付比例给予优惠"),
    _seed("insurance.higher_premium", _RES, "上浮安全生产责任保险费率"),
)
