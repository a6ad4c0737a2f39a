"""Monthly disbursement runs: one payment line per enrolment, computed in SQL (资金发放)."""
