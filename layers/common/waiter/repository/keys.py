"""The one way to build a DynamoDB key. Every access pattern in docs/data-model.md maps to a function here."""

from __future__ import annotations

ANY = "*"
NAME_ID_SEPARATOR = "\x1f"


def _norm(value: str) -> str:
    return " ".join(value.split()).casefold()


def restaurant(restaurant_id: str) -> dict[str, str]:
    """The restaurant's profile item.

    >>> restaurant("r1")
    {'PK': 'REST#r1', 'SK': 'PROFILE'}
    """
    return {"PK": f"REST#{restaurant_id}", "SK": "PROFILE"}


def restaurant_partition(restaurant_id: str) -> str:
    """The partition holding a restaurant's profile and its whole menu (one Query reads the menu)."""
    return f"REST#{restaurant_id}"


def menu_item(restaurant_id: str, item_id: str) -> dict[str, str]:
    return {"PK": f"REST#{restaurant_id}", "SK": f"ITEM#{item_id}"}


MENU_ITEM_PREFIX = "ITEM#"


def listing_partition(city: str | None, cuisine: str | None) -> str:
    """The partition of the public listing for one filter combination (``*`` = no filter).

    >>> listing_partition("Berlin ", None)
    'LIST#berlin#*'
    """
    return f"LIST#{_norm(city) if city else ANY}#{_norm(cuisine) if cuisine else ANY}"


def listing_entries(restaurant_id: str, name: str, city: str, cuisines: list[str]) -> list[dict[str, str]]:
    """Every listing key a restaurant appears under: each of {its city, any city} x {each cuisine, any cuisine}.

    Sorted by name within a partition, with the id as a tie-breaker so the sort key is unique.
    """
    # The unit separator (U+001F) sorts below every character a name can hold, so "Pizza" lists before
    # "Pizza Roma"; a printable separator such as "#" would sort after the space and break name order.
    sort_key = f"{_norm(name)}{NAME_ID_SEPARATOR}{restaurant_id}"
    partitions = {listing_partition(c, k) for c in (city, None) for k in [*cuisines, None]}
    return [{"PK": pk, "SK": sort_key} for pk in sorted(partitions)]


def rate_counter(bucket: str, window_start: int) -> dict[str, str]:
    """A rate-limit counter for one bucket (limit name + hashed key) and one window."""
    return {"PK": rate_counter_partition(bucket), "SK": f"W#{window_start}"}


def rate_counter_partition(bucket: str) -> str:
    """The partition holding every window of one counter."""
    return f"RATE#{bucket}"


def staff_membership(restaurant_id: str, user_id: str) -> dict[str, str]:
    """A member of staff of a restaurant, readable from both sides: the restaurant (PK) and the user (GSI1)."""
    return {"PK": f"REST#{restaurant_id}", "SK": f"STAFF#{user_id}"}


def staff_by_user(user_id: str) -> str:
    """GSI1 partition listing the restaurants a user works for."""
    return f"USER#{user_id}#STAFF"


STAFF_PREFIX = "STAFF#"


def api_key(key_id: str) -> dict[str, str]:
    """A partner API key, read directly by the id embedded in the key (one GetItem authenticates)."""
    return {"PK": f"APIKEY#{key_id}", "SK": "KEY"}


def api_keys_of(restaurant_id: str) -> str:
    """GSI1 partition listing a restaurant's API keys."""
    return f"REST#{restaurant_id}#APIKEYS"


def cart(customer_id: str, restaurant_id: str) -> dict[str, str]:
    """A customer's open cart at a restaurant (one per pair); all of a customer's carts share a partition."""
    return {"PK": f"CUST#{customer_id}", "SK": f"CART#{restaurant_id}"}


def customer_partition(customer_id: str) -> str:
    return f"CUST#{customer_id}"


CART_PREFIX = "CART#"


def discount_code(restaurant_id: str, code: str) -> dict[str, str]:
    return {"PK": f"REST#{restaurant_id}", "SK": f"DISCOUNT#{code}"}


def discount_use(restaurant_id: str, code: str, customer_id: str) -> dict[str, str]:
    """Marks that a customer used a once-per-customer code (written by the checkout transaction)."""
    return {"PK": f"REST#{restaurant_id}", "SK": f"DISCOUNTUSE#{code}#{customer_id}"}


def order(order_id: str) -> dict[str, str]:
    return {"PK": f"ORDER#{order_id}", "SK": "ORDER"}


def orders_of_customer(customer_id: str) -> str:
    """GSI1 partition of a customer's orders, sorted by creation time."""
    return f"CUST#{customer_id}#ORDERS"


def orders_of_restaurant(restaurant_id: str) -> str:
    """GSI2 partition of every order of a restaurant, sorted by creation time (the kitchen view)."""
    return f"REST#{restaurant_id}#ORDERS"


def orders_of_restaurant_in(restaurant_id: str, status: str) -> str:
    """GSI3 partition of a restaurant's orders in one status (the kitchen view filtered by status)."""
    return f"REST#{restaurant_id}#STATUS#{status}"


def erased_account(customer_id: str) -> dict[str, str]:
    """The marker an erased account leaves for a day (TTL): it holds the orders' anonymous id and refuses new carts
    for tokens issued before the erasure. Keyed by a digest, so it does not carry the customer id itself."""
    import hashlib  # noqa: PLC0415 - only erasure and new carts build this key

    return {"PK": f"ERASED#{hashlib.sha256(customer_id.encode()).hexdigest()[:32]}", "SK": "ACCOUNT"}


def delivery(consumer: str, event_id: str) -> dict[str, str]:
    """The mark that ``consumer`` handled event ``event_id`` (its idempotency record; removed by TTL)."""
    return {"PK": f"DELIVERY#{consumer}#{event_id}", "SK": "DELIVERY"}


PLACED_ORDER_SHARDS = 8
"""GSI4 spreads the orders waiting in ``PLACED`` over this many partitions: one partition takes about 1,000 write
units a second, which every placement at 500 checkouts a second would fill alone (docs/capacity.md)."""


def placed_orders(order_id: str) -> str:
    """The GSI4 partition of an order waiting in ``PLACED`` (sparse: an order leaves GSI4 with its first transition),
    sorted by creation (``GSI1SK``): the kitchen timeout finds due orders with one Query per shard.

    >>> placed_orders("o-1") == placed_orders("o-1"), placed_orders("o-1").startswith("ORDERS#PLACED#")
    (True, True)
    """
    import zlib  # noqa: PLC0415 - only order writes and the kitchen timeout build this key

    return f"ORDERS#PLACED#{zlib.crc32(order_id.encode()) % PLACED_ORDER_SHARDS}"


def placed_order_shards() -> list[str]:
    """Every GSI4 partition ``placed_orders`` can name."""
    return [f"ORDERS#PLACED#{shard}" for shard in range(PLACED_ORDER_SHARDS)]


def live_connection(connection_id: str) -> dict[str, str]:
    """A WebSocket connection: its caller, and beside it (same partition) each of its subscriptions."""
    return {"PK": live_connection_partition(connection_id), "SK": "CONNECTION"}


def live_connection_partition(connection_id: str) -> str:
    return f"WSCONN#{connection_id}"


def live_subscription(connection_id: str, topic: str) -> dict[str, str]:
    """One topic a connection subscribed to; also in GSI1 under its feed, so the notifier finds it by Query."""
    return {"PK": live_connection_partition(connection_id), "SK": f"{LIVE_SUBSCRIPTION_PREFIX}{topic}"}


LIVE_SUBSCRIPTION_PREFIX = "SUB#"


def live_feed(feed: str) -> str:
    """GSI1 partition of every subscription to one feed (``customer:<id>``, ``order:<id>``, ``kitchen:<id>``).

    >>> live_feed("order:o1")
    'FEED#order:o1'
    """
    return f"FEED#{feed}"
