"""The route tour: one successful request to every route of the API (and the partner authorizer), in an order where
each request finds the state it needs (a restaurant, a menu, a user, a key, a cart, orders).

The tour drives handlers through an ``Invoke`` callable, so the same tour measures DynamoDB work (P3, on moto) and
records every AWS response each route receives, which P1 (b), P2 and P5 replay with botocore's Stubber.
Requests marked *setup* only prepare state; every route is measured exactly once.
"""

from __future__ import annotations

import uuid
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from bench.events import Claims, api_event, authorizer_event, claims, queue_event, soap_event, ws_event
from local import samples

Invoke = Callable[[str, dict[str, Any], str | None], tuple[int | None, Any]]
"""``invoke(function_logical_id, event, route_or_None)``: runs the handler; ``route`` names a measured request."""

# what GET /v1/restaurants/{id} and GET …/menu return together, over GraphQL (P2 compares the two)
GRAPHQL_MENU = """query($restaurantId: ID!) { restaurant(id: $restaurantId) {
  id name description cuisines currency deliveryFee minimumOrder openNow acceptingOrders timeZone
  address { line1 city postcode country }
  menu { restaurantId restaurantName currency categories { name items { id name description price currency
    dietaryTags available optionGroups { id name minChoices maxChoices choices { id name priceDelta } } } } } } }"""
PASSWORD = "Bench-Passw0rd!42"  # noqa: S105 - a bench user's, in moto only
DISCOUNT_CODE = "BENCH10"


class TourError(RuntimeError):
    """A request of the tour did not answer as a successful request does."""


def route_key(method: str, resource: str) -> str:
    return f"{method} {resource}"


AUTHORIZER_ROUTE = "AUTHORIZER partner X-Api-Key"
LIVE_ROUTE = "QUEUE LiveQueue OrderStatusChanged"  # the live notifier pushing one order change


@dataclass
class Tour:
    invoke: Invoke
    checkpoint: Callable[[], None] = lambda: None
    """Called once the catalog, a key and an order exist (the table then holds one item of every kind)."""
    ids: dict[str, str] = field(default_factory=dict)
    """The ids the tour created, by role: "tag" (in every principal's id), "restaurant", "pizza", "drink", "key",
    "order", "user", "connection"."""

    def _send(
        self, function: str, event: dict[str, Any], expect: int | None, *, measure: bool, route: str | None = None
    ) -> Any:
        if route is None:
            route = route_key(event["httpMethod"], event["resource"]) if "resource" in event else AUTHORIZER_ROUTE
            if event.get("type") == "REQUEST":
                route = AUTHORIZER_ROUTE
        status, body = self.invoke(function, event, route if measure else None)
        if status != expect:
            raise TourError(f"{function} {route}: status {status}, expected {expect}: {str(body)[:400]}")
        return body

    def measure(
        self, function: str, event: dict[str, Any], expect: int | None = 200, *, route: str | None = None
    ) -> Any:
        """Invoke and record ``function``; ``route`` names what is not a REST route (a queue's consumer)."""
        return self._send(function, event, expect, measure=True, route=route)

    def setup(self, function: str, event: dict[str, Any], expect: int | None = 200) -> Any:
        return self._send(function, event, expect, measure=False)

    def run(self) -> None:  # noqa: PLR0915 - a tour is a long, straight sequence on purpose
        tag = uuid.uuid4().hex[:10]
        self.ids["tag"] = tag
        admin = claims(f"admin-{tag}", "admins")
        customer = claims(f"customer-{tag}", "customers")

        # ---- catalog --------------------------------------------------------------------------------------------
        restaurant = self.measure(
            "CreateRestaurantFunction",
            api_event("POST", "/v1/restaurants", body=samples.restaurant_body(name="Bench Pizzeria"), caller=admin),
            201,
        )
        rid = self.ids["restaurant"] = str(restaurant["id"])
        at_rid = {"restaurantId": rid}
        staff = claims(f"staff-{tag}", "staff", restaurants=rid)
        items = "/v1/restaurants/{restaurantId}/menu-items"
        pizza = self.measure(
            "CreateMenuItemFunction",
            api_event("POST", items, at_rid, body=samples.menu_item_body(toppings=("olives", "ham")), caller=admin),
            201,
        )
        drink = self.setup(
            "CreateMenuItemFunction", api_event("POST", items, at_rid, body=samples.drink_body(), caller=admin), 201
        )
        self.ids.update(pizza=str(pizza["id"]), drink=str(drink["id"]))
        self.measure("GetRestaurantFunction", api_event("GET", "/v1/restaurants/{restaurantId}", at_rid))
        self.measure("ListRestaurantsFunction", api_event("GET", "/v1/restaurants", query={"city": "Berlin"}))
        self.measure("GetMenuFunction", api_event("GET", "/v1/restaurants/{restaurantId}/menu", at_rid))
        self.measure(
            "GraphqlFunction", api_event("POST", "/v1/graphql", body={"query": GRAPHQL_MENU, "variables": at_rid})
        )
        self.measure(
            "UpdateRestaurantFunction",
            api_event(
                "PATCH", "/v1/restaurants/{restaurantId}", at_rid, body={"description": "Stone oven"}, caller=admin
            ),
        )
        item = {"restaurantId": rid, "itemId": str(pizza["id"])}
        self.measure(
            "UpdateMenuItemFunction",
            api_event("PATCH", items + "/{itemId}", item, body={"description": "San Marzano"}, caller=staff),
        )
        self.measure(
            "CreateDiscountFunction",
            api_event(
                "POST",
                "/v1/restaurants/{restaurantId}/discounts",
                at_rid,
                body=samples.discount_body(DISCOUNT_CODE, valid_days=30),
                caller=admin,
            ),
            201,
        )

        # ---- accounts and staff ---------------------------------------------------------------------------------
        email = f"user-{tag}@bench.waiter"
        signed_up = self.measure(
            "AuthSignUpFunction",
            api_event("POST", "/v1/auth/signup", body={"email": email, "password": PASSWORD, "name": "Bench User"}),
            201,
        )
        user_id = self.ids["user"] = str(signed_up["id"])
        self.measure(
            "AuthConfirmFunction", api_event("POST", "/v1/auth/confirm", body={"email": email, "code": "123456"}), 204
        )
        tokens = self.measure(
            "AuthLoginFunction", api_event("POST", "/v1/auth/login", body={"email": email, "password": PASSWORD})
        )
        self.measure(
            "AuthRefreshFunction", api_event("POST", "/v1/auth/refresh", body={"refreshToken": tokens["refreshToken"]})
        )
        user = claims(user_id, "customers", email=email)
        self.measure("GetMeFunction", api_event("GET", "/v1/me", caller=user))
        staff_path = "/v1/restaurants/{restaurantId}/staff"
        self.measure(
            "AssignStaffFunction", api_event("POST", staff_path, at_rid, body={"email": email}, caller=admin), 201
        )
        self.measure(
            "RemoveStaffFunction",
            api_event("DELETE", staff_path + "/{userId}", {**at_rid, "userId": user_id}, caller=admin),
            204,
        )
        self.measure("AuthLogoutFunction", api_event("POST", "/v1/auth/logout", caller=user), 204)

        # ---- partner keys ---------------------------------------------------------------------------------------
        keys_path = "/v1/restaurants/{restaurantId}/api-keys"
        created = self.measure(
            "CreateApiKeyFunction", api_event("POST", keys_path, at_rid, body={"name": "Till 1"}, caller=staff), 201
        )
        self.measure("ListApiKeysFunction", api_event("GET", keys_path, at_rid, caller=staff))
        policy = self.measure("PartnerAuthorizerFunction", authorizer_event(str(created["key"])), None)
        if "Allow" not in str(policy):
            raise TourError(f"the authorizer did not allow a fresh key: {policy}")
        self.ids["key"] = str(created["id"])
        partner = {"principalId": f"apikey:{created['id']}", "keyId": str(created["id"]), "restaurantId": rid}

        # ---- cart ----------------------------------------------------------------------------------------------
        cart_path = "/v1/carts/{restaurantId}"
        large_pizza = samples.large_pizza(item_id=str(pizza["id"]))
        priced = self.measure(
            "AddCartItemFunction",
            api_event("POST", cart_path + "/items", at_rid, body=large_pizza, caller=customer),
        )
        line = {**at_rid, "lineId": str(priced["lines"][0]["lineId"])}
        self.measure("GetCartFunction", api_event("GET", cart_path, at_rid, caller=customer))
        self.measure(
            "UpdateCartItemFunction",
            api_event("PATCH", cart_path + "/items/{lineId}", line, body={"quantity": 2}, caller=customer),
        )
        discount = cart_path + "/discount"
        self.measure(
            "ApplyDiscountFunction", api_event("PUT", discount, at_rid, body={"code": DISCOUNT_CODE}, caller=customer)
        )
        self.measure("RemoveDiscountFunction", api_event("DELETE", discount, at_rid, caller=customer))
        self.measure("ListCartsFunction", api_event("GET", "/v1/carts", caller=customer))
        with_drink = self.setup(
            "AddCartItemFunction",
            api_event("POST", cart_path + "/items", at_rid, body={"menuItemId": drink["id"]}, caller=customer),
        )
        drink_line = next(ln["lineId"] for ln in with_drink["lines"] if ln["menuItemId"] == drink["id"])
        self.measure(
            "RemoveCartItemFunction",
            api_event("DELETE", cart_path + "/items/{lineId}", {**at_rid, "lineId": str(drink_line)}, caller=customer),
        )

        # ---- orders --------------------------------------------------------------------------------------------
        order = self.measure("CheckoutFunction", self._checkout_event(rid, customer), 201)
        at_order = {"orderId": str(order["id"])}
        self.ids["order"] = str(order["id"])
        self.measure("GetOrderFunction", api_event("GET", "/v1/orders/{orderId}", at_order, caller=customer))
        self.measure("ListMyOrdersFunction", api_event("GET", "/v1/orders", caller=customer))
        self.measure(
            "ListRestaurantOrdersFunction",
            api_event("GET", "/v1/restaurants/{restaurantId}/orders", at_rid, caller=staff),
        )
        self.measure(
            "TransitionOrderFunction",
            api_event(
                "POST",
                "/v1/restaurants/{restaurantId}/orders/{orderId}/transitions",
                {**at_rid, **at_order},
                body={"to": "ACCEPTED"},
                caller=staff,
            ),
        )
        self.measure("PartnerListOrdersFunction", api_event("GET", "/v1/partner/orders", authorizer=partner))
        preparing = self.measure(
            "PartnerTransitionOrderFunction",
            api_event(
                "POST",
                "/v1/partner/orders/{orderId}/transitions",
                at_order,
                body={"to": "PREPARING"},
                authorizer=partner,
            ),
        )
        self._live_push(customer, order, preparing)
        self.measure("PartnerGetMenuFunction", api_event("GET", "/v1/partner/menu", authorizer=partner))
        availability = "/v1/partner/menu-items/{itemId}/availability"
        at_drink = {"itemId": str(drink["id"])}
        self.measure(
            "PartnerSetItemAvailabilityFunction",
            api_event("PUT", availability, at_drink, body={"available": False}, authorizer=partner),
        )
        self.setup(
            "PartnerSetItemAvailabilityFunction",
            api_event("PUT", availability, at_drink, body={"available": True}, authorizer=partner),
        )
        self.measure("SoapPosFunction", soap_event("ListOrders", "<pos:limit>20</pos:limit>", authorizer=partner))
        self.measure("SoapPosFunction", api_event("GET", "/v1/soap/pos", query={"wsdl": ""}, authorizer=partner))
        # a pause by the staff, resumed by the POS (the checkout below needs the restaurant taking orders again)
        self.measure(
            "SetAvailabilityFunction",
            api_event(
                "PUT",
                "/v1/restaurants/{restaurantId}/availability",
                at_rid,
                body={"acceptingOrders": False, "reason": "Kitchen at capacity"},
                caller=staff,
            ),
        )
        self.measure(
            "PartnerSetAvailabilityFunction",
            api_event("PUT", "/v1/partner/availability", body={"acceptingOrders": True}, authorizer=partner),
        )
        self.checkpoint()
        self.setup(
            "AddCartItemFunction",
            api_event("POST", cart_path + "/items", at_rid, body=large_pizza, caller=customer),
        )
        second = self.setup("CheckoutFunction", self._checkout_event(rid, customer), 201)
        self.measure(
            "CancelOrderFunction",
            api_event("POST", "/v1/orders/{orderId}/cancel", {"orderId": second["id"]}, caller=customer),
        )
        self.setup(
            "AddCartItemFunction",
            api_event("POST", cart_path + "/items", at_rid, body={"menuItemId": drink["id"]}, caller=customer),
        )
        self.measure("EmptyCartFunction", api_event("DELETE", cart_path, at_rid, caller=customer), 204)

        # ---- clean-up routes -----------------------------------------------------------------------------------
        self.measure(
            "RevokeApiKeyFunction",
            api_event("DELETE", keys_path + "/{keyId}", {**at_rid, "keyId": str(created["id"])}, caller=staff),
            204,
        )
        self.measure(
            "DeleteMenuItemFunction",
            api_event("DELETE", items + "/{itemId}", {**at_rid, "itemId": str(drink["id"])}, caller=staff),
            204,
        )
        self.measure(
            "DeleteRestaurantFunction", api_event("DELETE", "/v1/restaurants/{restaurantId}", at_rid, caller=admin), 204
        )
        self.measure("ApiDocsFunction", api_event("GET", "/v1/openapi.json"))
        self.measure("ApiDocsFunction", api_event("GET", "/v1/docs"))

    def _live_push(self, customer: Claims, placed: dict[str, Any], changed: dict[str, Any]) -> None:
        """The customer's app connected and following their orders (``my-orders``), and the push of the order's
        last transition to it: the notifier's work per push (P5 prices it for the mix with live updates)."""
        connection = self.ids["connection"] = f"bench{uuid.uuid4().hex[:12]}"
        self.setup("WsConnectFunction", ws_event("$connect", connection, customer))
        self.setup("WsSubscribeFunction", ws_event("subscribe", connection, customer, {"topic": "my-orders"}), 200)
        history = changed["history"][-1]
        detail = {
            "eventId": str(uuid.uuid4()),
            "occurredAt": history["at"],
            "schemaVersion": 1,
            "orderId": changed["id"],
            "restaurantId": changed["restaurantId"],
            "customerId": changed["customerId"],
            "version": changed["version"],
            "total": changed["total"],
            "currency": changed["currency"],
            "from": history["from"],
            "to": history["to"],
            "actor": history["actor"],
            "at": history["at"],
        }
        answer = self.measure("LiveNotifierFunction", queue_event("OrderStatusChanged", detail), None, route=LIVE_ROUTE)
        if answer != {"batchItemFailures": []}:
            raise TourError(f"the live notifier failed the push of order {placed['id']}: {answer}")

    def _checkout_event(self, rid: str, customer: Claims) -> dict[str, Any]:
        cart = self.setup(
            "GetCartFunction",
            api_event(
                "GET",
                "/v1/carts/{restaurantId}",
                {"restaurantId": rid},
                query={"fulfilment": "delivery"},
                caller=customer,
            ),
        )
        body = samples.checkout_body(rid, cart["total"])
        key = {"Idempotency-Key": f"bench-{uuid.uuid4().hex}"}
        return api_event("POST", "/v1/orders", body=body, headers=key, caller=customer)
