"""How much a household or person is entitled to: pure functions (待遇计算)."""
