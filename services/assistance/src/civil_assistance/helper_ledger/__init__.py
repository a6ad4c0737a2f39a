"""Named helpers for beneficiaries without a phone (帮扶人台账)."""
