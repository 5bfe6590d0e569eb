"""EventBridge locally: the template's buses, archives and rules (with their targets) created in moto, so a
``PutEvents`` on the bus is matched by moto against each rule's pattern and delivered to the rule's SQS targets
(moto does that in server mode), from where ``local.gateway.queues`` delivers to the consumers."""

from __future__ import annotations

import json
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from local.gateway.resources import Provisioned, Provisioner, Stack


def provision_bus(stack: Stack, logical_id: str, resource: dict[str, Any]) -> Provisioned:
    from local.gateway.resources import Provisioned

    props = stack.resolver.resolve(resource.get("Properties") or {})
    name = str(props.get("Name") or stack.physical_name(logical_id))
    arn = str(stack.client("events").create_event_bus(Name=name)["EventBusArn"])
    return Provisioned(ref=name, attributes={"Arn": arn, "Name": name}, properties=props)


def provision_rule(stack: Stack, logical_id: str, resource: dict[str, Any]) -> Provisioned:
    """A rule on its bus with its pattern and targets (their retry policy and dead-letter queue included)."""
    from local.gateway.resources import Provisioned

    props = stack.resolver.resolve(resource.get("Properties") or {})
    name = str(props.get("Name") or stack.physical_name(logical_id))
    bus = str(props.get("EventBusName", "default"))
    client = stack.client("events")
    arguments: dict[str, Any] = {"Name": name, "EventBusName": bus, "State": str(props.get("State", "ENABLED"))}
    if "EventPattern" in props:
        pattern = props["EventPattern"]
        arguments["EventPattern"] = pattern if isinstance(pattern, str) else json.dumps(pattern)
    if "ScheduleExpression" in props:
        arguments["ScheduleExpression"] = str(props["ScheduleExpression"])
    arn = str(client.put_rule(**arguments)["RuleArn"])
    targets = [
        {k: v for k, v in target.items() if k in ("Id", "Arn", "RetryPolicy", "DeadLetterConfig", "Input")}
        for target in props.get("Targets") or []
    ]
    if targets:
        client.put_targets(Rule=name, EventBusName=bus, Targets=targets)
    return Provisioned(ref=f"{bus}|{name}", attributes={"Arn": arn}, properties=props)


def provision_archive(stack: Stack, logical_id: str, resource: dict[str, Any]) -> Provisioned:
    """The bus's archive (moto keeps the archived events; ``StartReplay`` replays them to the bus)."""
    from local.gateway.resources import Provisioned

    props = stack.resolver.resolve(resource.get("Properties") or {})
    name = str(props.get("ArchiveName") or stack.physical_name(logical_id))
    arguments: dict[str, Any] = {"ArchiveName": name, "EventSourceArn": str(props["SourceArn"])}
    if "EventPattern" in props:
        arguments["EventPattern"] = json.dumps(props["EventPattern"])
    if "RetentionDays" in props:
        arguments["RetentionDays"] = int(props["RetentionDays"])
    arn = str(stack.client("events").create_archive(**arguments)["ArchiveArn"])
    return Provisioned(ref=name, attributes={"Arn": arn, "ArchiveName": name}, properties=props)


PROVISIONERS: dict[str, Provisioner] = {
    "AWS::Events::EventBus": provision_bus,
    "AWS::Events::Rule": provision_rule,
    "AWS::Events::Archive": provision_archive,
}
