"""Households and their members, incomes and property (家庭与成员)."""
