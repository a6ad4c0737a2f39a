"""Path convertors the services' routes use beside Starlette's own (``uuid``, ``int``).

``{code:area}`` matches an area code's shape only (6, 9 or 12 digits), so a literal
path beside an area-code path (``/divisions/tree`` beside ``/divisions/{code}``) is
never taken for a code: a method the literal path lacks is its 405, not a 422 of
a code "tree". The OpenAPI path keeps its plain ``{code}``, and the parameter's
type (:class:`~civil_shared.types.AreaCode`) still validates what the shape lets
through.

Registered when :mod:`civil_shared.runtime` is first imported, which every router
does before it declares a route.
"""

from typing import ClassVar, Final

from starlette.convertors import Convertor, register_url_convertor

#: The convertor's name in a path: ``"/{code:area}"``.
AREA: Final = "area"


class AreaCodeConvertor(Convertor[str]):
    regex: ClassVar[str] = r"[0-9]{12}|[0-9]{9}|[0-9]{6}"

    def convert(self, value: str) -> str:
        return value

    def to_string(self, value: str) -> str:
        return str(value)


register_url_convertor(AREA, AreaCodeConvertor())
