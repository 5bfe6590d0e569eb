"""The GraphQL API with a real client (gql's HTTP transport) against the gateway: the journey (browse with the
nested menu, fill a cart, check out with an idempotency key, replay it, follow the order), a card order paid with
the local provider's test card after startPayment, the REST and GraphQL
views of the same order field for field, ownership, the negative-token matrix, and graphql-cop's probes."""

from __future__ import annotations

import json
import threading
import time
import uuid
from typing import Any

import httpx
import pytest
from gql import Client, GraphQLRequest, gql
from gql.transport.aiohttp_websockets import AIOHTTPWebsocketsTransport
from gql.transport.exceptions import TransportQueryError
from gql.transport.requests import RequestsHTTPTransport

from local import samples
from local.gateway.payments import CARD_SUCCEEDS
from tests.e2e.conftest import RESTAURANT_A, Caller, Gateway, skip_when_deployed
from tests.e2e.tokens import forged_variants

GRAPHQL = "/v1/graphql"
ORDER_FIELDS = """id customerId restaurantId status paymentStatus paymentMethod paymentId fulfilment subtotal discount
  deliveryFee tax tip total currency discountCode version prepMinutes deliveryMinutes estimatedReadyAt
  estimatedDeliveredAt customerErased statusReason allowedTransitions createdAt updatedAt
  deliveryAddress { line1 line2 city postcode country instructions }
  lines { lineId menuItemId name quantity unitPrice lineTotal
    options { groupId groupName choiceId choiceName priceDelta } }
  history { from to at reason actor { type id } }"""


def client(base_url: str, caller: Caller | None = None, token: str | None = None) -> Client:
    headers = caller.headers if caller is not None else {}
    if token is not None:
        headers = {"Authorization": f"Bearer {token}"}
    transport = RequestsHTTPTransport(url=base_url + GRAPHQL, headers=headers, timeout=30, retries=0)
    return Client(transport=transport, fetch_schema_from_transport=False)


def _line(menu: dict[str, Any], restaurant: dict[str, Any]) -> dict[str, Any]:
    """A cart line over the minimum order, picked from the GraphQL menu (the REST menu's shape)."""
    return samples.line_over_minimum(restaurant, menu)


def test_the_journey_over_graphql(base_url: str, customer: Caller) -> None:
    restaurant_id = RESTAURANT_A  # open around the clock in the demo data
    me = client(base_url, customer)
    browse = gql("""query Browse($id: ID!) {
      restaurants(first: 5) { edges { node { id name openNow } } pageInfo { hasNextPage endCursor } }
      restaurant(id: $id) { id name currency minimumOrder deliveryFee openNow acceptingOrders
        menu { restaurantId restaurantName currency categories { name items { id name price currency available
          optionGroups { id name minChoices maxChoices choices { id name priceDelta } } } } } }
    }""")
    found = me.execute(GraphQLRequest(browse, variable_values={"id": restaurant_id}))
    restaurant = found["restaurant"]
    assert found["restaurants"]["edges"]
    me.execute(
        GraphQLRequest(gql("mutation($r: ID!) { emptyCart(restaurantId: $r) }"), variable_values={"r": restaurant_id})
    )

    line = _line(restaurant["menu"], restaurant)
    add = gql("mutation($r: ID!, $i: CartItemAddInput!) { addCartItem(restaurantId: $r, input: $i) { total } }")
    me.execute(GraphQLRequest(add, variable_values={"r": restaurant_id, "i": line}))
    cart = me.execute(
        GraphQLRequest(
            gql("query($r: ID!) { cart(restaurantId: $r, fulfilment: pickup) { total currency lines { quantity } } }"),
            variable_values={"r": restaurant_id},
        )
    )["cart"]
    checkout = gql(
        "mutation($in: CheckoutInput!, $k: String!) { checkout(input: $in, idempotencyKey: $k) { "
        + ORDER_FIELDS
        + " } }"
    )
    variables = {
        "in": {"restaurantId": restaurant_id, "fulfilment": "pickup", "expectedTotal": cart["total"]},
        "k": str(uuid.uuid4()),
    }
    placed = me.execute(GraphQLRequest(checkout, variable_values=variables))["checkout"]
    replayed = me.execute(GraphQLRequest(checkout, variable_values=variables))["checkout"]
    followed = me.execute(GraphQLRequest(gql(f"query($id: ID!) {{ order(id: $id) {{ {ORDER_FIELDS} }} }}"),
                          variable_values={"id": placed["id"]}))["order"]  # fmt: skip
    mine = me.execute(gql("{ orders(first: 5) { edges { node { id } } } }"))["orders"]["edges"]

    assert placed["status"] == "PLACED"
    assert placed["total"] == cart["total"]
    assert replayed["id"] == placed["id"]
    assert followed == placed
    assert placed["id"] in {e["node"]["id"] for e in mine}


def test_a_card_order_checked_out_and_paid_over_graphql_is_paid_and_placed(
    api: httpx.Client, base_url: str, customer: Caller
) -> None:
    skip_when_deployed("pays with the local provider's test card")
    restaurant_id = RESTAURANT_A
    me = client(base_url, customer)
    me.execute(
        GraphQLRequest(gql("mutation($r: ID!) { emptyCart(restaurantId: $r) }"), variable_values={"r": restaurant_id})
    )
    menu = me.execute(GraphQLRequest(
        gql("query($id: ID!) { restaurant(id: $id) { id minimumOrder menu { restaurantId categories { items {"
            " id price available optionGroups { id minChoices choices { id priceDelta } } } } } } }"),
        variable_values={"id": restaurant_id},
    ))["restaurant"]  # fmt: skip
    add = gql("mutation($r: ID!, $i: CartItemAddInput!) { addCartItem(restaurantId: $r, input: $i) { total } }")
    me.execute(GraphQLRequest(add, variable_values={"r": restaurant_id, "i": _line(menu["menu"], menu)}))
    total = me.execute(GraphQLRequest(gql("query($r: ID!) { cart(restaurantId: $r, fulfilment: pickup) { total } }"),
                       variable_values={"r": restaurant_id}))["cart"]["total"]  # fmt: skip
    checkout = gql("mutation($in: CheckoutInput!, $k: String!) { checkout(input: $in, idempotencyKey: $k) {"
                   " id status paymentStatus paymentMethod total currency } }")  # fmt: skip
    order = me.execute(GraphQLRequest(checkout, variable_values={
        "in": {"restaurantId": restaurant_id, "fulfilment": "pickup", "expectedTotal": total, "paymentMethod": "card"},
        "k": str(uuid.uuid4()),
    }))["checkout"]  # fmt: skip
    assert (order["status"], order["paymentStatus"], order["paymentMethod"]) == ("AWAITING_PAYMENT", "UNPAID", "card")

    start = gql("mutation($id: ID!) { startPayment(orderId: $id) { paymentId clientSecret amount currency status } }")
    payment = me.execute(GraphQLRequest(start, variable_values={"id": order["id"]}))["startPayment"]
    assert (payment["amount"], payment["currency"]) == (order["total"], order["currency"])
    assert (
        me.execute(GraphQLRequest(start, variable_values={"id": order["id"]}))["startPayment"] == payment
    )  # the same intent
    confirmed = api.post(f"/_local/payments/{payment['paymentId']}/confirm", json={"card": CARD_SUCCEEDS})
    assert confirmed.status_code == 200, confirmed.text

    follow = gql("query($id: ID!) { order(id: $id) { status paymentStatus paymentId history { to actor { id } } } }")
    deadline = time.monotonic() + 30  # the provider's webhook, the queue and its consumer come in between
    while (now := me.execute(GraphQLRequest(follow, variable_values={"id": order["id"]}))["order"])[
        "status"
    ] != "PLACED":
        assert time.monotonic() < deadline, f"the order stayed {now['status']}"
        time.sleep(0.2)
    assert (now["paymentStatus"], now["paymentId"]) == ("PAID", payment["paymentId"])
    assert now["history"][-1] == {"to": "PLACED", "actor": {"id": "payments"}}
    with pytest.raises(TransportQueryError) as paid_already:
        me.execute(GraphQLRequest(start, variable_values={"id": order["id"]}))
    assert [e["extensions"]["code"] for e in paid_already.value.errors or []] == ["CONFLICT"]


def test_the_rest_and_graphql_views_of_an_order_are_equal_field_for_field(
    api: httpx.Client, base_url: str, customer: Caller
) -> None:
    from tests.e2e.conftest import place_order

    order = place_order(api, customer, RESTAURANT_A)

    over_rest = api.get(f"/v1/orders/{order['id']}", headers=customer.headers).json()
    over_graphql = client(base_url, customer).execute(
        GraphQLRequest(
            gql(f"query($id: ID!) {{ order(id: $id) {{ {ORDER_FIELDS} }} }}"), variable_values={"id": order["id"]}
        )
    )["order"]

    assert over_graphql == over_rest


def test_another_customers_order_is_not_found(
    api: httpx.Client, base_url: str, customer: Caller, customer_b: Caller
) -> None:
    from tests.e2e.conftest import place_order

    order = place_order(api, customer, RESTAURANT_A)

    with pytest.raises(TransportQueryError) as refused:
        client(base_url, customer_b).execute(GraphQLRequest(gql("query($id: ID!) { order(id: $id) { id } }"),
                                             variable_values={"id": order["id"]}))  # fmt: skip

    assert [e["extensions"]["code"] for e in refused.value.errors or []] == ["NOT_FOUND"]


@pytest.mark.parametrize("variant", ["no token", "expired", "bad signature", "alg none", "another pool",
                                     "another client", "tampered claims", "access token", "garbage"])  # fmt: skip
def test_a_token_the_rest_authorizer_refuses_is_unauthenticated(
    api: httpx.Client, customer: Caller, variant: str
) -> None:
    skip_when_deployed("forges tokens with moto's key")
    token = forged_variants(customer.token)[variant]
    headers = {"Authorization": f"Bearer {token}"} if token is not None else {}

    answer = api.post(GRAPHQL, json={"query": "{ me { email } }"}, headers=headers)

    codes = [e["extensions"]["code"] for e in answer.json()["errors"]]
    assert codes == ["UNAUTHENTICATED"]
    assert answer.status_code == (200 if token is None else 401)  # no token: a field error; a bad one: refused


# ---- graphql-cop's probes ------------------------------------------------------------------------------------------


def _post(api: httpx.Client, body: Any) -> httpx.Response:
    return api.post(GRAPHQL, content=json.dumps(body), headers={"Content-Type": "application/json"})


def test_alias_overload_deep_nesting_directive_overload_and_a_huge_query_are_refused(api: httpx.Client) -> None:
    aliases = "{ " + " ".join(f"a{n}: __typename" for n in range(100)) + " }"
    deep = "{ restaurants { edges { node { menu { categories { items { optionGroups { choices { " + \
        "name " * 1 + "} } } } } } } } }"  # fmt: skip
    directives = "{ __typename " + "@include(if: true) " * 50 + "}"
    huge = "{ __typename " + "# padding\n" * 5000 + "}"

    assert _post(api, {"query": aliases}).status_code == 400
    assert _post(api, {"query": deep}).status_code == 200  # as deep as the schema nests: allowed
    assert _post(api, {"query": directives}).status_code == 400
    assert _post(api, {"query": huge}).status_code == 400


def test_batching_and_mutations_over_get_are_refused(api: httpx.Client) -> None:
    batch = _post(api, [{"query": "{ __typename }"}] * 10)
    get_mutation = api.get(GRAPHQL, params={"query": 'mutation { emptyCart(restaurantId: "x") }'})

    assert batch.status_code == 400
    assert get_mutation.status_code == 405


def test_introspection_and_suggestions_follow_the_environment(api: httpx.Client) -> None:
    """make dev is the dev environment: introspection and suggestions on (tests/handlers cover prod's refusals)."""
    skip_when_deployed("a deployed stage may be prod")
    introspection = _post(api, {"query": "{ __schema { queryType { name } } }"})
    typo = _post(api, {"query": "{ restaurants { edgez { cursor } } }"})

    assert introspection.status_code == 200
    assert "Did you mean" in typo.json()["errors"][0]["message"]


# ---- subscriptions: gql's WebSocket transport (graphql-transport-ws) -----------------------------------------------

PUSH_WITHIN_S = 45.0  # the local chain polls the stream and the queue: a push takes a few seconds


def test_gqls_websocket_transport_receives_order_updated_as_staff_move_the_order(
    api: httpx.Client, gateway: Gateway, customer: Caller, staff: Caller
) -> None:
    skip_when_deployed("drives the local gateway's WebSocket API")
    from tests.e2e.conftest import place_order

    order = place_order(api, customer, RESTAURANT_A)
    transport = AIOHTTPWebsocketsTransport(
        url=f"{gateway.ws_url}/?token={customer.token}",
        subprotocols=[AIOHTTPWebsocketsTransport.GRAPHQLWS_SUBPROTOCOL],
        connect_timeout=30,
        ack_timeout=30,
    )
    updates: list[dict[str, Any]] = []
    subscribed = threading.Event()

    def follow() -> None:
        subscription = gql("subscription($id: ID!) { orderUpdated(orderId: $id) { id status version } }")
        session = Client(transport=transport, fetch_schema_from_transport=False)  # gql runs its own event loop
        subscribed.set()
        for result in session.subscribe(GraphQLRequest(subscription, variable_values={"id": order["id"]})):
            updates.append(result["orderUpdated"])
            if result["orderUpdated"]["status"] == "ACCEPTED":
                return

    follower = threading.Thread(target=follow, daemon=True)
    follower.start()
    assert subscribed.wait(30)
    time.sleep(5)  # connect, init/ack, then subscribe reaches $default; nothing answers a subscribe
    moved = api.post(
        f"/v1/restaurants/{RESTAURANT_A}/orders/{order['id']}/transitions", json={"to": "ACCEPTED"},
        headers=staff.headers,
    )  # fmt: skip
    assert moved.status_code == 200, moved.text
    follower.join(PUSH_WITHIN_S)

    assert not follower.is_alive(), f"no ACCEPTED update within {PUSH_WITHIN_S} s: {updates}"
    assert updates[-1] == {"id": order["id"], "status": "ACCEPTED", "version": moved.json()["version"]}
