"""Live updates: who may watch which orders (topics), and who is watching an order that changed."""
