from civil_shared.runtime.parameters import parameter_router
from civil_welfare.parameters.service import store

router = parameter_router(store)
