"""The welfare parameters' store; ``parameter_value`` is what the rules read."""

from civil_shared.runtime.parameters import ParameterStore
from civil_welfare.parameters.keys import ParameterKey
from civil_welfare.parameters.models import WelfareParameter

store = ParameterStore(WelfareParameter, ParameterKey, code_prefix="WELFARE")
find_parameter = store.find
parameter_value = store.value
