"""Building API Gateway REST proxy events from requests, and responses from proxy results, without a server."""

from __future__ import annotations

import base64
from typing import Any

import pytest

from local.gateway.events import (
    HttpRequest,
    MalformedResultError,
    proxy_response,
    rest_event,
)


def event_for(request: HttpRequest, resource: str = "/things", **params: str) -> dict[str, Any]:
    return rest_event(request, resource=resource, path_parameters=params, stage="local", now_ms=1_795_000_000_000)


def test_repeated_query_parameter_keeps_last_value_single_and_all_values_multi() -> None:
    event = event_for(HttpRequest("GET", "/things", query_string="tag=a&tag=b&city=Berlin"))

    assert event["queryStringParameters"] == {"tag": "b", "city": "Berlin"}
    assert event["multiValueQueryStringParameters"] == {"tag": ["a", "b"], "city": ["Berlin"]}


def test_query_values_are_decoded_and_blank_values_kept() -> None:
    event = event_for(HttpRequest("GET", "/things", query_string="q=caf%C3%A9+bar&empty="))

    assert event["queryStringParameters"] == {"q": "café bar", "empty": ""}


def test_missing_query_string_and_path_parameters_are_none() -> None:
    event = event_for(HttpRequest("GET", "/things"))

    assert event["queryStringParameters"] is None
    assert event["multiValueQueryStringParameters"] is None
    assert event["pathParameters"] is None
    assert event["stageVariables"] is None


def test_path_parameters_and_path_are_decoded() -> None:
    event = event_for(HttpRequest("GET", "/things/a%20b"), "/things/{thingId}", thingId="a b")

    assert event["path"] == "/things/a b"
    assert event["pathParameters"] == {"thingId": "a b"}
    assert event["resource"] == event["requestContext"]["resourcePath"] == "/things/{thingId}"


def test_headers_keep_every_value_in_multi_value_headers_and_the_last_in_headers() -> None:
    request = HttpRequest("GET", "/things", headers=[("accept", "text/html"), ("accept", "application/json")])

    event = event_for(request)

    assert event["headers"]["accept"] == "application/json"
    assert event["multiValueHeaders"]["accept"] == ["text/html", "application/json"]


def test_api_gateway_adds_forwarding_headers() -> None:
    event = event_for(HttpRequest("GET", "/things", source_ip="10.1.2.3", port=3000))

    assert event["headers"]["x-forwarded-for"] == "10.1.2.3"
    assert event["headers"]["x-forwarded-port"] == "3000"
    assert event["headers"]["x-forwarded-proto"] == "http"


def test_request_context_has_what_api_gateway_sends() -> None:
    request = HttpRequest("POST", "/things", headers=[("host", "localhost:3000"), ("user-agent", "curl/8")])

    context = rest_event(
        request, resource="/things", path_parameters={}, stage="local", request_id="r-1", now_ms=1_795_000_000_000
    )["requestContext"]

    assert context["requestId"] == "r-1"
    assert context["stage"] == "local"
    assert context["httpMethod"] == "POST"
    assert context["requestTimeEpoch"] == 1_795_000_000_000
    assert context["requestTime"] == "18/Nov/2026:11:06:40 +0000"
    assert context["identity"]["sourceIp"] == "127.0.0.1"
    assert context["identity"]["userAgent"] == "curl/8"
    assert context["domainName"] == "localhost:3000"


def test_text_body_is_passed_as_text() -> None:
    request = HttpRequest("POST", "/things", headers=[("content-type", "application/json")], body=b'{"a":"\xc3\xa9"}')

    event = event_for(request)

    assert event["body"] == '{"a":"é"}'
    assert event["isBase64Encoded"] is False


@pytest.mark.parametrize("content_type", ["image/png", "application/octet-stream", "application/pdf"])
def test_binary_content_types_are_base64_encoded(content_type: str) -> None:
    request = HttpRequest("POST", "/things", headers=[("content-type", content_type)], body=b"abc")

    event = event_for(request)

    assert event["isBase64Encoded"] is True
    assert base64.b64decode(event["body"]) == b"abc"


def test_body_that_is_not_utf8_is_base64_encoded_whatever_its_declared_type() -> None:
    request = HttpRequest("POST", "/things", headers=[("content-type", "text/plain")], body=b"\xff\xfe")

    event = event_for(request)

    assert event["isBase64Encoded"] is True
    assert base64.b64decode(event["body"]) == b"\xff\xfe"


def test_empty_body_is_none() -> None:
    assert event_for(HttpRequest("POST", "/things"))["body"] is None


# ---- results ------------------------------------------------------------------------------------------------


def test_result_becomes_status_headers_and_body() -> None:
    response = proxy_response({"statusCode": 201, "headers": {"Location": "/things/1"}, "body": '{"id":"1"}'})

    assert response.status == 201
    assert ("Location", "/things/1") in response.headers
    assert response.body == b'{"id":"1"}'


def test_result_without_content_type_is_sent_as_json() -> None:
    assert ("Content-Type", "application/json") in proxy_response({"statusCode": 200, "body": "{}"}).headers


def test_multi_value_headers_win_over_headers_of_the_same_name() -> None:
    response = proxy_response(
        {"statusCode": 200, "headers": {"Vary": "Origin", "X-A": "1"}, "multiValueHeaders": {"vary": ["Accept"]}}
    )

    assert [v for n, v in response.headers if n.lower() == "vary"] == ["Accept"]
    assert ("X-A", "1") in response.headers


def test_base64_encoded_result_body_is_decoded() -> None:
    response = proxy_response(
        {"statusCode": 200, "body": base64.b64encode(b"\x00\x01").decode(), "isBase64Encoded": True}
    )

    assert response.body == b"\x00\x01"


@pytest.mark.parametrize(
    "result",
    [
        None,
        "200",
        {"body": "no status"},
        {"statusCode": "200"},
        {"statusCode": True},
        {"statusCode": 200, "body": {"a": 1}},
        {"statusCode": 200, "headers": ["X-A"]},
        {"statusCode": 200, "multiValueHeaders": {"X-A": "not a list"}},
        {"statusCode": 200, "body": "not base64!", "isBase64Encoded": True},
    ],
)
def test_malformed_results_are_refused(result: Any) -> None:
    with pytest.raises(MalformedResultError):
        proxy_response(result)


@pytest.mark.parametrize("status", [204, 304])
def test_a_response_without_content_has_no_body_and_no_content_type(status: int) -> None:
    response = proxy_response(
        {"statusCode": status, "headers": {"Content-Type": "application/json", "ETag": '"7"'}, "body": ""}
    )

    assert response.body == b""
    assert response.headers == [("ETag", '"7"')]
