"""Enrolments: who is in dibao or tekun, from when, for how much (在保对象)."""
