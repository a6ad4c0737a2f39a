"""Urban communities and villages, their three councils and their covenant (三会一约)."""
