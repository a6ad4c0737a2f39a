"""The division tree: city → township-level unit → village or community (行政区划)."""
