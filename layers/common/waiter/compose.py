"""Composition root: builds each service with its repository from the settings, once per process.

Adapters (REST handlers now; GraphQL, WebSocket and SOAP later) ask here for services instead of wiring
repositories themselves, so every protocol runs the same rules over the same storage.
"""

from __future__ import annotations

from functools import cache
from typing import TYPE_CHECKING

from waiter.catalog.service import CatalogService
from waiter.ratelimit import RateLimiter
from waiter.settings import get_settings

if TYPE_CHECKING:
    from waiter.accounts.id_tokens import IdTokenVerifier
    from waiter.accounts.privacy import PersonalDataService
    from waiter.accounts.service import AccountService
    from waiter.bus import EventBus
    from waiter.notifications import EmailNotifier
    from waiter.ordering.models import Order
    from waiter.ordering.service import OrderingService
    from waiter.partners.service import ApiKeyService
    from waiter.realtime.notifier import LiveNotifier
    from waiter.realtime.subscriptions import SubscriptionService
    from waiter.repository.idempotency import PowertoolsIdempotency


@cache
def catalog_service() -> CatalogService:
    from waiter.repository.catalog import CatalogRepository  # noqa: PLC0415 - keeps domain imports storage-free

    settings = get_settings()
    return CatalogService(CatalogRepository(settings.table_name, settings.cursor_secret))


@cache
def rate_limiter() -> RateLimiter:
    from waiter.repository.counters import CounterRepository  # noqa: PLC0415

    return RateLimiter(CounterRepository(get_settings().table_name))


@cache
def account_service() -> AccountService:
    from waiter.accounts.cognito import CognitoProvider  # noqa: PLC0415
    from waiter.accounts.service import AccountService  # noqa: PLC0415
    from waiter.repository.catalog import CatalogRepository  # noqa: PLC0415
    from waiter.repository.staff import StaffRepository  # noqa: PLC0415

    settings = get_settings()
    return AccountService(
        provider=CognitoProvider(settings.user_pool_id, settings.user_pool_client_id),
        staff=StaffRepository(settings.table_name),
        restaurants=CatalogRepository(settings.table_name, settings.cursor_secret),
        limiter=rate_limiter(),
        auto_confirm=settings.auto_confirm_signups,
    )


@cache
def personal_data_service() -> PersonalDataService:
    from waiter.accounts.cognito import CognitoProvider  # noqa: PLC0415
    from waiter.accounts.privacy import PersonalDataService  # noqa: PLC0415
    from waiter.repository.personal_data import PersonalDataRepository  # noqa: PLC0415

    settings = get_settings()
    return PersonalDataService(
        provider=CognitoProvider(settings.user_pool_id, settings.user_pool_client_id),
        store=PersonalDataRepository(settings.table_name),
        limiter=rate_limiter(),
    )


@cache
def api_key_service() -> ApiKeyService:
    from waiter.partners.service import ApiKeyService  # noqa: PLC0415
    from waiter.partners.usage_plans import ApiGatewayUsagePlans  # noqa: PLC0415
    from waiter.repository.catalog import CatalogRepository  # noqa: PLC0415
    from waiter.repository.partners import ApiKeyRepository  # noqa: PLC0415

    settings = get_settings()
    return ApiKeyService(
        store=ApiKeyRepository(settings.table_name),
        usage_plans=ApiGatewayUsagePlans(settings.usage_plan_id),
        restaurants=CatalogRepository(settings.table_name, settings.cursor_secret),
    )


@cache
def checkout_idempotency() -> PowertoolsIdempotency:
    from waiter.repository.idempotency import PowertoolsIdempotency  # noqa: PLC0415

    return PowertoolsIdempotency(get_settings().table_name)


@cache
def ordering_service() -> OrderingService:
    from waiter.ordering.service import OrderingService  # noqa: PLC0415
    from waiter.repository.ordering import OrderingRepository  # noqa: PLC0415

    settings = get_settings()
    return OrderingService(
        store=OrderingRepository(settings.table_name, settings.cursor_secret),
        limiter=rate_limiter(),
        idempotency=checkout_idempotency(),
        on_placed=_count_placed,
        on_moved=_count_moved,
    )


@cache
def event_bus() -> EventBus:
    from waiter.bus import EventBus  # noqa: PLC0415

    return EventBus(get_settings().event_bus_name)


@cache
def email_notifier() -> EmailNotifier:
    from waiter.accounts.cognito import CognitoProvider  # noqa: PLC0415
    from waiter.mail import Mailer  # noqa: PLC0415
    from waiter.notifications import EmailNotifier  # noqa: PLC0415
    from waiter.repository.deliveries import DeliveryRepository  # noqa: PLC0415

    settings = get_settings()
    directory = CognitoProvider(settings.user_pool_id, settings.user_pool_client_id)
    return EmailNotifier(
        deliveries=DeliveryRepository(settings.table_name),
        mailer=Mailer(settings.sender_email),
        email_of=directory.email_of,
    )


@cache
def id_token_verifier() -> IdTokenVerifier:
    from waiter.accounts.id_tokens import IdTokenVerifier  # noqa: PLC0415 - only authorizers verify tokens

    settings = get_settings()
    return IdTokenVerifier.from_env(settings.user_pool_id, settings.user_pool_client_id)


@cache
def subscription_service() -> SubscriptionService:
    from waiter.realtime.subscriptions import SubscriptionService  # noqa: PLC0415
    from waiter.repository.connections import ConnectionRepository  # noqa: PLC0415

    return SubscriptionService(store=ConnectionRepository(get_settings().table_name), ordering=ordering_service())


@cache
def live_notifier() -> LiveNotifier:
    from waiter.adapters.websocket import order_frame  # noqa: PLC0415
    from waiter.live_push import ConnectionPoster  # noqa: PLC0415
    from waiter.realtime.notifier import LiveNotifier  # noqa: PLC0415

    ordering = ordering_service()
    return LiveNotifier(
        subscriptions=subscription_service(),
        load_order=ordering.store.get_order,
        poster=ConnectionPoster(get_settings().websocket_endpoint),
        frame=lambda delivery: order_frame(delivery.subscription.topic, delivery.order),
    )


def _count_placed(order: Order) -> None:
    from waiter.observability import metrics  # noqa: PLC0415

    metrics.add_metric(name="OrderPlaced", unit="Count", value=1)
    metrics.add_metric(name="OrderValue", unit="None", value=order.total)


def _count_moved(order: Order) -> None:
    from waiter.observability import metrics  # noqa: PLC0415

    metrics.add_metric(name=f"Order{order.status.value.title().replace('_', '')}", unit="Count", value=1)
