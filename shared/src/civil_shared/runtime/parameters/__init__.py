"""Policy parameters: locally set rules stored by year and area, edited through the API.

A service declares its keys (a :class:`PolicyKey` enum: value, unit, Chinese
label and rules), a table (:class:`ParameterMixin`), a :class:`ParameterStore`
over both and mounts :func:`parameter_router`. Everything else (validation,
CRUD with ETags, the look-up by year and most specific area, the problems) lives here once.
"""

from civil_shared.runtime.parameters.keys import ParameterUnit, PolicyKey
from civil_shared.runtime.parameters.models import ParameterMixin
from civil_shared.runtime.parameters.router import parameter_router
from civil_shared.runtime.parameters.store import ParameterStore

__all__ = ["ParameterMixin", "ParameterStore", "ParameterUnit", "PolicyKey", "parameter_router"]
