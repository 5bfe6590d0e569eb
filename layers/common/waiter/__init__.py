"""Waiter's shared layer: the domain core (models, services), the one DynamoDB repository and the thin
protocol adapters that functions use.

Dependencies point one way, down: ``rest`` (adapter) -> ``catalog`` services -> ``repository``.
Domain modules never import boto3, Lambda events or HTTP types.
"""
