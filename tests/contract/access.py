"""Who may reach which route at the gateway, stated once. docs/auth.md mirrors these lists word for word; the
contract tests hold template.yaml (as written and as SAM translates it) and events/ to them.

- Every route needs a signed-in caller (the API's default Cognito authorizer) unless it is listed in
  ``PUBLIC_OPERATIONS`` (``Auth: {Authorizer: NONE}`` in the template).
- Routes under ``PARTNER_PATH_PREFIX`` and the SOAP facade for POS systems (``SOAP_PATH``) take a partner API key
  instead (``PARTNER_AUTHORIZER``, API key required so the usage plan meters them), and no other route does.
"""

from __future__ import annotations

Route = tuple[str, str]  # (METHOD, /path/{param})

PUBLIC_OPERATIONS: frozenset[Route] = frozenset(
    {
        ("GET", "/v1/restaurants"),
        ("GET", "/v1/restaurants/{restaurantId}"),
        ("GET", "/v1/restaurants/{restaurantId}/menu"),
        ("GET", "/v1/openapi.json"),
        ("GET", "/v1/docs"),
        ("POST", "/v1/auth/signup"),
        ("POST", "/v1/auth/confirm"),
        ("POST", "/v1/auth/login"),
        ("POST", "/v1/auth/refresh"),
        ("POST", "/v1/auth/forgot-password"),
        ("POST", "/v1/auth/reset-password"),
    }
)

DEFAULT_AUTHORIZER = "CognitoAuthorizer"
PARTNER_AUTHORIZER = "PartnerKeyAuthorizer"
PARTNER_PATH_PREFIX = "/v1/partner/"
SOAP_PATH = "/v1/soap/pos"  # POST (the envelopes) and GET ?wsdl: a POS system's other door, with the same key
NONE = "NONE"  # SAM's name for "no authorizer" on a route


def expected_authorizer(route: Route) -> str:
    """The authorizer ``route`` must have: NONE for public routes, the partner one under /v1/partner/, else Cognito.

    >>> expected_authorizer(("GET", "/v1/partner/orders"))
    'PartnerKeyAuthorizer'
    >>> expected_authorizer(("POST", "/v1/soap/pos"))
    'PartnerKeyAuthorizer'
    >>> expected_authorizer(("GET", "/v1/me"))
    'CognitoAuthorizer'
    """
    if route in PUBLIC_OPERATIONS:
        return NONE
    if is_partner_route(route):
        return PARTNER_AUTHORIZER
    return DEFAULT_AUTHORIZER


def is_partner_route(route: Route) -> bool:
    """True for the routes a partner key calls: ``/v1/partner/*`` and the SOAP facade."""
    return route[1].startswith(PARTNER_PATH_PREFIX) or route[1] == SOAP_PATH


# The WebSocket API (live updates): only $connect is authorized, by the token query parameter (an ID token or a
# partner key); every later message of the connection carries the caller that $connect let in, and the services
# decide what it may subscribe to. {route key: how it is authorized}.
WEBSOCKET_AUTHORIZER = "WebSocketAuthorizer"
WEBSOCKET_ROUTES: dict[str, str] = {
    "$connect": WEBSOCKET_AUTHORIZER,
    "$disconnect": NONE,
    "subscribe": NONE,
    "unsubscribe": NONE,
    "ping": NONE,
    "$default": NONE,
}
