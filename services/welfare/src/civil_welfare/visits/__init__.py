"""Visits (探访、走访) of left-behind elderly and of left-behind and hardship children:
the visit log, the round's schedule (next visit due, due and overdue lists) and a
summary by township."""
