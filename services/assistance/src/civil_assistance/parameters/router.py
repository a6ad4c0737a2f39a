from civil_assistance.parameters.service import store
from civil_shared.runtime.parameters import parameter_router

router = parameter_router(store)
