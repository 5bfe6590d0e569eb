"""The event-driven functions as template.yaml wires them (docs/events.md): the stream publisher's mapping retries,
bisects, reports partial failures and keeps what still fails; every consumer queue has a DLQ, a redrive count and a
visibility timeout above its consumer's timeout, and reports partial failures; every dead-letter queue and the
stream's iterator age have an alarm; the bus has an archive; the sample events are valid events of their source."""

from __future__ import annotations

import json
from typing import Any

import pytest
from aws_lambda_powertools.utilities.parser.models import DynamoDBStreamModel, SqsModel

from local.template import function_properties, resources_of_type
from tests.contract.template_facts import event_files, event_source_functions, get_att, template
from waiter.repository.stream import EVENT_ENTITIES

QUEUE_FUNCTIONS = sorted(f for f, kinds in event_source_functions().items() if "SQS" in kinds)


def _resources() -> dict[str, Any]:
    resources: dict[str, Any] = template()["Resources"]
    return resources


def _events(logical_id: str, kind: str) -> list[dict[str, Any]]:
    events = (function_properties(logical_id).get("Events") or {}).values()
    return [e["Properties"] for e in events if e["Type"] == kind]


def test_the_stream_publisher_retries_bisects_reports_partial_failures_and_keeps_what_still_fails() -> None:
    [stream] = _events("PublishEventsFunction", "DynamoDB")
    assert get_att(stream["Stream"]) == "Table"
    assert stream["BisectBatchOnFunctionError"] is True
    assert 0 < stream["MaximumRetryAttempts"] <= 10
    assert stream["FunctionResponseTypes"] == ["ReportBatchItemFailures"]
    assert 1 <= stream["BatchSize"] <= 100
    assert "MaximumBatchingWindowInSeconds" in stream
    failures = stream["DestinationConfig"]["OnFailure"]
    assert failures["Type"] == "SQS"
    assert get_att(failures["Destination"]) == "StreamFailuresQueue"


def test_the_stream_filter_lets_through_exactly_the_item_kinds_that_make_events() -> None:
    [stream] = _events("PublishEventsFunction", "DynamoDB")
    patterns = [json.loads(f["Pattern"]) for f in stream["FilterCriteria"]["Filters"]]
    kinds = {k for p in patterns for k in (p["dynamodb"].get("NewImage") or {}).get("entity", {}).get("S", [])}
    assert kinds == set(EVENT_ENTITIES)


@pytest.mark.parametrize("logical_id", QUEUE_FUNCTIONS)
def test_every_consumer_queue_has_a_dlq_a_redrive_count_and_a_visibility_above_its_consumers_timeout(
    logical_id: str,
) -> None:
    [source] = _events(logical_id, "SQS")
    assert source["FunctionResponseTypes"] == ["ReportBatchItemFailures"]
    queue = _resources()[get_att(source["Queue"]) or ""]["Properties"]
    redrive = queue["RedrivePolicy"]
    assert get_att(redrive["deadLetterTargetArn"]) in _resources()
    assert 1 < redrive["maxReceiveCount"] <= 10
    visibility = queue["VisibilityTimeout"]
    if isinstance(visibility, dict):  # a parameter: its default and its smallest allowed value
        parameter = template()["Parameters"][visibility["Ref"]]
        assert int(parameter["MinValue"]) > int(function_properties(logical_id)["Timeout"])
        visibility = parameter["Default"]
    assert int(visibility) > int(function_properties(logical_id)["Timeout"])


def test_every_dead_letter_queue_and_the_stream_iterator_age_have_an_alarm() -> None:
    queues = set(resources_of_type("AWS::SQS::Queue"))
    targets = {
        get_att(q["Properties"]["RedrivePolicy"]["deadLetterTargetArn"])
        for q in resources_of_type("AWS::SQS::Queue").values()
        if "RedrivePolicy" in q["Properties"]
    }
    dead_letter = {q for q in queues if "RedrivePolicy" not in _resources()[q]["Properties"]}
    assert targets <= dead_letter
    alarms = resources_of_type("AWS::CloudWatch::Alarm").values()
    watched = {
        get_att(d["Value"])
        for a in alarms
        if a["Properties"]["MetricName"] == "ApproximateNumberOfMessagesVisible"
        for d in a["Properties"]["Dimensions"]
    }
    assert dead_letter <= watched, f"no alarm on {sorted(dead_letter - watched)}"
    ages = [a for a in alarms if a["Properties"]["MetricName"] == "IteratorAge"]
    assert [d["Value"] for a in ages for d in a["Properties"]["Dimensions"]] == [{"Ref": "PublishEventsFunction"}]


def test_the_bus_is_archived_and_each_consumer_rule_targets_its_own_queue_with_a_dead_letter_queue() -> None:
    [archive] = resources_of_type("AWS::Events::Archive").values()
    assert get_att(archive["Properties"]["SourceArn"]) == "EventBus"
    queues = []
    for rule in resources_of_type("AWS::Events::Rule").values():
        assert rule["Properties"]["EventBusName"] == {"Ref": "EventBus"}
        for target in rule["Properties"]["Targets"]:
            queues.append(get_att(target["Arn"]))
            assert get_att(target["DeadLetterConfig"]["Arn"]) in resources_of_type("AWS::SQS::Queue")
    assert len(queues) == len(set(queues)), "one queue per consumer"


def test_the_kitchen_timeout_runs_on_a_schedule_with_a_dead_letter_queue() -> None:
    [schedule] = _events("KitchenTimeoutFunction", "ScheduleV2")
    assert schedule["ScheduleExpression"] == {"Ref": "KitchenTimeoutSchedule"}
    assert get_att(schedule["DeadLetterConfig"]["Arn"]) == "KitchenTimeoutDeadLetterQueue"
    assert template()["Parameters"]["KitchenTimeoutMinutes"]["Default"] == 10


MODELS = {"DynamoDB": DynamoDBStreamModel, "SQS": SqsModel}


@pytest.mark.parametrize(
    "event_file", [e for e in event_files() if e.function in event_source_functions()], ids=lambda e: e.name
)
def test_sample_events_of_event_sources_are_valid_events_of_their_source(event_file: Any) -> None:
    kinds = event_source_functions()[event_file.function]
    event = event_file.load()
    for kind in kinds:
        model = MODELS.get(kind)
        if model is not None:
            model.model_validate(event)  # Powertools' schema of the source's event
        else:
            assert kind == "ScheduleV2"
            assert isinstance(event, dict)
