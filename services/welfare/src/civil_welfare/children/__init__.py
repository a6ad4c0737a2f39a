"""Children (儿童): one file per left-behind or hardship child, orphans and de facto
unsupported children with their monthly allowances."""
