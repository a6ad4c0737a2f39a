"""Orphans (孤儿): scattered or raised in an institution, with the monthly allowance by year."""
