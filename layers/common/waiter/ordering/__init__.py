"""Ordering: carts priced from the current menu (``pricing``) and the order state machine (``lifecycle``)."""
