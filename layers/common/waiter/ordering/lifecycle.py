"""The order state machine: which status changes exist, who may make them, and placing an order from a priced
cart. Pure: it returns new ``Order`` values and stores nothing. ``docs/order-lifecycle.md`` draws it.

Who may act on an order at all is decided first (``order_actor``; ``Forbidden`` otherwise);
a change that actor may not make from the current status is a ``Conflict`` naming the ones it may make.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from waiter.catalog.models import DEFAULT_DELIVERY_MINUTES, DEFAULT_PREP_MINUTES
from waiter.errors import Conflict, FieldError, Forbidden, ValidationFailed
from waiter.identity import Principal
from waiter.ordering.models import (
    PREP_MINUTES_ALLOWED,
    REASON_ALLOWED,
    REASON_REQUIRED,
    Actor,
    ActorType,
    CartWarningCode,
    DeliveryAddress,
    Fulfilment,
    Order,
    OrderHistoryEntry,
    OrderStatus,
    OrderView,
    PaymentMethod,
    PaymentStatus,
    PricedCart,
)

S = OrderStatus
A = ActorType
_RESTAURANT = frozenset({A.STAFF, A.PARTNER, A.SYSTEM})
_BOTH = frozenset(Fulfilment)


@dataclass(frozen=True, slots=True)
class Transition:
    """A status change that exists, who may make it and for which fulfilments."""

    source: OrderStatus
    target: OrderStatus
    actors: frozenset[ActorType]
    fulfilments: frozenset[Fulfilment] = _BOTH


# The whole state machine. Staff, partners (a restaurant's POS) and the system have the same rights; customers
# may only cancel, and only before the restaurant accepted. A card order waits in AWAITING_PAYMENT, out of the
# kitchen's sight: only the system moves it on (paid: PLACED; unpaid too long: EXPIRED), and its customer may cancel.
TRANSITIONS: tuple[Transition, ...] = (
    Transition(S.AWAITING_PAYMENT, S.PLACED, frozenset({A.SYSTEM})),
    Transition(S.AWAITING_PAYMENT, S.CANCELLED, frozenset({A.CUSTOMER})),
    Transition(S.AWAITING_PAYMENT, S.EXPIRED, frozenset({A.SYSTEM})),
    Transition(S.PLACED, S.ACCEPTED, _RESTAURANT),
    Transition(S.PLACED, S.REJECTED, _RESTAURANT),
    Transition(S.PLACED, S.CANCELLED, _RESTAURANT | {A.CUSTOMER}),
    Transition(S.ACCEPTED, S.PREPARING, _RESTAURANT),
    Transition(S.ACCEPTED, S.CANCELLED, _RESTAURANT),
    Transition(S.PREPARING, S.READY, _RESTAURANT),
    Transition(S.PREPARING, S.CANCELLED, _RESTAURANT),
    Transition(S.READY, S.OUT_FOR_DELIVERY, _RESTAURANT, frozenset({Fulfilment.DELIVERY})),
    Transition(S.OUT_FOR_DELIVERY, S.DELIVERED, _RESTAURANT, frozenset({Fulfilment.DELIVERY})),
    Transition(S.READY, S.PICKED_UP, _RESTAURANT, frozenset({Fulfilment.PICKUP})),
)

TERMINAL: frozenset[OrderStatus] = frozenset({S.DELIVERED, S.PICKED_UP, S.REJECTED, S.CANCELLED, S.EXPIRED})

# Warnings that mean the priced cart is not what the customer would be ordering.
_BLOCKING = frozenset(
    {CartWarningCode.ITEM_UNAVAILABLE, CartWarningCode.OPTIONS_INVALID, CartWarningCode.MINIMUM_ORDER_NOT_MET}
)


def transitions_from(status: OrderStatus, fulfilment: Fulfilment, actor_type: ActorType) -> list[OrderStatus]:
    """The statuses an actor of ``actor_type`` may move an order of ``fulfilment`` to from ``status``.

    >>> transitions_from(OrderStatus.PLACED, Fulfilment.PICKUP, ActorType.CUSTOMER)
    [<OrderStatus.CANCELLED: 'CANCELLED'>]
    >>> [s.value for s in transitions_from(OrderStatus.READY, Fulfilment.PICKUP, ActorType.STAFF)]
    ['PICKED_UP']
    """
    return [
        t.target for t in TRANSITIONS if t.source is status and actor_type in t.actors and fulfilment in t.fulfilments
    ]


def allowed_transitions(order: Order, actor: Actor) -> list[OrderStatus]:
    """The statuses ``actor`` may move ``order`` to now; none for a customer who does not own it.

    >>> from waiter.ordering.lifecycle import _demo_order
    >>> [s.value for s in allowed_transitions(_demo_order(), Actor(type=ActorType.STAFF, id="s1"))]
    ['ACCEPTED', 'REJECTED', 'CANCELLED']
    """
    if not _has_rights(order, actor):
        return []
    return transitions_from(order.status, order.fulfilment, actor.type)


# A reason is what the restaurant tells the customer about a refusal (``ordering.models.REASON_REQUIRED``,
# ``REASON_ALLOWED``: the transition request's schema states them too).
_REASON_REQUIRED = REASON_REQUIRED
_REASON_ALLOWED = REASON_ALLOWED


def transition(
    order: Order,
    to: OrderStatus,
    actor: Actor,
    at: datetime,
    *,
    reason: str | None = None,
    prep_minutes: int | None = None,
) -> Order:
    """``order`` moved to ``to`` by ``actor`` at ``at``: a new order with its version bumped, the change (with
    ``reason``, if any) appended to its history and its ready-time estimates updated (``estimates``);
    ``prep_minutes`` is the kitchen's estimate when accepting.

    Raises ``Forbidden`` when a customer actor does not own the order, ``Conflict`` (with ``currentStatus``
    and ``allowed`` in ``extra``) when ``actor`` may not move it to ``to`` now, whether or not others may, and
    ``ValidationFailed`` on ``body.reason`` when a rejection has no reason or a move other than a rejection or
    a cancellation has one, and on ``body.prepMinutes`` when a move other than accepting has one. Staff and
    partner actors are trusted to be scoped to the order's restaurant: build them with ``order_actor``.

    >>> from datetime import UTC, datetime
    >>> from waiter.ordering.lifecycle import _demo_order
    >>> accepted = transition(_demo_order(), OrderStatus.ACCEPTED, Actor(type=ActorType.STAFF, id="s1"),
    ...     datetime(2026, 1, 15, 12, 5, tzinfo=UTC))
    >>> accepted.status.value, accepted.version, accepted.history[-1].from_.value
    ('ACCEPTED', 2, 'PLACED')
    >>> transition(accepted, OrderStatus.CANCELLED, Actor(type=ActorType.CUSTOMER, id="c1"), accepted.updated_at)
    Traceback (most recent call last):
    ...
    waiter.errors.Conflict: the order is ACCEPTED and you cannot change it any more
    >>> transition(_demo_order(), OrderStatus.REJECTED, Actor(type=ActorType.STAFF, id="s1"), accepted.updated_at,
    ...     reason="out of dough").history[-1].reason
    'out of dough'
    """
    if not _has_rights(order, actor):
        raise Forbidden("only the customer who placed an order or its restaurant may change it")
    allowed = transitions_from(order.status, order.fulfilment, actor.type)
    if to not in allowed:
        if allowed:
            detail = (
                f"the order is {order.status.value} and cannot move to {to.value}; "
                f"you may move it to {', '.join(s.value for s in allowed)}"
            )
        else:
            detail = f"the order is {order.status.value} and you cannot change it any more"
        raise Conflict(
            detail=detail, extra={"currentStatus": order.status.value, "allowed": [s.value for s in allowed]}
        )
    reason = check_transition_fields(to, reason, prep_minutes)
    entry = OrderHistoryEntry(from_=order.status, to=to, at=at, actor=actor, reason=reason)
    return order.model_copy(
        update={
            "status": to,
            "version": order.version + 1,
            "history": [*order.history, entry],
            "updated_at": at,
            **estimates(order, to, at, prep_minutes=prep_minutes),
        }
    )


def check_transition_fields(to: OrderStatus, reason: str | None, prep_minutes: int | None) -> str | None:
    """The reason a move to ``to`` keeps (stripped; None when blank), or ``ValidationFailed`` on ``body.reason``
    when a rejection has none or a move other than a rejection or a cancellation has one, and on
    ``body.prepMinutes`` when a move other than accepting has one (``TransitionRequest``'s schema says the same).

    >>> check_transition_fields(OrderStatus.CANCELLED, " changed my mind ", None)
    'changed my mind'
    """
    if reason is not None:
        reason = reason.strip() or None
    if reason is None and to in _REASON_REQUIRED:
        raise ValidationFailed.on("body.reason", f"is required to move an order to {to.value}: tell the customer why")
    if reason is not None and to not in _REASON_ALLOWED:
        raise ValidationFailed.on("body.reason", "is taken only when rejecting or cancelling an order")
    if prep_minutes is not None and to not in PREP_MINUTES_ALLOWED:
        raise ValidationFailed.on("body.prepMinutes", "is taken only when accepting an order")
    return reason


def estimates(order: Order, to: OrderStatus, at: datetime, *, prep_minutes: int | None = None) -> dict[str, Any]:
    """How a move of ``order`` to ``to`` at ``at`` changes its ready-time estimates (only the fields it changes).

    - ``PLACED`` (a card order, once paid): ready the restaurant's default from now, as a cash order is from its
      checkout.
    - ``ACCEPTED``: ready ``prep_minutes`` (the kitchen's estimate, else the default the order was placed with)
      from now: the kitchen starts when it accepts. Delivered ``deliveryMinutes`` after that.
    - ``READY``: nothing left to estimate about readiness; delivered ``deliveryMinutes`` from now.
    - a terminal status: no estimates at all.
    - otherwise (``PREPARING``, ``OUT_FOR_DELIVERY``): unchanged.

    >>> from datetime import UTC, datetime
    >>> from waiter.ordering.lifecycle import _demo_order
    >>> estimates(_demo_order(), OrderStatus.ACCEPTED, datetime(2026, 1, 15, 12, 5, tzinfo=UTC), prep_minutes=25)
    {'prep_minutes': 25, 'estimated_ready_at': datetime.datetime(2026, 1, 15, 12, 30, tzinfo=datetime.timezone.utc)}
    """
    if to in TERMINAL:
        return {"estimated_ready_at": None, "estimated_delivered_at": None}
    if to is S.PLACED and order.prep_minutes is not None:
        ready = at + timedelta(minutes=order.prep_minutes)
        return {"estimated_ready_at": ready, **_delivered(order, ready)}
    if to is S.ACCEPTED:
        minutes = prep_minutes or order.prep_minutes
        if minutes is None:  # an order placed before estimates existed: only the kitchen's word counts
            return {}
        ready = at + timedelta(minutes=minutes)
        return {"prep_minutes": minutes, "estimated_ready_at": ready, **_delivered(order, ready)}
    if to is S.READY:
        return {"estimated_ready_at": None, **_delivered(order, at)}
    return {}


def _delivered(order: Order, ready: datetime) -> dict[str, Any]:
    if order.fulfilment is not Fulfilment.DELIVERY or order.delivery_minutes is None:
        return {}
    return {"estimated_delivered_at": ready + timedelta(minutes=order.delivery_minutes)}


def order_view(order: Order, actor: Actor) -> OrderView:
    """``order`` as ``actor`` sees it: with the reason given for its current status and the statuses ``actor``
    may move it to now (so a client shows only the buttons that will work).

    >>> from waiter.ordering.lifecycle import _demo_order
    >>> [s.value for s in order_view(_demo_order(), Actor(type=ActorType.CUSTOMER, id="c1")).allowed_transitions]
    ['CANCELLED']
    """
    return OrderView(
        **dict(order),
        status_reason=order.history[-1].reason if order.history else None,
        allowed_transitions=allowed_transitions(order, actor),
    )


SYSTEM = Actor(type=ActorType.SYSTEM, id="kitchen-timeout")
"""Waiter itself, as the kitchen timeout's history entries name it."""

PAYMENTS = Actor(type=ActorType.SYSTEM, id="payments")
"""Waiter itself, as the payment provider's confirmations and the payment expiry name it in the history."""


def kitchen_sees(order: Order) -> bool:
    """Whether the restaurant sees ``order`` at all: a card order reaches the kitchen only once it is paid (an order
    that never became ``PLACED`` is in no kitchen list and no restaurant may read it).

    >>> from waiter.ordering.lifecycle import _demo_order
    >>> kitchen_sees(_demo_order()), kitchen_sees(_demo_order(payment_method=PaymentMethod.CARD))
    (True, False)
    """
    return placed_at(order) is not None


def placed_at(order: Order) -> datetime | None:
    """When ``order`` last became ``PLACED`` (the kitchen timeout counts from then); None when it never was."""
    return next((entry.at for entry in reversed(order.history) if entry.to is S.PLACED), None)


def reject_if_unaccepted(order: Order, now: datetime, timeout: timedelta) -> Order | None:
    """``order`` rejected by the system when it has waited in ``PLACED`` for ``timeout`` or longer at ``now``;
    None when it is not due (accepted meanwhile, or still within the time the kitchen has).

    >>> from datetime import UTC, datetime, timedelta
    >>> order = _demo_order()  # placed at 12:00
    >>> reject_if_unaccepted(order, datetime(2026, 1, 15, 12, 9, tzinfo=UTC), timedelta(minutes=10)) is None
    True
    >>> late = reject_if_unaccepted(order, datetime(2026, 1, 15, 12, 10, tzinfo=UTC), timedelta(minutes=10))
    >>> late.status.value, late.history[-1].actor.type.value, late.history[-1].reason
    ('REJECTED', 'system', 'the restaurant did not accept the order within 10 minutes')
    """
    since = placed_at(order)
    if order.status is not S.PLACED or since is None or now - since < timeout:
        return None
    minutes = timeout.total_seconds() / 60
    wait = f"{minutes:g} minutes" if minutes != 1 else "1 minute"
    reason = f"the restaurant did not accept the order within {wait}"
    return transition(order, S.REJECTED, SYSTEM, now, reason=reason)


def expire_if_unpaid(order: Order, now: datetime, timeout: timedelta) -> Order | None:
    """``order`` expired by the system when it has waited ``AWAITING_PAYMENT`` for ``timeout`` or longer at ``now``
    (counted from checkout); None when it is not due (paid or cancelled meanwhile, or still within its time).

    >>> from datetime import UTC, datetime, timedelta
    >>> order = _demo_order(payment_method=PaymentMethod.CARD)  # checked out at 12:00
    >>> expire_if_unpaid(order, datetime(2026, 1, 15, 12, 14, tzinfo=UTC), timedelta(minutes=15)) is None
    True
    >>> expired = expire_if_unpaid(order, datetime(2026, 1, 15, 12, 15, tzinfo=UTC), timedelta(minutes=15))
    >>> expired.status.value, expired.history[-1].actor.id, expired.history[-1].reason
    ('EXPIRED', 'payments', 'the order was not paid within 15 minutes')
    """
    if order.status is not S.AWAITING_PAYMENT or now - order.created_at < timeout:
        return None
    minutes = timeout.total_seconds() / 60
    wait = f"{minutes:g} minutes" if minutes != 1 else "1 minute"
    return transition(order, S.EXPIRED, PAYMENTS, now, reason=f"the order was not paid within {wait}")


def order_actor(principal: Principal, order: Order) -> Actor:
    """The actor ``principal`` is on ``order``: the restaurant's partner key, its staff (or an admin), or the
    customer who placed it; ``Forbidden`` when none of these.

    >>> from waiter.ordering.lifecycle import _demo_order
    >>> order_actor(Principal(user_id="c1"), _demo_order()).type.value
    'customer'
    >>> order_actor(Principal(user_id="c2"), _demo_order())
    Traceback (most recent call last):
    ...
    waiter.errors.Forbidden: only the customer who placed an order or its restaurant may change it
    """
    user_id = principal.user_id
    if user_id is not None:
        if principal.is_partner:
            if principal.acts_for(order.restaurant_id) and kitchen_sees(order):
                return Actor(type=ActorType.PARTNER, id=user_id)
        elif principal.staffs(order.restaurant_id) and kitchen_sees(order):
            return Actor(type=ActorType.STAFF, id=user_id)
        elif user_id == order.customer_id:
            return Actor(type=ActorType.CUSTOMER, id=user_id)
    raise Forbidden("only the customer who placed an order or its restaurant may change it")


def place_order(
    cart: PricedCart,
    *,
    order_id: str,
    customer_id: str,
    delivery_address: DeliveryAddress | None,
    at: datetime,
    prep_minutes: int = DEFAULT_PREP_MINUTES,
    delivery_minutes: int = DEFAULT_DELIVERY_MINUTES,
    payment_method: PaymentMethod = PaymentMethod.CASH,
) -> Order:
    """A new ``UNPAID`` order snapshotting ``cart`` (names, options, prices, totals), estimated ready
    ``prep_minutes`` (the restaurant's default) from ``at`` and, for delivery, delivered ``delivery_minutes`` later.
    A cash order is ``PLACED``; a card order is ``AWAITING_PAYMENT`` until the provider confirms the payment.

    Raises ``ValidationFailed`` on ``body.deliveryAddress`` when it is missing for delivery or given for pickup,
    and ``Conflict`` (listing the warnings in ``extra``) when the cart is empty, below the minimum order or has
    lines the menu no longer allows.

    >>> from waiter.ordering.lifecycle import _demo_order
    >>> _demo_order().history[0].from_ is None
    True
    """
    if cart.fulfilment is Fulfilment.DELIVERY and delivery_address is None:
        raise ValidationFailed.on("body.deliveryAddress", "is required for delivery")
    if cart.fulfilment is Fulfilment.PICKUP and delivery_address is not None:
        raise ValidationFailed.on("body.deliveryAddress", "must be omitted for pickup")
    blocking = [w for w in cart.warnings if w.code in _BLOCKING]
    if not cart.lines or blocking:
        reasons = [w.message for w in blocking] or ["the cart is empty"]
        raise Conflict(
            detail=f"the cart cannot be ordered: {'; '.join(reasons)}",
            errors=[FieldError("cart", r) for r in reasons],
            extra={"warnings": [w.model_dump(mode="json", by_alias=True) for w in blocking]},
        )
    customer = Actor(type=ActorType.CUSTOMER, id=customer_id)
    ready = at + timedelta(minutes=prep_minutes)
    delivery = cart.fulfilment is Fulfilment.DELIVERY
    status = OrderStatus.AWAITING_PAYMENT if payment_method is PaymentMethod.CARD else OrderStatus.PLACED
    return Order(
        id=order_id,
        customer_id=customer_id,
        restaurant_id=cart.restaurant_id,
        status=status,
        payment_status=PaymentStatus.UNPAID,
        payment_method=payment_method,
        fulfilment=cart.fulfilment,
        delivery_address=delivery_address,
        lines=cart.lines,
        subtotal=cart.subtotal,
        discount=cart.discount,
        delivery_fee=cart.delivery_fee,
        tax=cart.tax,
        tip=cart.tip,
        total=cart.total,
        currency=cart.currency,
        discount_code=cart.discount_code,
        history=[OrderHistoryEntry(from_=None, to=status, at=at, actor=customer)],
        created_at=at,
        updated_at=at,
        version=1,
        prep_minutes=prep_minutes,
        delivery_minutes=delivery_minutes if delivery else None,
        estimated_ready_at=ready,
        estimated_delivered_at=ready + timedelta(minutes=delivery_minutes) if delivery else None,
    )


def _has_rights(order: Order, actor: Actor) -> bool:
    return actor.type is not ActorType.CUSTOMER or actor.id == order.customer_id


def _demo_order(
    fulfilment: Fulfilment = Fulfilment.PICKUP, payment_method: PaymentMethod = PaymentMethod.CASH
) -> Order:
    """A placed order of customer ``c1`` at restaurant ``r1`` (awaiting payment when paid by card), for doctests."""
    from datetime import UTC  # noqa: PLC0415

    from waiter.ordering.models import PricedLine  # noqa: PLC0415

    line = PricedLine(
        line_id="l1", menu_item_id="pizza", name="Margherita", options=[], quantity=1, unit_price=950, line_total=950
    )
    cart = PricedCart(
        restaurant_id="r1", currency="EUR", fulfilment=fulfilment, lines=[line], subtotal=950, discount=0,
        delivery_fee=0, tax=67, tip=0, total=1017, warnings=[],
    )  # fmt: skip
    address = None
    if fulfilment is Fulfilment.DELIVERY:
        address = DeliveryAddress(line1="2 Side St", city="Berlin", postcode="10115", country="DE")
    return place_order(
        cart, order_id="o1", customer_id="c1", delivery_address=address, at=datetime(2026, 1, 15, 12, tzinfo=UTC),
        payment_method=payment_method,
    )  # fmt: skip
