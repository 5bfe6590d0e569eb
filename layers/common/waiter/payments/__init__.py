"""Card payments: the provider interface, its Stripe implementation, webhook signatures and the use cases."""
