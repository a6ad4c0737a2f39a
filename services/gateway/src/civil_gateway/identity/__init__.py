"""Who the caller is, as the gateway sees it; users and token issuing build on it."""
