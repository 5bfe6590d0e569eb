"""POST and GET /v1/graphql: the GraphQL API over the same services as the REST functions (schema.graphql; the
resolvers name the REST route each one mirrors). GraphiQL at GET /v1/graphql with Accept: text/html, locally."""

from __future__ import annotations

from waiter.adapters.graphql.binding import executable_schema
from waiter.adapters.graphql.http import entrypoint

executable_schema()  # built at init: the SDL is parsed during the cold start, not on the first request
lambda_handler = entrypoint()
