"""The ``tianmen-2020`` demo dataset: a synthetic city year that reproduces the bureau's
2020 report figure for figure, loaded through the platform's own APIs.

``dataset`` makes it (deterministic for a seed, no real person's data),
``figures`` holds the report's figures it must reproduce, ``loader`` sends it to
the running services through the gateway.
"""
