"""Protocol adapters: each toolkit turns one kind of outside request into typed input for the domain services and
maps ``waiter.errors`` back to that protocol's error shape (REST: problem+json). Nothing in the domain imports them."""
