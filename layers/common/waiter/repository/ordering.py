"""Carts, discount codes and orders in the single table.

Checkout is one ``TransactWriteItems``: the order is created if absent, the cart is deleted under its version,
the restaurant and every ordered menu item are checked to be active/available at the versions that were priced,
and a once-per-customer
discount code is marked used. Either all of it happens or none of it.
"""

from __future__ import annotations

import time
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from waiter.catalog.models import MenuItem, Restaurant
from waiter.errors import Conflict
from waiter.ordering.models import Cart, DiscountCode, Order, OrderStatus
from waiter.repository import keys
from waiter.repository.catalog import StaleVersion, menu_item_from_item, restaurant_from_item
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
        for item in self._batch_get(wanted):
            entity = item.get("entity")
            if entity == "restaurant":
                inputs.restaurant = restaurant_from_item(item)
            elif entity == "menuItem":
                menu_item = menu_item_from_item(item)
                inputs.menu[menu_item.id] = menu_item
            elif entity == "discountCode":
                inputs.discount = DiscountCode.model_validate(_strip(item))
            elif entity == "discountUse":
                inputs.discount_used = True
            elif entity == "erasedAccount":
                inputs.customer_erased = True
        return inputs

    def _batch_get(self, wanted: list[dict[str, str]]) -> list[Item]:
        found: list[Item] = []
        request: dict[str, Any] = {self._table: {"Keys": [serialize(k) for k in wanted]}}
        for attempt in range(_BATCH_RETRIES):
            result = self.client.batch_get_item(RequestItems=request)
            found += [deserialize(raw) for raw in result.get("Responses", {}).get(self._table, [])]
            request = dict(result.get("UnprocessedKeys") or {})
            if not request:
                return found
            time.sleep(0.02 * 2**attempt)  # DynamoDB asks to back off before retrying unprocessed keys
        raise RuntimeError("DynamoDB left keys unprocessed after retries")

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
    ) -> None:
        """The checkout transaction (see the module docstring). ``priced_items`` maps item ids to priced versions;
        the restaurant must still be active at the version whose tax rate, fees and minimum were priced."""
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
        try:
            self.client.transact_write_items(TransactItems=writes)
        except Exception as error:
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
        due: list[Order] = []
        for partition in keys.placed_order_shards():
            page = self.client.query(
                TableName=self._table,
                IndexName="GSI4",
                KeyConditionExpression="GSI4PK = :pk AND GSI1SK < :cutoff",
                ExpressionAttributeValues=serialize({":pk": partition, ":cutoff": cutoff}),
                Limit=limit,
            )
            due += [Order.model_validate(_strip(deserialize(raw))) for raw in page.get("Items", [])]
        return sorted(due, key=lambda order: order.created_at)[:limit]

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
        orders = [Order.model_validate(_strip(deserialize(raw))) for raw in page.get("Items", [])]
        last = page.get("LastEvaluatedKey")
        return orders, (encode_cursor(dict(last), scope, self._secret) if last else None)


def _dump(model: Cart | DiscountCode | Order) -> Item:
    return model.model_dump(mode="json", by_alias=True)


def _strip(item: Item) -> Item:
    return {k: v for k, v in item.items() if k not in _INTERNAL}


def _order_item(order: Order) -> Item:
    """The order with its index keys. Top-level ``id``, ``customerId``, ``restaurantId``, ``status``, ``version``
    and ``total`` also make every stream record self-describing for subscribers.

    The three order indexes sort by creation; GSI2 and GSI3 use GSI1SK as their range key (template.yaml), so the
    sort key is stored once.
    """
    return {
        **keys.order(order.id),
        "GSI1PK": keys.orders_of_customer(order.customer_id),
        "GSI1SK": f"{order.created_at.isoformat()}#{order.id}",
        "GSI2PK": keys.orders_of_restaurant(order.restaurant_id),
        "GSI3PK": keys.orders_of_restaurant_in(order.restaurant_id, order.status.value),
        # sparse: only orders waiting for the kitchen are in GSI4 (the kitchen timeout's index)
        "GSI4PK": keys.placed_orders(order.id) if order.status is OrderStatus.PLACED else None,
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
