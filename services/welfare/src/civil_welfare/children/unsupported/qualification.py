"""Who is a de facto unsupported child (事实无人抚养儿童): the rule, as a pure function.

关于进一步加强事实无人抚养儿童保障工作的意见 (民发〔2019〕62号): a child whose
parents **both** are in one of the states below, or one of whose parents is
**dead or missing** (死亡、失踪) while the other is in one of them:

- severely disabled (重残): disability grade 1–2 of any category, or grade 3–4 of the
  intellectual or mental category;
- seriously ill (重病);
- serving a prison sentence (服刑在押);
- in compulsory isolated drug rehabilitation (强制隔离戒毒);
- under another measure restricting personal freedom (被执行其他限制人身自由的措施,
  e.g. detention);
- out of contact (失联) for at least ``parent_missing_min_months`` months (default 6).

A child whose parents are both dead or missing is an orphan, not de facto
unsupported. Out-of-contact months are whole months counted like an age: since
15 January, the sixth month is complete on 15 July; since 31 August, it is
complete on 1 March (there is no 31 February), as with a 29 February birthday.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from enum import StrEnum

from civil_shared.types import DisabilityCategory


class ParentState(StrEnum):
    """normal 正常（能履行抚养义务）; dead 死亡; missing 失踪（宣告失踪或查找不到）;
    disabled 残疾（须填类别和等级）; seriously_ill 重病; imprisoned 服刑在押;
    compulsory_rehabilitation 强制隔离戒毒; detained 被执行其他限制人身自由的措施;
    out_of_contact 失联（须填失联起始日期）."""

    NORMAL = "normal"  # 正常
    DEAD = "dead"  # 死亡
    MISSING = "missing"  # 失踪
    DISABLED = "disabled"  # 残疾
    SERIOUSLY_ILL = "seriously_ill"  # 重病
    IMPRISONED = "imprisoned"  # 服刑在押
    COMPULSORY_REHABILITATION = "compulsory_rehabilitation"  # 强制隔离戒毒
    DETAINED = "detained"  # 被执行其他限制人身自由的措施
    OUT_OF_CONTACT = "out_of_contact"  # 失联


#: Gone for good: with the other parent unable to care, the child qualifies.
GONE = frozenset({ParentState.DEAD, ParentState.MISSING})
#: States that qualify whatever else is recorded.
ALWAYS_UNABLE = frozenset(
    {
        ParentState.SERIOUSLY_ILL,
        ParentState.IMPRISONED,
        ParentState.COMPULSORY_REHABILITATION,
        ParentState.DETAINED,
    }
)
#: Categories whose grade 3–4 still counts as severe (重残).
MENTAL_OR_INTELLECTUAL = frozenset({DisabilityCategory.INTELLECTUAL, DisabilityCategory.MENTAL})


@dataclass(frozen=True, slots=True)
class ParentSituation:
    """What is recorded of one parent. Disability needs category and grade; out of
    contact needs the date contact was lost."""

    state: ParentState
    disability_category: DisabilityCategory | None = None
    disability_grade: int | None = None
    out_of_contact_since: date | None = None


class Outcome(StrEnum):
    """qualifies 符合事实无人抚养儿童认定条件; orphan 父母均死亡或失踪，应按孤儿保障;
    not_qualified 不符合."""

    QUALIFIES = "qualifies"
    ORPHAN = "orphan"
    NOT_QUALIFIED = "not_qualified"


@dataclass(frozen=True, slots=True)
class Qualification:
    outcome: Outcome
    father_unable: bool
    mother_unable: bool
    #: Why, in Chinese, one line per parent and one for the result.
    reasons: tuple[str, ...]

    @property
    def qualifies(self) -> bool:
        return self.outcome is Outcome.QUALIFIES


def whole_months(since: date, on: date) -> int:
    """Whole months from ``since`` to ``on`` (0 when ``on`` is not after ``since``)."""
    if on <= since:
        return 0
    months = (on.year - since.year) * 12 + on.month - since.month
    if on.day < since.day:
        months -= 1
    return months


def is_severely_disabled(category: DisabilityCategory | None, grade: int | None) -> bool:
    """重残: grade 1–2 of any category, or 3–4 of the intellectual or mental category."""
    if category is None or grade is None:
        return False
    if grade in (1, 2):
        return True
    return grade in (3, 4) and category in MENTAL_OR_INTELLECTUAL


def unable_to_care(parent: ParentSituation, on: date, min_months_out_of_contact: int) -> bool:
    """Whether a living parent is in one of the states that count (重残、重病、服刑在押、
    强制隔离戒毒、限制人身自由、失联满期)."""
    if parent.state in ALWAYS_UNABLE:
        return True
    if parent.state is ParentState.DISABLED:
        return is_severely_disabled(parent.disability_category, parent.disability_grade)
    if parent.state is ParentState.OUT_OF_CONTACT:
        since = parent.out_of_contact_since
        return since is not None and whole_months(since, on) >= min_months_out_of_contact
    return False


def _describe(label: str, parent: ParentSituation, unable: bool, on: date, months: int) -> str:
    state = parent.state
    if state in GONE:
        return f"{label}{'死亡' if state is ParentState.DEAD else '失踪'}"
    if state is ParentState.OUT_OF_CONTACT and parent.out_of_contact_since is not None:
        lost = whole_months(parent.out_of_contact_since, on)
        verdict = "满" if unable else "不满"
        return f"{label}失联 {lost} 个月（{verdict} {months} 个月）"
    if state is ParentState.DISABLED:
        grade = parent.disability_grade
        verdict = "属重残" if unable else "不属重残（须一、二级，或三、四级智力、精神残疾）"
        category = parent.disability_category
        kind = _CATEGORY_LABELS[category] if category is not None else ""
        return f"{label}{kind}残疾{grade}级，{verdict}"
    if unable:
        return f"{label}{_LABELS[state]}，无法履行抚养义务"
    return f"{label}能够履行抚养义务"


_CATEGORY_LABELS = {
    DisabilityCategory.VISUAL: "视力",
    DisabilityCategory.HEARING: "听力",
    DisabilityCategory.SPEECH: "言语",
    DisabilityCategory.PHYSICAL: "肢体",
    DisabilityCategory.INTELLECTUAL: "智力",
    DisabilityCategory.MENTAL: "精神",
    DisabilityCategory.MULTIPLE: "多重",
}
_LABELS = {
    ParentState.SERIOUSLY_ILL: "重病",
    ParentState.IMPRISONED: "服刑在押",
    ParentState.COMPULSORY_REHABILITATION: "强制隔离戒毒",
    ParentState.DETAINED: "被执行限制人身自由的措施",
}


def qualify(
    father: ParentSituation,
    mother: ParentSituation,
    on: date,
    min_months_out_of_contact: int,
) -> Qualification:
    """The rule applied on ``on`` (the day of the assessment)."""
    father_unable = unable_to_care(father, on, min_months_out_of_contact)
    mother_unable = unable_to_care(mother, on, min_months_out_of_contact)
    father_gone, mother_gone = father.state in GONE, mother.state in GONE
    reasons = [
        _describe("父亲", father, father_unable, on, min_months_out_of_contact),
        _describe("母亲", mother, mother_unable, on, min_months_out_of_contact),
    ]
    if father_gone and mother_gone:
        outcome = Outcome.ORPHAN
        reasons.append("父母均死亡或失踪：属孤儿，应按孤儿保障")
    elif (father_unable or father_gone) and (mother_unable or mother_gone):
        outcome = Outcome.QUALIFIES
        reasons.append("符合事实无人抚养儿童认定条件")
    else:
        outcome = Outcome.NOT_QUALIFIED
        reasons.append("不符合：须父母双方均无法履行抚养义务，或一方死亡、失踪且另一方无法履行")
    return Qualification(
        outcome=outcome,
        father_unable=father_unable,
        mother_unable=mother_unable,
        reasons=tuple(reasons),
    )
