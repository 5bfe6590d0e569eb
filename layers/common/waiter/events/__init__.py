"""Waiter's domain events: what happened to orders, menus and restaurants, as the bus carries it (``models``)."""
