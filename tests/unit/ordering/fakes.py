"""An in-memory ``OrderingStore`` keeping the real repository's promises where the ordering service relies on them
(carts and orders written only at the version read, checkout all or nothing), plus a counter store and an
idempotency guard that runs each operation, so ``OrderingService`` is tested without AWS."""

from __future__ import annotations

from collections.abc import Collection, Mapping
from dataclasses import dataclass, field
from typing import Any

from waiter.catalog.models import MenuItem, Restaurant
from waiter.ordering.models import Cart, DiscountCode, Order, OrderStatus
from waiter.repository.catalog import StaleVersion


@dataclass
class Inputs:
    restaurant: Restaurant | None
    menu: dict[str, MenuItem] = field(default_factory=dict)
    discount: DiscountCode | None = None
    discount_used: bool = False
    customer_erased: bool = False


@dataclass
class FakeOrderingStore:
    restaurants: dict[str, Restaurant] = field(default_factory=dict)
    items: dict[str, MenuItem] = field(default_factory=dict)
    carts: dict[tuple[str, str], Cart] = field(default_factory=dict)
    orders: dict[str, Order] = field(default_factory=dict)
    codes: dict[tuple[str, str], DiscountCode] = field(default_factory=dict)
    erased: set[str] = field(default_factory=set)  # customers who erased their account
    used: set[tuple[str, str, str]] = field(default_factory=set)

    def get_cart(self, customer_id: str, restaurant_id: str) -> Cart | None:
        return self.carts.get((customer_id, restaurant_id))

    def get_cart_with(
        self, customer_id: str, restaurant_id: str, other: Mapping[str, str]
    ) -> tuple[Cart | None, Mapping[str, Any] | None]:
        return self.carts.get((customer_id, restaurant_id)), None  # no other repository's items are kept here

    def list_carts(self, customer_id: str) -> list[Cart]:
        return [cart for (customer, _), cart in sorted(self.carts.items()) if customer == customer_id]

    def save_cart(self, cart: Cart, *, expected_version: int) -> None:
        stored = self.carts.get((cart.customer_id, cart.restaurant_id))
        if (stored.version if stored else 0) != expected_version:
            raise StaleVersion("the cart changed meanwhile; read it again")
        self.carts[cart.customer_id, cart.restaurant_id] = cart

    def delete_cart(self, customer_id: str, restaurant_id: str) -> None:
        self.carts.pop((customer_id, restaurant_id), None)

    def pricing_inputs(
        self,
        restaurant_id: str,
        item_ids: Collection[str],
        *,
        discount_code: str | None,
        customer_id: str,
        check_erased: bool = False,
    ) -> Inputs:
        code = self.codes.get((restaurant_id, discount_code)) if discount_code else None
        return Inputs(
            restaurant=self.restaurants.get(restaurant_id),
            menu={i: self.items[i] for i in item_ids if i in self.items},
            discount=code,
            discount_used=bool(discount_code) and (restaurant_id, str(discount_code), customer_id) in self.used,
            customer_erased=check_erased and customer_id in self.erased,
        )

    def placed_before(self, cutoff: str, *, limit: int) -> list[Order]:
        due = [o for o in self.orders.values() if o.status is OrderStatus.PLACED and o.created_at.isoformat() < cutoff]
        return sorted(due, key=lambda o: o.created_at)[:limit]

    def unpaid_before(self, cutoff: str, *, limit: int) -> list[Order]:
        due = [
            o
            for o in self.orders.values()
            if o.status is OrderStatus.AWAITING_PAYMENT and o.created_at.isoformat() < cutoff
        ]
        return sorted(due, key=lambda o: o.created_at)[:limit]

    def create_discount(self, code: DiscountCode) -> None:
        self.codes[code.restaurant_id, code.code] = code

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
        cart = self.carts.get((order.customer_id, order.restaurant_id))
        restaurant = self.restaurants.get(order.restaurant_id)
        if (
            order.id in self.orders
            or cart is None
            or cart.version != cart_version
            or restaurant is None
            or restaurant.version != restaurant_version
            or any(self.items[i].version != v for i, v in priced_items.items())
        ):
            raise StaleVersion("the cart, its items or the discount changed; review the cart")
        self.orders[order.id] = order
        del self.carts[order.customer_id, order.restaurant_id]
        if use_code and order.discount_code:
            self.used.add((order.restaurant_id, order.discount_code, order.customer_id))

    def get_order(self, order_id: str) -> Order | None:
        return self.orders.get(order_id)

    def save_order(self, order: Order, *, expected_version: int) -> None:
        stored = self.orders.get(order.id)
        if stored is None or stored.version != expected_version:
            raise StaleVersion("the order changed meanwhile")
        self.orders[order.id] = order

    def customer_orders(self, customer_id: str, *, limit: int, cursor: str | None) -> tuple[list[Order], str | None]:
        mine = [o for o in self.orders.values() if o.customer_id == customer_id]
        return sorted(mine, key=lambda o: o.created_at, reverse=True)[:limit], None

    def restaurant_orders(
        self, restaurant_id: str, *, status: OrderStatus | None, limit: int, cursor: str | None
    ) -> tuple[list[Order], str | None]:
        theirs = [o for o in self.orders.values() if o.restaurant_id == restaurant_id and status in (None, o.status)]
        return sorted(theirs, key=lambda o: o.created_at)[:limit], None


class RunEachTime:
    """An idempotency guard for which every key is free (the guard itself is tested against DynamoDB)."""

    def placed(self, key: str, payload: dict[str, Any]) -> str | None:
        return None

    def record_key(self, key: str) -> dict[str, str]:
        return {"key": key}

    def replayed(self, record: Mapping[str, Any] | None, payload: dict[str, Any]) -> str | None:
        return None

    def record_put(self, key: str, payload: dict[str, Any], order_id: str) -> dict[str, Any]:
        return {}
