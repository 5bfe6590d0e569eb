"""A payment provider on one machine (local only: there is no such thing on AWS): the part of Stripe's REST API
Waiter calls, at a loopback URL the functions' ``stripe`` client is pointed at (the template's ``PaymentsApiBase``),
with its state in memory, delivering correctly signed webhooks with Stripe's event shapes to the gateway's
``POST /v1/webhooks/payments``.

- ``POST /v1/payment_intents`` (with ``Idempotency-Key``: the same key answers the same intent),
  ``GET /v1/payment_intents/{id}``, ``POST /v1/payment_intents/{id}/cancel``, ``POST /v1/refunds``; requests must
  carry the local API key (``Authorization: Bearer``), as Stripe's do.
- A customer "pays" with a test card through the gateway's ``POST /_local/payments/{paymentId}/confirm``:
  ``{"card": "4242424242424242"}`` succeeds, ``"4000000000000002"`` is declined, ``"4000000000003220"`` needs 3-D
  Secure (``requires_action``; a second confirm with ``{"action": "authenticate"}`` succeeds). In the cloud, the web
  client uses the provider's own card element instead.

The functions' secrets (the API key, the webhook secret) are seeded into moto's Secrets Manager by ``seed_secrets``,
so the functions read them exactly as they do on AWS.
"""

from __future__ import annotations

import hashlib
import hmac
import json
import logging
import secrets
import threading
import time
import urllib.error
import urllib.request
from dataclasses import dataclass, field
from http import HTTPStatus
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import parse_qsl

log = logging.getLogger("local.gateway")

CONFIRM_PREFIX = "/_local/payments/"
CONFIRM_SUFFIX = "/confirm"
WEBHOOK_PATH = "/v1/webhooks/payments"
API_KEY = "sk_test_local_waiter"
WEBHOOK_SECRET = "whsec_local_waiter"  # noqa: S105 - the local stack's own, public on purpose
CARD_SUCCEEDS, CARD_DECLINED, CARD_3DS = "4242424242424242", "4000000000000002", "4000000000003220"
_WEBHOOK_ATTEMPTS = 5


class ProviderError(Exception):
    """An answer in Stripe's error shape: ``{"error": {"type": ..., "message": ...}}``."""

    def __init__(self, status: int, message: str, kind: str = "invalid_request_error") -> None:
        super().__init__(message)
        self.status, self.kind = status, kind

    def body(self) -> dict[str, Any]:
        return {"error": {"type": self.kind, "message": str(self)}}


@dataclass
class LocalPaymentProvider:
    """The emulated provider's state and behaviour; ``serve()`` puts its REST API on a loopback port."""

    webhook_url: str = ""
    intents: dict[str, dict[str, Any]] = field(default_factory=dict)
    refunds: dict[str, dict[str, Any]] = field(default_factory=dict)
    delivered: list[dict[str, Any]] = field(default_factory=list)  # webhook events, oldest first
    _replies: dict[str, tuple[int, dict[str, Any]]] = field(default_factory=dict)  # by idempotency key
    _lock: threading.RLock = field(default_factory=threading.RLock)
    _server: ThreadingHTTPServer | None = None

    # ---- the REST API (what the stripe client calls) ------------------------------------------------------

    def handle(self, method: str, path: str, form: dict[str, str], key: str | None) -> tuple[int, dict[str, Any]]:
        with self._lock:
            if key and key in self._replies:
                return self._replies[key]
            try:
                reply = (200, self._route(method, path.split("?", 1)[0], form))
            except ProviderError as error:
                reply = (error.status, error.body())
            if key and reply[0] < 500:
                self._replies[key] = reply
            return reply

    def _route(self, method: str, path: str, form: dict[str, str]) -> dict[str, Any]:
        parts = [p for p in path.split("/") if p]
        match method, parts:
            case "POST", ["v1", "payment_intents"]:
                return self._create_intent(form)
            case "GET", ["v1", "payment_intents", payment_id]:
                return self._intent(payment_id)
            case "POST", ["v1", "payment_intents", payment_id, "cancel"]:
                return self._cancel(payment_id)
            case "POST", ["v1", "refunds"]:
                return self._refund(form)
        raise ProviderError(404, f"Unrecognized request URL ({method}: {path})")

    def _create_intent(self, form: dict[str, str]) -> dict[str, Any]:
        if not form.get("amount", "").isdigit() or not form.get("currency"):
            raise ProviderError(400, "amount and currency are required")
        payment_id = f"pi_local_{secrets.token_hex(8)}"
        intent = {
            "id": payment_id,
            "object": "payment_intent",
            "amount": int(form["amount"]),
            "amount_received": 0,
            "currency": form["currency"].lower(),
            "status": "requires_payment_method",
            "client_secret": f"{payment_id}_secret_{secrets.token_hex(8)}",
            "metadata": _metadata(form),
            "last_payment_error": None,
            "created": int(time.time()),
            "livemode": False,
        }
        self.intents[payment_id] = intent
        return intent

    def _intent(self, payment_id: str) -> dict[str, Any]:
        intent = self.intents.get(payment_id)
        if intent is None:
            raise ProviderError(404, f"No such payment_intent: '{payment_id}'")
        return intent

    def _cancel(self, payment_id: str) -> dict[str, Any]:
        intent = self._intent(payment_id)
        if intent["status"] in ("succeeded", "canceled"):
            raise ProviderError(400, f"This PaymentIntent's status is {intent['status']}; it cannot be canceled")
        intent["status"] = "canceled"
        return intent

    def _refund(self, form: dict[str, str]) -> dict[str, Any]:
        intent = self._intent(form.get("payment_intent", ""))
        if intent["status"] != "succeeded":
            raise ProviderError(400, "This PaymentIntent has not succeeded: there is nothing to refund")
        if any(r["payment_intent"] == intent["id"] for r in self.refunds.values()):
            raise ProviderError(400, f"Charge for {intent['id']} has already been refunded")
        refund = {
            "id": f"re_local_{secrets.token_hex(8)}",
            "object": "refund",
            "amount": intent["amount"],
            "currency": intent["currency"],
            "payment_intent": intent["id"],
            "status": "succeeded",
            "metadata": _metadata(form),
        }
        self.refunds[refund["id"]] = refund
        charge = {
            "id": f"ch_local_{intent['id'].removeprefix('pi_local_')}",
            "object": "charge",
            "amount": intent["amount"],
            "amount_refunded": intent["amount"],
            "currency": intent["currency"],
            "payment_intent": intent["id"],
            "refunded": True,
            "metadata": intent["metadata"],
        }
        self._send("charge.refunded", charge)
        return refund

    # ---- paying with a test card (the gateway's /_local/payments/{paymentId}/confirm) ---------------------

    def confirm(self, payment_id: str, body: dict[str, Any]) -> tuple[int, dict[str, Any]]:
        """Pay ``payment_id`` with ``body["card"]`` (a test number), or finish 3-D Secure with
        ``{"action": "authenticate"}``; the outcome is also delivered as a webhook."""
        with self._lock:
            try:
                return 200, self._confirm(payment_id, body)
            except ProviderError as error:
                return error.status, error.body()

    def _confirm(self, payment_id: str, body: dict[str, Any]) -> dict[str, Any]:
        intent = self._intent(payment_id)
        if intent["status"] in ("succeeded", "canceled"):
            raise ProviderError(400, f"This PaymentIntent's status is {intent['status']}")
        if body.get("action") == "authenticate":
            if intent["status"] != "requires_action":
                raise ProviderError(400, "This PaymentIntent does not require an action")
            return self._succeed(intent)
        card = str(body.get("card", ""))
        if card == CARD_SUCCEEDS:
            return self._succeed(intent)
        if card == CARD_3DS:
            intent.update(status="requires_action", next_action={"type": "use_stripe_sdk"})
            return intent
        if card == CARD_DECLINED:
            intent.update(
                status="requires_payment_method",
                last_payment_error={
                    "type": "card_error",
                    "code": "card_declined",
                    "message": "Your card was declined.",
                },
            )
            self._send("payment_intent.payment_failed", intent)
            return intent
        raise ProviderError(400, f"unknown test card; use {CARD_SUCCEEDS}, {CARD_DECLINED} or {CARD_3DS}")

    def _succeed(self, intent: dict[str, Any]) -> dict[str, Any]:
        intent.update(status="succeeded", amount_received=intent["amount"], last_payment_error=None, next_action=None)
        self._send("payment_intent.succeeded", intent)
        return intent

    # ---- webhooks -----------------------------------------------------------------------------------------

    def _send(self, event_type: str, obj: dict[str, Any]) -> None:
        event = {
            "id": f"evt_local_{secrets.token_hex(8)}",
            "object": "event",
            "type": event_type,
            "created": int(time.time()),
            "livemode": False,
            "data": {"object": json.loads(json.dumps(obj))},
        }
        self.delivered.append(event)
        if self.webhook_url:
            threading.Thread(target=self._deliver, args=(event,), name="local-payments-webhook", daemon=True).start()

    def _deliver(self, event: dict[str, Any]) -> None:
        """POST the event, signed, to the webhook; retried with backoff while it is not answered 2xx (as the
        provider does)."""
        payload = json.dumps(event).encode()
        for attempt in range(_WEBHOOK_ATTEMPTS):
            header = signature_header(payload, WEBHOOK_SECRET, int(time.time()))
            request = urllib.request.Request(  # noqa: S310 - the gateway's own loopback URL
                self.webhook_url,
                data=payload,
                method="POST",
                headers={"Content-Type": "application/json; charset=utf-8", "Stripe-Signature": header},
            )
            try:
                with urllib.request.urlopen(request, timeout=30) as answer:  # noqa: S310
                    log.info("payments -> webhook: %s %s %d", event["type"], event["id"], answer.status)
                    return
            except (urllib.error.URLError, OSError) as error:
                log.warning("payments -> webhook: %s %s failed (%s)", event["type"], event["id"], error)
            time.sleep(0.5 * 2**attempt)

    # ---- serving ------------------------------------------------------------------------------------------

    def serve(self, host: str = "127.0.0.1") -> str:
        """Serve the REST API on a free loopback port; its base URL (the ``stripe`` client's API base)."""
        provider = self

        class Handler(BaseHTTPRequestHandler):
            def do_GET(self) -> None:
                self._answer("GET")

            def do_POST(self) -> None:
                self._answer("POST")

            def _answer(self, method: str) -> None:
                if self.headers.get("Authorization") != f"Bearer {API_KEY}":
                    status, body = 401, ProviderError(401, "Invalid API Key provided", "authentication_error").body()
                else:
                    length = int(self.headers.get("Content-Length") or 0)
                    form = dict(parse_qsl(self.rfile.read(length).decode(), keep_blank_values=True))
                    status, body = provider.handle(method, self.path, form, self.headers.get("Idempotency-Key"))
                data = json.dumps(body).encode()
                self.send_response(status)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(data)))
                self.send_header("Request-Id", f"req_local_{secrets.token_hex(6)}")
                self.end_headers()
                self.wfile.write(data)

            def log_message(self, format: str, *args: Any) -> None:
                log.debug("payments: " + format, *args)

        self._server = ThreadingHTTPServer((host, 0), Handler)
        self._server.daemon_threads = True
        threading.Thread(target=self._server.serve_forever, name="local-payments", daemon=True).start()
        bound_host, port = self._server.server_address[:2]
        return f"http://{bound_host!s}:{port}"

    def stop(self) -> None:
        if self._server is not None:
            self._server.shutdown()
            self._server.server_close()


def signature_header(payload: bytes, secret: str, timestamp: int) -> str:
    """``Stripe-Signature`` as the provider makes it: ``t=<time>,v1=<HMAC-SHA256 of "<time>.<body>">``. Written
    here apart from Waiter's verifier (waiter.payments.signatures), so the local flow checks the one against the
    other."""
    digest = hmac.new(secret.encode(), f"{timestamp}.".encode() + payload, hashlib.sha256).hexdigest()
    return f"t={timestamp},v1={digest}"


def _metadata(form: dict[str, str]) -> dict[str, str]:
    """``metadata[orderId]=o1`` (how the stripe client form-encodes a dict) back to ``{"orderId": "o1"}``."""
    return {k[len("metadata[") : -1]: v for k, v in form.items() if k.startswith("metadata[") and k.endswith("]")}


def confirm_path_id(method: str, path: str) -> str | None:
    """The payment id of a ``POST /_local/payments/{paymentId}/confirm`` request, else None."""
    path = path.split("?", 1)[0]
    if method != "POST" or not path.startswith(CONFIRM_PREFIX) or not path.endswith(CONFIRM_SUFFIX):
        return None
    payment_id = path[len(CONFIRM_PREFIX) : -len(CONFIRM_SUFFIX)]
    return payment_id if payment_id and "/" not in payment_id else None


def confirm_response(provider: LocalPaymentProvider, payment_id: str, body: bytes) -> tuple[int, bytes]:
    """The gateway's answer to a confirm request: the intent after it (or the provider's error), as JSON."""
    try:
        data = json.loads(body or b"{}")
    except ValueError:
        data = None
    if not isinstance(data, dict):
        return HTTPStatus.BAD_REQUEST, json.dumps(ProviderError(400, "the body must be a JSON object").body()).encode()
    status, answer = provider.confirm(payment_id, data)
    return status, json.dumps(answer).encode()


def seed_secrets(stack: Any) -> None:
    """Put the local provider's API key and webhook secret into the template's payment secrets (in moto)."""
    client = stack.client("secretsmanager")
    for logical_id, value in (("PaymentsApiKeySecret", API_KEY), ("PaymentsWebhookSecret", WEBHOOK_SECRET)):
        secret = stack.provisioned.get(logical_id)
        if secret is not None:
            client.put_secret_value(SecretId=secret.ref, SecretString=value)
