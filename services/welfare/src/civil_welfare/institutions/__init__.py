"""Care institutions (养老机构、福利院), their ledger of disabled tekun residents
(失能特困人员台账) and closed-management periods (封闭管理)."""
