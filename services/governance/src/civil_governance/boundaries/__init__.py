"""Township boundary lines (乡镇界线): survey, verification records and disputes."""
