"""P7 - local event latency: a staff transition answered over REST → its ``OrderStatusChanged`` delivered to a
consumer's queue, through the whole local chain (stream poll → PublishEventsFunction → bus → rule → SQS), p50/p95
over a bounded run against ``python -m local.gateway --port 0`` (as ``make dev`` runs it). Reported, not budgeted:
on AWS the stream's batching window and EventBridge's own delivery set the figure, not this machine."""

from __future__ import annotations

import json
import re
import time
import uuid
from collections.abc import Callable
from typing import Any

from bench.config import RunSize
from bench.results import PartResult, fmt, percentile, table
from local import samples


def measure(size: RunSize, progress: Callable[[str], None]) -> PartResult:
    import httpx  # noqa: PLC0415

    from local.gateway import spawn  # noqa: PLC0415
    from local.gateway.resources import aws_client  # noqa: PLC0415
    from local.seed import DEMO_CUSTOMER, DEMO_PASSWORD, DEMO_STAFF, SAMPLE_RESTAURANT_ID  # noqa: PLC0415

    result = PartResult("P8", "Local event latency")
    runs = max(5, size.gateway_latency_requests // 25)
    banner: list[str] = []
    progress(f"P8: {runs} transitions through the local chain")
    url, stop = spawn(port=0, banner=banner, timeout_s=180)
    try:
        endpoint = re.search(r"moto\s+(http://\S+)", "\n".join(banner))
        if endpoint is None:
            raise RuntimeError("the gateway's banner names no moto endpoint")
        sqs = aws_client("sqs", endpoint.group(1))  # the gateway's own dummy credentials
        events = aws_client("events", endpoint.group(1))
        [bus] = [b["Name"] for b in events.list_event_buses()["EventBuses"] if b["Name"] != "default"]
        queue = sqs.create_queue(QueueName=f"bench-{uuid.uuid4().hex[:8]}")["QueueUrl"]
        arn = sqs.get_queue_attributes(QueueUrl=queue, AttributeNames=["QueueArn"])["Attributes"]["QueueArn"]
        pattern = {"source": ["waiter.orders"], "detail-type": ["OrderStatusChanged"]}
        events.put_rule(Name="bench-latency", EventBusName=bus, EventPattern=json.dumps(pattern))
        events.put_targets(Rule="bench-latency", EventBusName=bus, Targets=[{"Id": "bench", "Arn": arn}])
        with httpx.Client(base_url=url, timeout=30) as api:
            customer = _token(api, DEMO_CUSTOMER.email, DEMO_PASSWORD)
            staff = _token(api, DEMO_STAFF.email, DEMO_PASSWORD)
            callers = (customer, staff)
            latencies = [_one(api, sqs, queue, callers, SAMPLE_RESTAURANT_ID) * 1000 for _ in range(runs)]
    finally:
        stop()
    p50, p95 = percentile(latencies, 0.5), percentile(latencies, 0.95)
    result.data = {"runs": runs, "p50_ms": p50, "p95_ms": p95, "samples_ms": latencies}
    result.markdown = table(
        ["transitions", "p50 ms", "p95 ms", "max ms"], [[runs, fmt(p50), fmt(p95), fmt(max(latencies))]]
    )
    return result


def place_pickup_order(api: Any, customer: dict[str, str], restaurant: str) -> str:
    """A pickup order of one line over the minimum, placed over HTTP; its id. A 429 (the demo customer may place 10
    orders a minute, ``waiter.ratelimit.CHECKOUT_PER_CUSTOMER``; a full run places more) is waited out once, as its
    ``Retry-After`` says: placing is not what P8 or P9 time."""
    menu = api.get(f"/v1/restaurants/{restaurant}/menu").json()
    line = samples.line_over_minimum(api.get(f"/v1/restaurants/{restaurant}").json(), menu)
    api.post(f"/v1/carts/{restaurant}/items", json=line, headers=customer).raise_for_status()
    total = api.get(f"/v1/carts/{restaurant}", params={"fulfilment": "pickup"}, headers=customer).json()["total"]
    body = {"restaurantId": restaurant, "fulfilment": "pickup", "expectedTotal": total}
    headers = {**customer, "Idempotency-Key": str(uuid.uuid4())}
    placed = api.post("/v1/orders", json=body, headers=headers)
    if placed.status_code == 429 and placed.headers.get("retry-after", "").isdigit():
        time.sleep(int(placed.headers["retry-after"]) + 1)
        placed = api.post("/v1/orders", json=body, headers=headers)
    placed.raise_for_status()
    return str(placed.json()["id"])


def _token(api: Any, email: str, password: str) -> dict[str, str]:
    answer = api.post("/v1/auth/login", json={"email": email, "password": password})
    answer.raise_for_status()
    return {"Authorization": f"Bearer {answer.json()['idToken']}"}


def _one(api: Any, sqs: Any, queue: str, callers: tuple[dict[str, str], dict[str, str]], restaurant: str) -> float:
    """Seconds from the transition's response to its event on the queue (placing the order is not timed)."""
    customer, staff = callers
    order = {"id": place_pickup_order(api, customer, restaurant)}
    moved = api.post(
        f"/v1/restaurants/{restaurant}/orders/{order['id']}/transitions", json={"to": "ACCEPTED"}, headers=staff
    )
    answered = time.perf_counter()
    moved.raise_for_status()
    deadline = answered + 30
    while time.perf_counter() < deadline:
        messages = sqs.receive_message(QueueUrl=queue, MaxNumberOfMessages=10, WaitTimeSeconds=1).get("Messages", [])
        for message in messages:
            sqs.delete_message(QueueUrl=queue, ReceiptHandle=message["ReceiptHandle"])
            if json.loads(message["Body"])["detail"]["orderId"] == order["id"]:
                return time.perf_counter() - answered
    raise TimeoutError(f"no OrderStatusChanged for order {order['id']} within 30 s")
