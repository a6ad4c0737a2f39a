"""Social organisations (社会组织): the register, yearly inspections, illegal organisations."""
