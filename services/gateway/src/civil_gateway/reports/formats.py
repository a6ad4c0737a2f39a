"""Which format the caller gets: ``format=`` if given, else its ``Accept`` header."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Final, Literal, get_args

from civil_shared.errors import AppError


class NotAcceptable(AppError):
    status = 406
    title = "Not acceptable"
    default_code = "GATEWAY_REPORT_FORMAT_NOT_ACCEPTABLE"
    default_detail = "不支持所要求的报告格式"


@dataclass(frozen=True, slots=True)
class ReportFormat:
    name: str  # format=
    media_type: str
    suffix: str


MARKDOWN: Final = ReportFormat("markdown", "text/markdown", "md")
HTML: Final = ReportFormat("html", "text/html", "html")
DOCX: Final = ReportFormat(
    "docx", "application/vnd.openxmlformats-officedocument.wordprocessingml.document", "docx"
)
#: In the order preferred when the caller likes several equally (``*/*``: Markdown).
FORMATS: Final = (MARKDOWN, HTML, DOCX)
#: The names ``format=`` takes: in the OpenAPI as an enum, so another name is a 422.
FormatName = Literal["markdown", "html", "docx", "md", "word"]
_BY_NAME: Final = {f.name: f for f in FORMATS} | {"md": MARKDOWN, "word": DOCX}
assert set(_BY_NAME) == set(get_args(FormatName))


def _not_acceptable(detail: str) -> NotAcceptable:
    return NotAcceptable(
        detail, available=[f.media_type for f in FORMATS], formats=[f.name for f in FORMATS]
    )


def _ranges(accept: str) -> list[tuple[str, str, float]]:
    """``Accept``'s media ranges as (type, subtype, q), parameters other than q ignored."""
    out = []
    for part in accept.split(","):
        fields = [f.strip() for f in part.split(";")]
        media = fields[0].lower()
        if "/" not in media:
            continue
        main, _, sub = media.partition("/")
        q = 1.0
        for parameter in fields[1:]:
            name, _, value = parameter.partition("=")
            if name.strip().lower() == "q":
                try:
                    q = float(value)
                except ValueError:
                    q = 0.0
        out.append((main, sub, q))
    return out


def _quality(fmt: ReportFormat, ranges: list[tuple[str, str, float]]) -> float:
    """q of the most specific range that matches ``fmt`` (RFC 9110 §12.5.1), 0 if none."""
    main, _, sub = fmt.media_type.partition("/")
    best: tuple[int, float] = (-1, 0.0)
    for r_main, r_sub, q in ranges:
        if (r_main, r_sub) == (main, sub):
            specificity = 2
        elif (r_main, r_sub) == (main, "*"):
            specificity = 1
        elif (r_main, r_sub) == ("*", "*"):
            specificity = 0
        else:
            continue
        if specificity > best[0]:
            best = (specificity, q)
    return best[1]


def choose(format_name: FormatName | None, accept: str | None) -> ReportFormat:
    """The format asked for by name, or the best the ``Accept`` header allows; 406 if none."""
    if format_name is not None:
        return _BY_NAME[format_name]
    if accept is None or not accept.strip():
        return MARKDOWN
    ranges = _ranges(accept)
    scored = [(_quality(f, ranges), -i, f) for i, f in enumerate(FORMATS)]
    q, _, best = max(scored, key=lambda s: (s[0], s[1]))
    if q <= 0:
        raise _not_acceptable(
            "报告只提供 Markdown（text/markdown）、HTML（text/html）和 Word（.docx）格式"
        )
    return best
