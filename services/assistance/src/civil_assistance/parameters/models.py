from civil_assistance.db import Base
from civil_assistance.parameters.keys import ParameterKey
from civil_shared.runtime.parameters import ParameterMixin


class AssistanceParameter(ParameterMixin, Base):
    __tablename__ = "assistance_parameter"
    __parameter_keys__ = ParameterKey
