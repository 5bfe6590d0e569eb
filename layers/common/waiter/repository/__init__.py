"""The only code in Waiter that talks to DynamoDB.

One table holds everything (single-table design, see docs/data-model.md). Keys are built only by
``waiter.repository.keys``; pagination cursors only by ``waiter.repository.cursor``.
"""
