"""SQS locally: the template's queues created in moto (visibility timeout, retention, redrive policy), and each
``SQS`` event source of a function polled and delivered as Lambda's event source mapping does it.

A poll receives up to the source's ``BatchSize`` messages, waiting at most ``MaximumBatchingWindowInSeconds`` to
fill the batch; the function gets Lambda's SQS event. Messages it handled are deleted; with
``ReportBatchItemFailures`` the ones it reports stay, as do all of them when it raises or times out. Those become
visible again after the queue's visibility timeout, and moto moves a message to the dead-letter queue once it was
received ``maxReceiveCount`` times: the redrive is the queue's, as on AWS.
"""

from __future__ import annotations

import hashlib
import json
import time
from typing import TYPE_CHECKING, Any

from local.gateway.delivery import Worker, deliver
from local.gateway.intrinsics import REGION

if TYPE_CHECKING:
    from local.gateway.functions import LambdaFunction
    from local.gateway.resources import Provisioned, Provisioner, Stack
    from local.gateway.runtime import Runtime
    from local.template import EventSource

MAX_PER_RECEIVE = 10  # SQS hands out at most ten messages per ReceiveMessage
_QUEUE_ATTRIBUTES = ("VisibilityTimeout", "MessageRetentionPeriod", "DelaySeconds", "ReceiveMessageWaitTimeSeconds")


def provision_queue(stack: Stack, logical_id: str, resource: dict[str, Any]) -> Provisioned:
    """A queue with the template's timeouts and redrive policy (its dead-letter queue is provisioned first)."""
    from local.gateway.resources import Provisioned

    props = stack.resolver.resolve(resource.get("Properties") or {})
    name = str(props.get("QueueName") or stack.physical_name(logical_id))
    attributes = {key: str(props[key]) for key in _QUEUE_ATTRIBUTES if key in props}
    if "RedrivePolicy" in props:
        attributes["RedrivePolicy"] = json.dumps(props["RedrivePolicy"])
    client = stack.client("sqs")
    url = str(client.create_queue(QueueName=name, Attributes=attributes)["QueueUrl"])
    arn = client.get_queue_attributes(QueueUrl=url, AttributeNames=["QueueArn"])["Attributes"]["QueueArn"]
    return Provisioned(ref=url, attributes={"Arn": arn, "QueueName": name, "QueueUrl": url}, properties=props)


PROVISIONERS: dict[str, Provisioner] = {"AWS::SQS::Queue": provision_queue}


def queue_url(stack: Stack, arn: str) -> str:
    """The URL of the provisioned queue whose ARN is ``arn``."""
    for resource in stack.of_type("AWS::SQS::Queue").values():
        if resource.attributes.get("Arn") == arn:
            return resource.ref
    raise LookupError(f"no queue of the template has the ARN {arn}")


def lambda_sqs_event(messages: list[dict[str, Any]], arn: str) -> dict[str, Any]:
    """The event Lambda's SQS event source mapping sends for ``messages`` (as ReceiveMessage returned them)."""
    return {
        "Records": [
            {
                "messageId": m["MessageId"],
                "receiptHandle": m["ReceiptHandle"],
                "body": m["Body"],
                "attributes": dict(m.get("Attributes") or {}),
                "messageAttributes": dict(m.get("MessageAttributes") or {}),
                "md5OfBody": m.get("MD5OfBody") or hashlib.md5(m["Body"].encode(), usedforsecurity=False).hexdigest(),
                "eventSource": "aws:sqs",
                "eventSourceARN": arn,
                "awsRegion": REGION,
            }
            for m in messages
        ]
    }


class QueueSource:
    """One ``SQS`` event of a function, polled from a background thread."""

    def __init__(self, source: EventSource, stack: Stack, runtime: Runtime, function: LambdaFunction) -> None:
        self.source = source
        self.function = function
        self._runtime = runtime
        self._client = stack.client("sqs")
        self.arn = str(stack.resolver.resolve(source.setting("Queue")))
        self.url = queue_url(stack, self.arn)
        self.batch_size = int(source.setting("BatchSize", 10))
        self.window_s = float(source.setting("MaximumBatchingWindowInSeconds", 0))
        self.partial = "ReportBatchItemFailures" in (source.setting("FunctionResponseTypes") or [])
        self.worker = Worker(f"sqs:{source.function}", self.poll)

    @property
    def label(self) -> str:
        return f"sqs {self.url.rsplit('/', 1)[-1]}"

    def poll(self) -> float:
        """Receive one batch and deliver it; the pause before the next poll."""
        messages = self._receive()
        if not messages:
            return 0.0  # the receive itself waited (long polling)
        event = lambda_sqs_event(messages, self.arn)
        by_id = {m["MessageId"]: m["ReceiptHandle"] for m in messages}
        delivered = deliver(self._runtime, self.function, self.label, event, list(by_id), partial=self.partial)
        done = [{"Id": str(i), "ReceiptHandle": by_id[m]} for i, m in enumerate(by_id) if m not in delivered.failed]
        for start in range(0, len(done), MAX_PER_RECEIVE):
            self._client.delete_message_batch(QueueUrl=self.url, Entries=done[start : start + MAX_PER_RECEIVE])
        return 0.0

    def _receive(self) -> list[dict[str, Any]]:
        """A batch: the first receive long-polls (one second); once something came, more is taken until the batch is
        full or the batching window has passed."""
        messages = self._take(self.batch_size, wait_s=1)
        deadline = time.monotonic() + self.window_s
        while messages and len(messages) < self.batch_size and not self.worker.stopping:
            left = deadline - time.monotonic()
            if left <= 0:
                break
            got = self._take(self.batch_size - len(messages), wait_s=0)
            messages += got
            if not got:
                time.sleep(min(0.05, left))
        return messages

    def _take(self, wanted: int, *, wait_s: int) -> list[dict[str, Any]]:
        answer = self._client.receive_message(
            QueueUrl=self.url,
            MaxNumberOfMessages=min(MAX_PER_RECEIVE, wanted),
            WaitTimeSeconds=wait_s,
            AttributeNames=["All"],
            MessageAttributeNames=["All"],
        )
        return list(answer.get("Messages", []))
