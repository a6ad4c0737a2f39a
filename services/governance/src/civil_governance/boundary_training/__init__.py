"""Training batches for boundary-survey staff (界线勘测人员培训)."""
