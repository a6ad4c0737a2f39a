"""Volunteers (志愿服务): the register, organisations, activities, service hours,
their bulk import, certificates and the year's statistics."""
