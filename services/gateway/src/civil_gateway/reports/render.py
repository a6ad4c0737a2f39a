"""The annual report rendered from the dashboard: Markdown, HTML and DOCX from one text.

The text is one Jinja template (``templates/annual.md.j2``) in Markdown, whose
figures are the dashboard's indicators by key, formatted as the bureau's report
writes them (万元, 亿元, 元/人·月, growth in %). Its lines are read into blocks
(headings, notes, paragraphs); the HTML page (``annual.html.j2``, escaped) and
the Word document (python-docx) are made from the same blocks, so the three
formats never say different things. A figure the dashboard lacks (its service
was degraded) is written :data:`MISSING`.
"""

from __future__ import annotations

import io
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import timedelta, timezone
from decimal import ROUND_HALF_UP, Decimal
from typing import Final, Literal

import docx
import jinja2
from docx.oxml.ns import qn
from docx.shared import Pt

from civil_gateway.dashboard.catalogue import BY_KEY, Value
from civil_gateway.dashboard.schemas import Dashboard, Indicator
from civil_shared.types import TIANMEN, AreaCode

MISSING: Final = "（数据暂缺）"
BEIJING: Final = timezone(timedelta(hours=8))
BODY_FONT: Final = "宋体"

_ENVIRONMENTS: dict[str, jinja2.Environment] = {}


@dataclass(frozen=True, slots=True)
class Shown:
    """A figure as the template sees it: this year's value, its unit and growth."""

    value: Value | None
    unit: str = ""
    growth_pct: Decimal | None = None


@dataclass(frozen=True, slots=True)
class Block:
    kind: Literal["heading", "note", "paragraph"]
    text: str
    level: int = 0


# --- Figures as the report writes them -------------------------------------------------


def _plain(number: Decimal) -> str:
    """No exponent, no trailing zeros: 630, 12.5, 401.4142."""
    text = format(number, "f")
    return text.rstrip("0").rstrip(".") if "." in text else text


def _scaled(shown: Shown, divisor: int, places: int) -> str:
    if shown.value is None:
        return MISSING
    scaled = Decimal(shown.value) / divisor
    return _plain(scaled.quantize(Decimal(1).scaleb(-places), rounding=ROUND_HALF_UP))


def count(shown: Shown) -> str:
    return MISSING if shown.value is None else _plain(Decimal(shown.value))


def yuan(shown: Shown) -> str:
    return _scaled(shown, 1, 2)


def wan(shown: Shown, places: int = 2) -> str:
    """In 万 (10,000), as the report gives money, volunteers and hours."""
    return _scaled(shown, 10_000, places)


def yi(shown: Shown, places: int = 2) -> str:
    """In 亿 (100,000,000)."""
    return _scaled(shown, 100_000_000, places)


def standard(shown: Shown) -> str:
    """A standard with its unit: 630元/人·月."""
    return MISSING if shown.value is None else f"{yuan(shown)}{shown.unit}"


def growth(shown: Shown) -> str:
    return MISSING if shown.growth_pct is None else f"{_plain(shown.growth_pct)}%"


# --- The text --------------------------------------------------------------------------


def _environment(autoescape: bool) -> jinja2.Environment:
    key = "html" if autoescape else "text"
    if key not in _ENVIRONMENTS:
        environment = jinja2.Environment(
            loader=jinja2.PackageLoader("civil_gateway.reports", "templates"),
            autoescape=autoescape,  # noqa: S701 - Markdown is escaped in HTML, never served as it
            undefined=jinja2.StrictUndefined,
            trim_blocks=True,
            lstrip_blocks=True,
            keep_trailing_newline=True,
        )
        environment.filters.update(
            n=count, yuan=yuan, wan=wan, yi=yi, standard=standard, growth=growth
        )
        _ENVIRONMENTS[key] = environment
    return _ENVIRONMENTS[key]


def _figures(dashboard: Dashboard, area: AreaCode) -> Callable[[str], Shown]:
    found: dict[str, Indicator] = {i.key: i for i in dashboard.indicators if i.area_code == area}

    def fig(key: str) -> Shown:
        if key not in BY_KEY:
            raise KeyError(f"the report names an indicator the catalogue lacks: {key}")
        indicator = found.get(key)
        if indicator is None:
            return Shown(None)
        return Shown(indicator.value, indicator.unit, indicator.growth_pct)

    return fig


def _combined(values: Iterable[Value | None], sign: Iterable[int]) -> Shown:
    total = Decimal(0)
    for value, factor in zip(values, sign, strict=True):
        if value is None:
            return Shown(None)
        total += factor * Decimal(value)
    return Shown(total)


def markdown(dashboard: Dashboard, area: AreaCode | None) -> str:
    """The report in Markdown, for the city (``area`` None) or a township."""
    fig = _figures(dashboard, area or TIANMEN)
    labels = {s.service: s.label for s in dashboard.sources}
    template = _environment(autoescape=False).get_template("annual.md.j2")
    return template.render(
        year=dashboard.year,
        area_code=area,
        scope="本乡镇（街道）" if area else "全市",
        generated_at=dashboard.generated_at.astimezone(BEIJING).strftime("%Y年%m月%d日 %H:%M"),
        degraded=[f"{labels[name]}（{name}）" for name in dashboard.degraded],
        missing=MISSING,
        fig=fig,
        total=lambda *keys: _combined((fig(k).value for k in keys), (1,) * len(keys)),
        less=lambda a, b: _combined((fig(a).value, fig(b).value), (1, -1)),
    )


def blocks(text: str) -> list[Block]:
    """The Markdown's lines as blocks: ``#``-headings, ``>`` notes, paragraphs."""
    out: list[Block] = []
    for line in text.splitlines():
        line = line.strip()
        if not line:
            continue
        if line.startswith("#"):
            marks = len(line) - len(line.lstrip("#"))
            out.append(Block("heading", line[marks:].strip(), level=marks))
        elif line.startswith(">"):
            out.append(Block("note", line[1:].strip()))
        else:
            out.append(Block("paragraph", line))
    return out


def html(text: str) -> str:
    parts = blocks(text)
    title = next((b.text for b in parts if b.kind == "heading"), "工作情况报告")
    template = _environment(autoescape=True).get_template("annual.html.j2")
    return template.render(title=title, blocks=parts)


def word(text: str) -> bytes:
    """The report as a Word document (.docx), headings as Word headings."""
    document = docx.Document()
    for name in ("Normal", "Title", "Heading 1", "Heading 2"):
        style = document.styles[name]
        # Word picks a CJK font by the east-Asian slot, not by the font name.
        style.element.get_or_add_rPr().get_or_add_rFonts().set(qn("w:eastAsia"), BODY_FONT)
    document.styles["Normal"].font.size = Pt(12)
    for block in blocks(text):
        if block.kind == "heading":
            document.add_heading(block.text, level=block.level - 1)
        elif block.kind == "note":
            document.add_paragraph().add_run(block.text).italic = True
        else:
            paragraph = document.add_paragraph(block.text)
            paragraph.paragraph_format.first_line_indent = Pt(24)
    buffer = io.BytesIO()
    document.save(buffer)
    return buffer.getvalue()
