"""Blacklist (严重失信主体名单) rule sets as versioned data: situations, terms and repair periods."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from enum import StrEnum
from types import MappingProxyType


class AccidentGrade(StrEnum):
    """Accident grade under State Council Order 493 (特别重大/重大/较大/一般)."""

    PARTICULARLY_SERIOUS = "particularly_serious"
    SERIOUS = "serious"
    LARGER = "larger"
    GENERAL = "general"


@dataclass(frozen=True)
class Situation:
    """One listing situation (列入情形) of a rule set: a stable code and the rule's own words."""

    code: str
    text_zh: str


@dataclass(frozen=True)
class AccidentRule:
    """A listing situation that accident facts can show: enough accidents of some grades in a window."""

    situation: str
    grades: frozenset[AccidentGrade]
    min_count: int = 1
    window_months: int | None = None
    fatal_only: bool = False


@dataclass(frozen=True)
class BlacklistRuleSet:
    """A versioned blacklist rule: its situations, listing term, repeat term and repair period."""

    code: str
    version: int
    effective_from: date
    title: str
    basis: str
    situations: tuple[Situation, ...]
    term_months: int
    repeat_term_months: int | None
    repeat_window_months: int | None
    repair_min_months: int | None
    accident_rules: tuple[AccidentRule, ...] = ()
    hazard_situation: str | None = None

    def situation_codes(self) -> tuple[str, ...]:
        """The codes an officer may choose from, in the rule's order."""
        return tuple(situation.code for situation in self.situations)


_SERIOUS_OR_ABOVE = frozenset({AccidentGrade.PARTICULARLY_SERIOUS, AccidentGrade.SERIOUS})

# MEM Order No. 11 (2023), in force 2023-10-01. Its summary counts nine situations (five after an
# accident, four without one); these are the seven the design names. The other two go into a new
# version once their text is confirmed.
MEM_ORDER_11_2023 = BlacklistRuleSet(
    code="mem-order-11-2023",
    version=1,
    effective_from=date(2023, 10, 1),
    title="安全生产严重失信主体名单管理办法",
    basis="MEM Order No. 11 (2023) (应急管理部令第11号)",
    situations=(
        Situation("particularly_serious_or_serious_accident", "发生特别重大、重大生产安全事故"),
        Situation("two_larger_accidents_in_12_months", "12个月内累计发生2起以上较大生产安全事故"),
        Situation(
            "accident_fined_2_to_5x",
            "发生生产安全事故，情节特别严重、影响特别恶劣，依照《安全生产法》第一百一十四条被处以罚款数额2倍以上5倍以下罚款",
        ),
        Situation("concealed_or_false_accident_report", "瞒报、谎报生产安全事故"),
        Situation(
            "failed_rescue_or_absconded",
            "发生生产安全事故后，主要负责人不立即组织抢救，或者在事故调查处理期间擅离职守、逃匿",
        ),
        Situation(
            "unlicensed_or_suspended_operation",
            "未依法取得安全生产相关许可，或者在许可被暂扣、吊销期间从事相关生产经营活动",
        ),
        Situation(
            "service_institution_fraud",
            "承担安全评价、认证、检测、检验职责的机构租借资质、挂靠、出具虚假报告或者证书",
        ),
    ),
    # Managed for 3 years; early removal (信用修复) may be applied for after 12 months listed.
    term_months=36,
    repeat_term_months=None,
    repeat_window_months=None,
    repair_min_months=12,
    accident_rules=(
        AccidentRule("particularly_serious_or_serious_accident", _SERIOUS_OR_ABOVE),
        AccidentRule(
            "two_larger_accidents_in_12_months",
            frozenset({AccidentGrade.LARGER}),
            min_count=2,
            window_months=12,
        ),
    ),
)

# SAWS General Office 2017 No. 49, of 2017-05-09, as still copied locally. Its situations are the
# ten of art. 2 (the first split in two), the list local rules use for the blacklist.
# Terms: the notice manages a listing for 1 year from publication. The 3-year term for a second
# listing comes from the design and from local copies (Tianjin: first listing 1 year, a consecutive
# one 3 years), not from the notice's text as we have it; "consecutive" (连续) is read as a new
# listing within 12 months of an earlier one, i.e. while the earlier 1-year listing still runs.
# Unsure: a local copy may use a longer window.
# Proposals follow art. 2(1): one larger-or-worse accident, or 3 fatal general ones in a year.
# Repair: none. The notice only removes a listing at the end of its year, on an application made
# in the 30 days before, so there is no early removal to allow.
SAWS_2017_49 = BlacklistRuleSet(
    code="saws-2017-49",
    version=1,
    effective_from=date(2017, 5, 9),
    title="对安全生产领域失信行为开展联合惩戒的实施办法",
    basis="SAWS General Office 2017 No. 49 (安监总办〔2017〕49号)",
    situations=(
        Situation("larger_or_above_accident", "发生较大及以上生产安全责任事故"),
        Situation(
            "three_fatal_general_accidents_in_year",
            "1年内累计发生3起及以上造成人员死亡的一般生产安全责任事故",
        ),
        Situation("unlicensed_operation", "未按规定取得安全生产许可，擅自开展生产经营建设活动"),
        Situation(
            "major_hazard_unrectified_while_operating",
            "发现重大生产安全事故隐患或职业病危害严重超标，不及时整改，仍组织从业人员冒险作业",
        ),
        Situation("evading_supervision", "采取隐蔽、欺骗或阻碍等方式逃避、对抗安全监管监察"),
        Situation("operating_while_ordered_to_suspend", "被责令停产停业整顿，仍然从事生产经营建设活动"),
        Situation("concealed_false_or_late_accident_report", "瞒报、谎报、迟报生产安全事故"),
        Situation(
            "unaccepted_safety_facilities_in_use",
            "矿山、危险化学品、金属冶炼等高危行业建设项目安全设施未经验收合格即投入生产和使用",
        ),
        Situation("mining_beyond_boundaries", "矿山生产经营单位超层越界开采、以探代采"),
        Situation(
            "obstructing_investigation_or_absconded",
            "发生事故后故意破坏事故现场、伪造有关证据资料，妨碍、对抗事故调查，或主要负责人逃逸",
        ),
        Situation(
            "service_institution_fraud",
            "安全生产和职业健康技术服务机构出具虚假报告或证明，违规转让或出借资质",
        ),
    ),
    term_months=12,
    repeat_term_months=36,
    repeat_window_months=12,
    repair_min_months=None,
    accident_rules=(
        AccidentRule("larger_or_above_accident", _SERIOUS_OR_ABOVE | {AccidentGrade.LARGER}),
        AccidentRule(
            "three_fatal_general_accidents_in_year",
            frozenset({AccidentGrade.GENERAL}),
            min_count=3,
            window_months=12,
            fatal_only=True,
        ),
    ),
    hazard_situation="major_hazard_unrectified_while_operating",
)

RULE_SETS = MappingProxyType({rs.code: rs for rs in (MEM_ORDER_11_2023, SAWS_2017_49)})
DEFAULT_RULE_SET = MEM_ORDER_11_2023
