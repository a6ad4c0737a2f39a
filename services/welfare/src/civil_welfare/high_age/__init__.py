"""High-age allowance (高龄津贴): the recipients register, the tiers by age, the monthly lines."""
