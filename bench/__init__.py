"""Waiter's performance bench: ``python -m bench`` (``make bench``), budgets P1-P6; see docs/performance.md."""
