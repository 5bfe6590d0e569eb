"""Partners: point-of-sale systems that call the API with a per-restaurant API key."""
