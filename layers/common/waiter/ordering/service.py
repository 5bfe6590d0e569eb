"""Ordering use cases: carts priced by the backend, the transactional idempotent checkout, and order
transitions. Every protocol (REST now; GraphQL, WebSocket, SOAP later) calls these, so the rules live once."""

from __future__ import annotations

import re
import secrets
import uuid
from collections.abc import Callable, Collection, Mapping
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any, Protocol

from waiter.catalog import availability
from waiter.catalog.models import MenuItem, Restaurant
from waiter.catalog.service import DEFAULT_PAGE_SIZE, MAX_PAGE_SIZE, check_precondition, utc_now
from waiter.errors import (
    Conflict,
    Forbidden,
    NotFound,
    PreconditionFailed,
    StillProcessing,
    Unauthorized,
    ValidationFailed,
)
from waiter.identity import Principal
from waiter.money import format_money
from waiter.ordering import lifecycle, pricing
from waiter.ordering.models import (
    IDEMPOTENCY_KEY_MAX_LENGTH,
    IDEMPOTENCY_KEY_PATTERN,
    MAX_CART_LINES,
    Actor,
    Cart,
    CartItemAdd,
    CartLinePatch,
    CartSummary,
    Checkout,
    DiscountCode,
    DiscountCodeApply,
    DiscountCodeCreate,
    Fulfilment,
    Order,
    OrderStatus,
    OrderView,
    PricedCart,
)
from waiter.ratelimit import CHECKOUT_PER_CUSTOMER, RateLimiter


class PricingInputsLike(Protocol):
    restaurant: Restaurant | None
    menu: dict[str, MenuItem]
    discount: DiscountCode | None
    discount_used: bool
    customer_erased: bool


class OrderingStore(Protocol):
    """(``waiter.repository.ordering.OrderingRepository``)"""

    def get_cart(self, customer_id: str, restaurant_id: str) -> Cart | None: ...
    def get_cart_with(
        self, customer_id: str, restaurant_id: str, other: Mapping[str, str]
    ) -> tuple[Cart | None, Mapping[str, Any] | None]: ...
    def list_carts(self, customer_id: str) -> list[Cart]: ...
    def save_cart(self, cart: Cart, *, expected_version: int) -> None: ...
    def delete_cart(self, customer_id: str, restaurant_id: str) -> None: ...
    def pricing_inputs(
        self,
        restaurant_id: str,
        item_ids: Collection[str],
        *,
        discount_code: str | None,
        customer_id: str,
        check_erased: bool = False,
    ) -> PricingInputsLike: ...
    def create_discount(self, code: DiscountCode) -> None: ...
    def place_order(
        self,
        order: Order,
        *,
        cart_version: int,
        restaurant_version: int,
        priced_items: dict[str, int],
        use_code: bool,
        claim: Mapping[str, Any] | None = None,
    ) -> None: ...
    def get_order(self, order_id: str) -> Order | None: ...
    def save_order(self, order: Order, *, expected_version: int) -> None: ...
    def customer_orders(
        self, customer_id: str, *, limit: int, cursor: str | None
    ) -> tuple[list[Order], str | None]: ...
    def restaurant_orders(
        self, restaurant_id: str, *, status: OrderStatus | None, limit: int, cursor: str | None
    ) -> tuple[list[Order], str | None]: ...
    def placed_before(self, cutoff: str, *, limit: int) -> list[Order]: ...
    def unpaid_before(self, cutoff: str, *, limit: int) -> list[Order]: ...


class IdempotencyGuard(Protocol):
    """At most one order per idempotency key and payload, kept 24 hours
    (``waiter.repository.idempotency.CheckoutIdempotency``).

    ``placed`` answers the order a key already placed (a replay) or None when the key is free; a different payload
    under the same key is refused (422), a key whose first request is still running too (409). ``replayed`` answers
    the same from the key's record read elsewhere: checkout reads it with the cart, at ``record_key``
    (``OrderingStore.get_cart_with``). ``record_put`` is the storage's write that takes the key for an order: the
    checkout transaction makes it with the order (``OrderingStore.place_order(claim=...)``), so a key is used if
    and only if its order is placed."""

    def placed(self, key: str, payload: dict[str, Any]) -> str | None: ...
    def record_key(self, key: str) -> Mapping[str, str]: ...
    def replayed(self, record: Mapping[str, Any] | None, payload: dict[str, Any]) -> str | None: ...
    def record_put(self, key: str, payload: dict[str, Any], order_id: str) -> Mapping[str, Any]: ...


def new_order_id() -> str:
    return uuid.uuid4().hex


def new_line_id() -> str:
    """Twelve random hex digits, as the first twelve of a random UUID's are (48 random bits), without building the
    UUID (a tenth of the cost)."""
    return secrets.token_hex(6)


def _customer(caller: Principal) -> str:
    if caller.user_id is None:
        raise Unauthorized("sign in first")
    return caller.user_id


def _check_limit(limit: int) -> None:
    if not 1 <= limit <= MAX_PAGE_SIZE:
        raise ValidationFailed.on("query.limit", f"must be between 1 and {MAX_PAGE_SIZE}")


@dataclass
class OrderingService:
    store: OrderingStore
    limiter: RateLimiter
    idempotency: IdempotencyGuard
    clock: Callable[[], datetime] = utc_now
    ids: Callable[[], str] = new_order_id
    # Called once per order placed and per status change (not on idempotent replays): business metrics hook in here.
    on_placed: Callable[[Order], None] = lambda _order: None
    on_moved: Callable[[Order], None] = lambda _order: None

    # ---- carts ----------------------------------------------------------------------------------------------

    def list_carts(self, caller: Principal) -> list[CartSummary]:
        return [
            CartSummary(
                restaurant_id=c.restaurant_id,
                line_count=len(c.lines),
                item_count=sum(line.quantity for line in c.lines),
                discount_code=c.discount_code,
                updated_at=c.updated_at,
            )
            for c in self.store.list_carts(_customer(caller))
            if c.lines
        ]

    def get_cart(
        self, caller: Principal, restaurant_id: str, *, fulfilment: Fulfilment = Fulfilment.DELIVERY, tip: int = 0
    ) -> PricedCart:
        """The caller's cart at the restaurant, priced now (an empty cart when there is none)."""
        customer = _customer(caller)
        cart = self.store.get_cart(customer, restaurant_id) or self._empty_cart(customer, restaurant_id)
        return self._price(cart, fulfilment=fulfilment, tip=tip)[0]

    def add_item(self, caller: Principal, restaurant_id: str, data: CartItemAdd) -> PricedCart:
        customer = _customer(caller)
        stored = self.store.get_cart(customer, restaurant_id)
        cart = stored or self._empty_cart(customer, restaurant_id)
        if len(cart.lines) >= MAX_CART_LINES:
            raise Conflict(f"a cart holds at most {MAX_CART_LINES} lines")
        inputs = self._inputs(cart, extra_items=[data.menu_item_id], check_erased=stored is None)
        if inputs.customer_erased:
            # An ID token outlives the account it names (API Gateway accepts it until it expires): a new cart must
            # not bring personal data back under an erased customer's id.
            raise Unauthorized("this account has been deleted")
        restaurant = self._open_restaurant(inputs.restaurant, restaurant_id)
        line = pricing.new_cart_line(restaurant, inputs.menu, data, line_id=new_line_id())
        return self._save(cart, [*cart.lines, line], inputs=inputs)

    def update_line(self, caller: Principal, restaurant_id: str, line_id: str, data: CartLinePatch) -> PricedCart:
        cart = self._existing_cart(caller, restaurant_id)
        if not any(line.line_id == line_id for line in cart.lines):
            raise NotFound(f"line {line_id} is not in this cart")
        lines = [
            line.model_copy(update={"quantity": data.quantity}) if line.line_id == line_id else line
            for line in cart.lines
        ]
        return self._save(cart, lines)

    def remove_line(self, caller: Principal, restaurant_id: str, line_id: str) -> PricedCart:
        cart = self._existing_cart(caller, restaurant_id)
        lines = [line for line in cart.lines if line.line_id != line_id]
        if len(lines) == len(cart.lines):
            raise NotFound(f"line {line_id} is not in this cart")
        return self._save(cart, lines)

    def apply_discount(self, caller: Principal, restaurant_id: str, data: DiscountCodeApply) -> PricedCart:
        customer = _customer(caller)
        cart = self.store.get_cart(customer, restaurant_id) or self._empty_cart(customer, restaurant_id)
        candidate = cart.model_copy(update={"discount_code": data.code})
        inputs = self._inputs(candidate)
        restaurant = self._open_restaurant(inputs.restaurant, restaurant_id)
        if inputs.discount is None:
            raise ValidationFailed.on("body.code", "is not a valid code for this restaurant")
        subtotal = self._price(cart, inputs=inputs)[0].subtotal
        pricing.check_discount_code(
            inputs.discount, restaurant, subtotal=subtotal, customer_has_used_discount=inputs.discount_used,
            now=self.clock(),
        )  # fmt: skip
        return self._save(candidate, cart.lines, inputs=inputs, expected_version=cart.version)

    def remove_discount(self, caller: Principal, restaurant_id: str) -> PricedCart:
        cart = self._existing_cart(caller, restaurant_id)
        return self._save(cart.model_copy(update={"discount_code": None}), cart.lines, expected_version=cart.version)

    def empty_cart(self, caller: Principal, restaurant_id: str) -> None:
        self.store.delete_cart(_customer(caller), restaurant_id)

    def create_discount(self, caller: Principal, restaurant_id: str, data: DiscountCodeCreate) -> DiscountCode:
        inputs = self.store.pricing_inputs(restaurant_id, [], discount_code=None, customer_id="-")
        if inputs.restaurant is None:
            raise NotFound(f"restaurant {restaurant_id} does not exist")
        if not caller.staffs(restaurant_id):
            raise Forbidden("you do not manage this restaurant")
        code = pricing.new_discount_code(inputs.restaurant, data, at=self.clock())
        self.store.create_discount(code)
        return code

    # ---- checkout -------------------------------------------------------------------------------------------

    def checkout(self, caller: Principal, data: Checkout, *, idempotency_key: str | None) -> OrderView:
        """Place an order from the open cart, at most once per idempotency key (kept 24 hours, per customer)."""
        customer = _customer(caller)
        if not idempotency_key:
            raise ValidationFailed.on("header.Idempotency-Key", "is required to check out")
        if not re.fullmatch(IDEMPOTENCY_KEY_PATTERN, idempotency_key):
            raise ValidationFailed.on(
                "header.Idempotency-Key",
                f"must be 1 to {IDEMPOTENCY_KEY_MAX_LENGTH} visible ASCII characters (no spaces), such as a UUID",
            )
        key, payload = f"{customer}:{idempotency_key}", data.model_dump(mode="json", by_alias=True)
        # The key's record and the cart in one read (a round trip less than two reads; a replay's cart is read for
        # nothing), before anything counts: a replay does not count against the rate limit.
        cart, record = self.store.get_cart_with(customer, data.restaurant_id, self.idempotency.record_key(key))
        order_id = self.idempotency.replayed(record, payload)
        if order_id is None:

            def claim(new_order_id: str) -> Mapping[str, Any]:
                return self.idempotency.record_put(key, payload, new_order_id)

            try:
                return _view(caller, self._place(customer, data, cart, claim=claim))
            except Conflict:
                # A duplicate of this request that ran alongside it may have placed the order first (its record then
                # refused this transaction, or its transaction emptied the cart this one read): replay that order.
                order_id = self.idempotency.placed(key, payload)
                if order_id is None:
                    raise
        # a replay: the first request with this key placed the order; answer with it as it is now
        order = self.store.get_order(order_id)
        if order is None:
            raise NotFound("the order this Idempotency-Key placed no longer exists")
        return _view(caller, order)

    def _place(
        self, customer: str, data: Checkout, cart: Cart | None, *, claim: Callable[[str], Mapping[str, Any]]
    ) -> Order:
        self.limiter.hit(CHECKOUT_PER_CUSTOMER, customer)
        if cart is None or not cart.lines:
            raise Conflict("your cart at this restaurant is empty", extra={"cart": None})
        priced, inputs = self._price(cart, fulfilment=data.fulfilment, tip=data.tip)
        restaurant = self._open_restaurant(inputs.restaurant, data.restaurant_id)
        now = self.clock()
        # closed or paused: 409 naming until when, before anything is written (a pause racing this check changes the
        # restaurant's version, which the checkout transaction below holds it to)
        availability.check_taking_orders(restaurant, now)
        pricing.check_tip(data.tip, restaurant, subtotal=priced.subtotal)  # a tip above the subtotal is a 400
        if priced.total != data.expected_total:
            now_total, expected = (
                format_money(priced.total, priced.currency),
                format_money(data.expected_total, priced.currency),
            )
            raise Conflict(
                f"the total is now {now_total}, not {expected}; review the cart and confirm",
                extra={
                    "amount": priced.total,
                    "expectedAmount": data.expected_total,
                    "currency": priced.currency,
                    "cart": priced.model_dump(mode="json", by_alias=True),
                },
            )
        order = lifecycle.place_order(
            priced,
            order_id=self.ids(),
            customer_id=customer,
            delivery_address=data.delivery_address,
            at=now,
            prep_minutes=restaurant.default_prep_minutes,
            delivery_minutes=restaurant.delivery_minutes,
            payment_method=data.payment_method,
        )
        counted = {line.menu_item_id for line in priced.lines}
        versions = {item_id: inputs.menu[item_id].version for item_id in counted}
        use_code = bool(order.discount_code and inputs.discount and inputs.discount.once_per_customer)
        try:
            self.store.place_order(
                order,
                cart_version=cart.version,
                restaurant_version=restaurant.version,
                priced_items=versions,
                use_code=use_code,
                claim=claim(order.id),
            )
        except StillProcessing:
            raise
        except Conflict:
            fresh = self.store.get_cart(customer, data.restaurant_id)
            repriced = self._price(fresh, fulfilment=data.fulfilment, tip=data.tip)[0] if fresh else None
            raise Conflict(
                "the cart, its items or the discount changed while checking out; review the cart",
                extra={"cart": repriced.model_dump(mode="json", by_alias=True) if repriced else None},
            ) from None
        self.on_placed(order)
        return order

    # ---- orders ---------------------------------------------------------------------------------------------

    def get_order(self, caller: Principal, order_id: str) -> OrderView:
        """The order, for its customer and its restaurant only; anyone else gets 404 so ids cannot be probed."""
        order = self.store.get_order(order_id)
        if order is None or not _may_see(caller, order):
            raise NotFound(f"order {order_id} does not exist")
        return _view(caller, order)

    def view_for(self, caller: Principal, order: Order) -> OrderView | None:
        """``order`` as ``caller`` sees it, or None when ``caller`` may not see it (the same rule as ``get_order``):
        for pushing an order someone loaded elsewhere (the live-update notifier)."""
        return _view(caller, order) if _may_see(caller, order) else None

    def my_orders(
        self, caller: Principal, *, limit: int = DEFAULT_PAGE_SIZE, cursor: str | None = None
    ) -> tuple[list[OrderView], str | None]:
        _check_limit(limit)
        orders, next_cursor = self.store.customer_orders(_customer(caller), limit=limit, cursor=cursor)
        return [_view(caller, order) for order in orders], next_cursor

    def kitchen_orders(
        self,
        caller: Principal,
        restaurant_id: str,
        *,
        status: OrderStatus | None = None,
        limit: int = DEFAULT_PAGE_SIZE,
        cursor: str | None = None,
    ) -> tuple[list[OrderView], str | None]:
        """A restaurant's orders, oldest first: for its staff, admins and its partner key."""
        _check_limit(limit)
        if not caller.acts_for(restaurant_id):
            raise Forbidden("you do not work for this restaurant")
        orders, next_cursor = self.store.restaurant_orders(restaurant_id, status=status, limit=limit, cursor=cursor)
        return [_view(caller, order) for order in orders], next_cursor

    def cancel(
        self, caller: Principal, order_id: str, *, reason: str | None = None, if_match: Collection[int] | None = None
    ) -> OrderView:
        return self.transition(caller, order_id, OrderStatus.CANCELLED, reason=reason, if_match=if_match)

    def transition(
        self,
        caller: Principal,
        order_id: str,
        to: OrderStatus,
        *,
        restaurant_id: str | None = None,
        reason: str | None = None,
        prep_minutes: int | None = None,
        if_match: Collection[int] | None = None,
    ) -> OrderView:
        """Move the order to ``to`` if the state machine lets this caller; an optimistic-locked write.

        ``restaurant_id`` is given by the kitchen and partner routes: only those working for it may use them.
        ``prep_minutes`` is the kitchen's estimate when accepting. ``if_match`` holds the versions the caller last
        saw (``If-Match``): when the order has moved past them the move is refused with 412 and nothing is written;
        ``None`` moves whatever the current version is.
        """
        if restaurant_id is not None and not caller.acts_for(restaurant_id):
            raise Forbidden("you do not work for this restaurant")
        order = self.store.get_order(order_id)
        if order is None or not _may_see(caller, order) or (restaurant_id and order.restaurant_id != restaurant_id):
            raise NotFound(f"order {order_id} does not exist")
        actor = lifecycle.order_actor(caller, order)
        try:
            check_precondition(order.version, if_match)
        except PreconditionFailed as stale:
            stale.extra.update(_where_it_is(order, actor))
            raise
        moved = lifecycle.transition(order, to, actor, self.clock(), reason=reason, prep_minutes=prep_minutes)
        try:
            self.store.save_order(moved, expected_version=order.version)
        except Conflict:
            current = self.store.get_order(order_id) or order
            details = _where_it_is(current, actor)
            if if_match is not None:  # the caller asked not to overwrite a newer move: this is one
                raise PreconditionFailed(
                    f"the order changed since you read it; it is now {current.status.value} (ETag mismatch)",
                    extra=details,
                ) from None
            raise Conflict(f"the order changed meanwhile; it is now {current.status.value}", extra=details) from None
        self.on_moved(moved)
        return lifecycle.order_view(moved, actor)

    def reject_unaccepted(self, *, timeout: timedelta, limit: int = 100) -> list[Order]:
        """Reject (as the system, with the reason) every order its restaurant left in ``PLACED`` for ``timeout``:
        the kitchen timeout, run on a schedule. Due orders come from one index Query; an order the kitchen moved
        meanwhile is left alone (the optimistic lock decides). Returns the orders rejected."""
        now = self.clock()
        cutoff = (now - timeout).isoformat()
        rejected = []
        for order in self.store.placed_before(cutoff, limit=limit):
            moved = lifecycle.reject_if_unaccepted(order, now, timeout)
            if moved is None:
                continue
            try:
                self.store.save_order(moved, expected_version=order.version)
            except Conflict:
                continue  # accepted (or cancelled) between the Query and the write: the kitchen won
            self.on_moved(moved)
            rejected.append(moved)
        return rejected

    def expire_unpaid(self, *, timeout: timedelta, limit: int = 100) -> list[Order]:
        """Expire (as the system, with the reason) every card order left ``AWAITING_PAYMENT`` for ``timeout`` since
        checkout: the payment expiry, run on a schedule. Due orders come from one index Query per shard; an order
        paid or cancelled meanwhile is left alone (the optimistic lock decides). Its payment intent is cancelled by
        the payment follow-up consumer, from the ``OrderStatusChanged`` this write publishes. Returns the orders
        expired."""
        now = self.clock()
        expired = []
        for order in self.store.unpaid_before((now - timeout).isoformat(), limit=limit):
            moved = lifecycle.expire_if_unpaid(order, now, timeout)
            if moved is None:
                continue
            try:
                self.store.save_order(moved, expected_version=order.version)
            except Conflict:
                continue  # paid (or cancelled) between the Query and the write: the payment won
            self.on_moved(moved)
            expired.append(moved)
        return expired

    # ---- helpers --------------------------------------------------------------------------------------------

    def _empty_cart(self, customer: str, restaurant_id: str) -> Cart:
        now = self.clock()
        return Cart(customer_id=customer, restaurant_id=restaurant_id, created_at=now, updated_at=now)

    def _existing_cart(self, caller: Principal, restaurant_id: str) -> Cart:
        cart = self.store.get_cart(_customer(caller), restaurant_id)
        if cart is None:
            raise NotFound("you have no cart at this restaurant")
        return cart

    def _inputs(
        self, cart: Cart, extra_items: Collection[str] = (), *, check_erased: bool = False
    ) -> PricingInputsLike:
        item_ids = {line.menu_item_id for line in cart.lines} | set(extra_items)
        return self.store.pricing_inputs(
            cart.restaurant_id,
            item_ids,
            discount_code=cart.discount_code,
            customer_id=cart.customer_id,
            check_erased=check_erased,
        )

    def _price(
        self,
        cart: Cart,
        *,
        fulfilment: Fulfilment = Fulfilment.DELIVERY,
        tip: int = 0,
        inputs: PricingInputsLike | None = None,
    ) -> tuple[PricedCart, PricingInputsLike]:
        inputs = inputs or self._inputs(cart)
        restaurant = self._open_restaurant(inputs.restaurant, cart.restaurant_id)
        priced = pricing.price_cart(
            restaurant,
            inputs.menu,
            cart.lines,
            fulfilment=fulfilment,
            tip=tip,
            discount=inputs.discount,
            customer_has_used_discount=inputs.discount_used,
            now=self.clock(),
        )
        return priced, inputs

    def _save(
        self,
        cart: Cart,
        lines: list[Any],
        *,
        inputs: PricingInputsLike | None = None,
        expected_version: int | None = None,
    ) -> PricedCart:
        expected = cart.version if expected_version is None else expected_version
        updated = cart.model_copy(update={"lines": lines, "version": expected + 1, "updated_at": self.clock()})
        self.store.save_cart(updated, expected_version=expected)
        return self._price(updated, inputs=inputs)[0]

    @staticmethod
    def _open_restaurant(restaurant: Restaurant | None, restaurant_id: str) -> Restaurant:
        if restaurant is None or not restaurant.active:
            raise NotFound(f"restaurant {restaurant_id} does not exist")
        return restaurant


def _where_it_is(order: Order, actor: Actor) -> dict[str, Any]:
    """What a refused move tells the caller: where the order is now and what they may do from there."""
    return {
        "currentStatus": order.status.value,
        "currentVersion": order.version,
        "allowed": [s.value for s in lifecycle.allowed_transitions(order, actor)],
    }


def _view(caller: Principal, order: Order) -> OrderView:
    """``order`` as ``caller`` sees it (``_may_see`` holds): the one place an order view is built."""
    return lifecycle.order_view(order, lifecycle.order_actor(caller, order))


def _may_see(caller: Principal, order: Order) -> bool:
    """The customer always; the restaurant once the order reached its kitchen (a card order: once it is paid)."""
    if caller.user_id is not None and caller.user_id == order.customer_id:
        return True
    return caller.acts_for(order.restaurant_id) and lifecycle.kitchen_sees(order)
