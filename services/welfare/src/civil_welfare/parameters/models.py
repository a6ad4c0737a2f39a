from civil_shared.runtime.parameters import ParameterMixin
from civil_welfare.db import Base
from civil_welfare.parameters.keys import ParameterKey


class WelfareParameter(ParameterMixin, Base):
    __tablename__ = "welfare_parameter"
    __parameter_keys__ = ParameterKey
