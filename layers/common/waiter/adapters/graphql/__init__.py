"""The GraphQL toolkit: what ``rest.py`` is for REST, this is for ``/v1/graphql`` and for the graphql-transport-ws
subprotocol of the WebSocket API.

- ``schema.graphql`` is the contract; ``binding`` builds the executable schema from it and binds the resolvers
  (``resolvers``) by name; ``check_binding`` proves every field resolved and every resolver a field.
- ``http``: GraphQL over HTTP (POST and GET, ``application/graphql-response+json``), the caller from an optional
  Cognito ID token, the abuse limits (``limits``), the one error mapping (``errors``), GraphiQL locally.
- ``transport_ws``: graphql-transport-ws over API Gateway's WebSocket API; it imports graphql-core only to
  validate a ``subscribe`` document, so the WebSocket functions pay nothing for it otherwise.

Importing this package imports nothing: the modules above are imported by the functions that use them.
"""
