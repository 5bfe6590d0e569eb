"""Carts, discount codes and orders in the single table.

Checkout is one ``TransactWriteItems``: the order is created if absent, the cart is deleted under its version,
the restaurant and every ordered menu item are checked to be active/available at the versions that were priced,
a once-per-customer discount code is marked used, and the idempotency key's record is created
(``waiter.repository.idempotency``). Either all of it happens or none of it.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, cast

from waiter.catalog.models import MenuItem, Restaurant
from waiter.errors import Conflict, StillProcessing
from waiter.ordering.lifecycle import kitchen_sees
from waiter.ordering.models import Cart, DiscountCode, Order, OrderStatus
from waiter.repository import keys
from waiter.repository.catalog import (
    STORED_MENU_ITEMS,
    STORED_RESTAURANTS,
    StaleVersion,
)
from waiter.repository.cursor import decode_cursor, encode_cursor
from waiter.repository.dynamo import (
    Item,
    PagedRepository,
    TableRepository,
    deserialize,
    is_condition_failure,
    serialize,
)

if TYPE_CHECKING:
    from mypy_boto3_dynamodb.type_defs import TransactWriteItemTypeDef

_INTERNAL = ("PK", "SK", "GSI1PK", "GSI1SK", "GSI2PK", "GSI3PK", "GSI4PK", "entity")
_BATCH_RETRIES = 5
_BATCH_GET_MAX = 100  # keys per BatchGetItem


@dataclass
class PricingInputs:
    """Everything pricing a cart needs, read in one BatchGetItem."""

    restaurant: Restaurant | None
    menu: dict[str, MenuItem] = field(default_factory=dict)
    discount: DiscountCode | None = None
    discount_used: bool = False
    customer_erased: bool = False  # the customer erased their account (asked for when a cart is created)


class CheckoutConflict(Conflict):
    """The cart, an item or the discount changed between pricing and the checkout transaction."""


class OrderingRepository(PagedRepository):
    # ---- carts ----------------------------------------------------------------------------------------------

    def get_cart(self, customer_id: str, restaurant_id: str) -> Cart | None:
        raw = self.client.get_item(TableName=self._table, Key=serialize(keys.cart(customer_id, restaurant_id)))
        item = raw.get("Item")
        return Cart.model_validate(_strip(deserialize(item))) if item else None

    def get_cart_with(
        self, customer_id: str, restaurant_id: str, other: Mapping[str, str]
    ) -> tuple[Cart | None, Item | None]:
        """The cart and the item at ``other`` (a key of this table that another repository keeps: checkout's
        idempotency record), both strongly consistent, in one BatchGetItem: one round trip instead of two
        GetItems' two."""
        cart_key = keys.cart(customer_id, restaurant_id)
        cart: Cart | None = None
        found: Item | None = None
        for raw in self.batch_get_raw([cart_key, other], consistent=True):
            item = deserialize(raw)
            if item["PK"] == cart_key["PK"] and item["SK"] == cart_key["SK"]:
                cart = Cart.model_validate(_strip(item))
            else:
                found = item
        return cart, found

    def list_carts(self, customer_id: str) -> list[Cart]:
        page = self.client.query(
            TableName=self._table,
            KeyConditionExpression="PK = :pk AND begins_with(SK, :prefix)",
            ExpressionAttributeValues=serialize(
                {":pk": keys.customer_partition(customer_id), ":prefix": keys.CART_PREFIX}
            ),
        )
        return [Cart.model_validate(_strip(deserialize(raw))) for raw in page.get("Items", [])]

    def save_cart(self, cart: Cart, *, expected_version: int) -> None:
        """Write ``cart`` (whose version is already bumped) if the stored one is at ``expected_version`` (0: absent)."""
        item = {**keys.cart(cart.customer_id, cart.restaurant_id), "entity": "cart", **_dump(cart)}
        condition = "attribute_not_exists(PK)" if expected_version == 0 else "version = :expected"
        params: dict[str, Any] = {"TableName": self._table, "Item": serialize(item), "ConditionExpression": condition}
        if expected_version:
            params["ExpressionAttributeValues"] = serialize({":expected": expected_version})
        try:
            self.client.put_item(**params)
        except Exception as error:
            if is_condition_failure(error):
                raise StaleVersion("the cart changed meanwhile; read it again") from None
            raise

    def delete_cart(self, customer_id: str, restaurant_id: str) -> None:
        self.client.delete_item(TableName=self._table, Key=serialize(keys.cart(customer_id, restaurant_id)))

    # ---- what pricing reads ---------------------------------------------------------------------------------

    def pricing_inputs(
        self,
        restaurant_id: str,
        item_ids: Iterable[str],
        *,
        discount_code: str | None,
        customer_id: str,
        check_erased: bool = False,
    ) -> PricingInputs:
        """The restaurant, the menu items named, the discount code and whether this customer used it: one batch;
        with ``check_erased``, also whether the customer erased their account (``waiter.accounts.privacy``)."""
        wanted = [keys.restaurant(restaurant_id), *(keys.menu_item(restaurant_id, i) for i in sorted(set(item_ids)))]
        if discount_code:
            wanted += [
                keys.discount_code(restaurant_id, discount_code),
                keys.discount_use(restaurant_id, discount_code, customer_id),
            ]
        if check_erased:
            wanted.append(keys.erased_account(customer_id))
        inputs = PricingInputs(restaurant=None)
        for raw in self.batch_get_raw(wanted):
            entity = raw.get("entity", {}).get("S")
            if entity == "restaurant":
                inputs.restaurant = STORED_RESTAURANTS.read(raw)
                continue
            if entity == "menuItem":
                menu_item = STORED_MENU_ITEMS.read(raw)
                inputs.menu[menu_item.id] = menu_item
                continue
            item = deserialize(raw)
            if entity == "discountCode":
                inputs.discount = DiscountCode.model_validate(_strip(item))
            elif entity == "discountUse":
                inputs.discount_used = True
            elif entity == "erasedAccount":
                inputs.customer_erased = True
        return inputs

    def _batch_get(self, wanted: list[dict[str, str]]) -> list[Item]:
        return self.batch_get(wanted)

    # ---- discount codes -------------------------------------------------------------------------------------

    def create_discount(self, code: DiscountCode) -> None:
        item = {**keys.discount_code(code.restaurant_id, code.code), "entity": "discountCode", **_dump(code)}
        try:
            self.client.put_item(
                TableName=self._table, Item=serialize(item), ConditionExpression="attribute_not_exists(PK)"
            )
        except Exception as error:
            if is_condition_failure(error):
                raise Conflict(f"the code {code.code} already exists for this restaurant") from None
            raise

    # ---- orders ---------------------------------------------------------------------------------------------

    def place_order(
        self,
        order: Order,
        *,
        cart_version: int,
        restaurant_version: int,
        priced_items: dict[str, int],
        use_code: bool,
        claim: Mapping[str, Any] | None = None,
    ) -> None:
        """The checkout transaction (see the module docstring). ``priced_items`` maps item ids to priced versions;
        the restaurant must still be active at the version whose tax rate, fees and minimum were priced; ``claim``
        is the idempotency record's write (``CheckoutIdempotency.record_put``)."""
        writes: list[TransactWriteItemTypeDef] = [
            {
                "Put": {
                    "TableName": self._table,
                    "Item": serialize(_order_item(order)),
                    "ConditionExpression": "attribute_not_exists(PK)",
                }
            },
            {
                "Delete": {
                    "TableName": self._table,
                    "Key": serialize(keys.cart(order.customer_id, order.restaurant_id)),
                    "ConditionExpression": "version = :v",
                    "ExpressionAttributeValues": serialize({":v": cart_version}),
                }
            },
            {
                "ConditionCheck": {
                    "TableName": self._table,
                    "Key": serialize(keys.restaurant(order.restaurant_id)),
                    "ConditionExpression": "active = :yes AND version = :v",
                    "ExpressionAttributeValues": serialize({":yes": True, ":v": restaurant_version}),
                }
            },
        ]
        for item_id, version in sorted(priced_items.items()):
            writes.append(
                {
                    "ConditionCheck": {
                        "TableName": self._table,
                        "Key": serialize(keys.menu_item(order.restaurant_id, item_id)),
                        "ConditionExpression": "available = :yes AND version = :v",
                        "ExpressionAttributeValues": serialize({":yes": True, ":v": version}),
                    }
                }
            )
        if use_code and order.discount_code:
            use = keys.discount_use(order.restaurant_id, order.discount_code, order.customer_id)
            writes.append(
                {
                    "Put": {
                        "TableName": self._table,
                        "Item": serialize({**use, "entity": "discountUse", "orderId": order.id}),
                        "ConditionExpression": "attribute_not_exists(PK)",
                    }
                }
            )
        if claim:
            writes.append(cast("TransactWriteItemTypeDef", claim))
        try:
            self.client.transact_write_items(TransactItems=writes)
        except Exception as error:
            if claim and _conflicted_on_last(error):
                # another transaction was writing this key's record right then: the same key, still in flight
                raise StillProcessing from None
            if is_condition_failure(error):
                raise CheckoutConflict("the cart, its items or the discount changed; review the cart") from None
            raise

    def get_order(self, order_id: str) -> Order | None:
        raw = self.client.get_item(TableName=self._table, Key=serialize(keys.order(order_id))).get("Item")
        return Order.model_validate(_strip(deserialize(raw))) if raw else None

    def save_order(self, order: Order, *, expected_version: int) -> None:
        """Replace the order if it is still at ``expected_version`` (the optimistic lock of every transition)."""
        put_order_at(self, order, expected_version=expected_version)

    def customer_orders(self, customer_id: str, *, limit: int, cursor: str | None) -> tuple[list[Order], str | None]:
        """A customer's orders, newest first."""
        return self._order_page(
            "GSI1", "GSI1PK", keys.orders_of_customer(customer_id), limit, cursor, newest_first=True
        )

    def restaurant_orders(
        self, restaurant_id: str, *, status: OrderStatus | None, limit: int, cursor: str | None
    ) -> tuple[list[Order], str | None]:
        """A restaurant's orders, oldest first (the kitchen works through them in order), optionally by status."""
        if status is None:
            return self._order_page("GSI2", "GSI2PK", keys.orders_of_restaurant(restaurant_id), limit, cursor)
        partition = keys.orders_of_restaurant_in(restaurant_id, status.value)
        return self._order_page("GSI3", "GSI3PK", partition, limit, cursor)

    def placed_before(self, cutoff: str, *, limit: int) -> list[Order]:
        """Orders still ``PLACED`` that were created before ``cutoff`` (ISO 8601 UTC), oldest first, at most ``limit``
        of them: one Query on each shard of the sparse GSI4 (``keys.placed_order_shards``), merged."""
        return self._gsi4_before(keys.placed_order_shards(), cutoff, limit)

    def unpaid_before(self, cutoff: str, *, limit: int) -> list[Order]:
        """Card orders still ``AWAITING_PAYMENT`` that were created before ``cutoff``, oldest first, at most ``limit``:
        one Query on each of their shards of GSI4 (``keys.unpaid_order_shards``), merged."""
        return self._gsi4_before(keys.unpaid_order_shards(), cutoff, limit)

    def _gsi4_before(self, partitions: list[str], cutoff: str, limit: int) -> list[Order]:
        due: list[Order] = []
        for partition in partitions:
            page = self.client.query(
                TableName=self._table,
                IndexName="GSI4",
                KeyConditionExpression="GSI4PK = :pk AND GSI1SK < :cutoff",
                ExpressionAttributeValues=serialize({":pk": partition, ":cutoff": cutoff}),
                Limit=limit,
            )
            due += self._orders_named(page.get("Items", []))
        return sorted(due, key=lambda order: order.created_at)[:limit]

    def _orders_named(self, entries: list[Any]) -> list[Order]:
        """The orders a keys-only index's entries name, read back by BatchGetItem, in the entries' order (an order
        deleted meanwhile is left out)."""
        wanted = [{"PK": str(deserialize(e)["PK"]), "SK": str(deserialize(e)["SK"])} for e in entries]
        found: dict[str, Order] = {}
        for start in range(0, len(wanted), _BATCH_GET_MAX):
            for item in self._batch_get(wanted[start : start + _BATCH_GET_MAX]):
                found[str(item["PK"])] = Order.model_validate(_strip(item))
        return [found[k["PK"]] for k in wanted if k["PK"] in found]

    def _order_page(
        self, index: str, key_attr: str, partition: str, limit: int, cursor: str | None, *, newest_first: bool = False
    ) -> tuple[list[Order], str | None]:
        params: dict[str, Any] = {
            "TableName": self._table,
            "IndexName": index,
            "KeyConditionExpression": f"{key_attr} = :pk",
            "ExpressionAttributeValues": serialize({":pk": partition}),
            "ScanIndexForward": not newest_first,
            "Limit": limit,
        }
        scope = f"{index}:{partition}"
        if cursor:
            params["ExclusiveStartKey"] = decode_cursor(cursor, scope, self._secret)
        page = self.client.query(**params)
        items = page.get("Items", [])
        orders = (
            [Order.model_validate(_strip(deserialize(raw))) for raw in items]
            if index in _WHOLE_ORDER_INDEXES
            else self._orders_named(items)
        )
        last = page.get("LastEvaluatedKey")
        return orders, (encode_cursor(dict(last), scope, self._secret) if last else None)


# GSI1 (a customer's orders) projects whole orders; the kitchen indexes GSI2 and GSI3 and the kitchen timeout's GSI4
# project keys only (template.yaml): an order is written to the table and four indexes when placed and to three
# or four at every transition, and over 1 KB each index entry of the whole order costs two write units. Their
# readers read the orders back (0.5 read unit each, a tenth of a write unit's price): the kitchen views are loaded
# when a screen opens, and then follow the WebSocket pushes instead of polling (docs/performance.md, P5).
_WHOLE_ORDER_INDEXES = frozenset({"GSI1"})


def _conflicted_on_last(error: Exception) -> bool:
    """A cancelled transaction whose last item (the idempotency record) met another transaction in progress."""
    reasons = getattr(error, "response", {}).get("CancellationReasons") or []
    return bool(reasons) and reasons[-1].get("Code") == "TransactionConflict"


def _dump(model: Cart | DiscountCode | Order) -> Item:
    return model.model_dump(mode="json", by_alias=True)


def _strip(item: Item) -> Item:
    return {k: v for k, v in item.items() if k not in _INTERNAL}


def _order_item(order: Order) -> Item:
    """The order with its index keys. Top-level ``id``, ``customerId``, ``restaurantId``, ``status``, ``version``
    and ``total`` also make every stream record self-describing for subscribers.

    The three order indexes sort by creation; GSI2 and GSI3 use GSI1SK as their range key (template.yaml), so the
    sort key is stored once. A card order that was never paid is in no kitchen index (GSI2, GSI3).
    """
    kitchen = kitchen_sees(order)
    gsi4 = None  # sparse: only orders waiting for the kitchen or for their payment are in GSI4
    if order.status is OrderStatus.PLACED:
        gsi4 = keys.placed_orders(order.id)  # the kitchen timeout's shards
    elif order.status is OrderStatus.AWAITING_PAYMENT:
        gsi4 = keys.unpaid_orders(order.id)  # the payment expiry's shards
    return {
        **keys.order(order.id),
        "GSI1PK": keys.orders_of_customer(order.customer_id),
        "GSI1SK": f"{order.created_at.isoformat()}#{order.id}",
        "GSI2PK": keys.orders_of_restaurant(order.restaurant_id) if kitchen else None,
        "GSI3PK": keys.orders_of_restaurant_in(order.restaurant_id, order.status.value) if kitchen else None,
        "GSI4PK": gsi4,
        "entity": "order",
        **_dump(order),
    }


def order_from_item(item: Item) -> Order:
    """An order as stored (index keys and all) back to the domain entity."""
    return Order.model_validate(_strip(item))


def put_order_at(repository: TableRepository, order: Order, *, expected_version: int) -> None:
    """Write ``order`` over the stored one if that is still at ``expected_version``; ``StaleVersion`` otherwise. Every
    replacement of an order (a transition, an erasure's anonymisation) goes through this one conditional write."""
    try:
        repository.client.put_item(
            TableName=repository._table,
            Item=serialize(_order_item(order)),
            ConditionExpression="version = :expected",
            ExpressionAttributeValues=serialize({":expected": expected_version}),
        )
    except Exception as error:
        if is_condition_failure(error):
            raise StaleVersion("the order changed meanwhile") from None
        raise
