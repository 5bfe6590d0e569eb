"""The local gateway over HTTP, against a throwaway template: what handlers receive, and what API Gateway itself
answers (403 for undeclared routes, 502 for failures, 504 for timeouts, CORS preflights)."""

from __future__ import annotations

import base64
import json
import logging
import os
import sys
import time
import uuid
from concurrent.futures import ThreadPoolExecutor
from typing import Any

import httpx
import pytest

from local.gateway import serve_in_background
from tests.local.conftest import write_tiny_app


def echo(client: httpx.Client, path: str, **kwargs: Any) -> dict[str, Any]:
    response = client.request(kwargs.pop("method", "GET"), path, **kwargs)
    assert response.status_code == 200, response.text
    seen: dict[str, Any] = response.json()
    return seen


# ---- the event --------------------------------------------------------------------------------------------------


def test_handler_receives_a_rest_proxy_event_for_the_matched_route(client: httpx.Client) -> None:
    event = echo(client, "/echo/hello%20world?size=l&extra=a&extra=b", headers={"X-Trace": "t1"})["event"]

    assert event["resource"] == "/echo/{word}"
    assert event["path"] == "/echo/hello world"
    assert event["httpMethod"] == "GET"
    assert event["pathParameters"] == {"word": "hello world"}
    assert event["queryStringParameters"] == {"size": "l", "extra": "b"}
    assert event["multiValueQueryStringParameters"] == {"size": ["l"], "extra": ["a", "b"]}
    assert event["headers"]["x-trace"] == "t1"
    assert event["multiValueHeaders"]["x-trace"] == ["t1"]
    assert event["stageVariables"] is None
    assert event["body"] is None
    assert event["isBase64Encoded"] is False


def test_request_context_names_stage_resource_request_id_and_caller(client: httpx.Client) -> None:
    response = client.get("/echo/x")
    context = response.json()["event"]["requestContext"]

    assert context["stage"] == "local"
    assert context["resourcePath"] == "/echo/{word}"
    assert context["httpMethod"] == "GET"
    assert context["path"] == "/echo/x"
    assert context["identity"]["sourceIp"] == "127.0.0.1"
    assert context["protocol"] == "HTTP/1.1"
    assert abs(context["requestTimeEpoch"] - time.time() * 1000) < 60_000
    assert uuid.UUID(context["requestId"])
    assert response.headers["x-amzn-RequestId"] == context["requestId"]


def test_without_query_string_both_query_fields_are_none(client: httpx.Client) -> None:
    event = echo(client, "/echo/x")["event"]

    assert event["queryStringParameters"] is None
    assert event["multiValueQueryStringParameters"] is None


def test_route_without_parameters_has_no_path_parameters(client: httpx.Client) -> None:
    event = echo(client, "/anything", method="DELETE")["event"]

    assert event["pathParameters"] is None
    assert event["resource"] == "/anything"
    assert event["httpMethod"] == "DELETE"


def test_greedy_proxy_parameter_takes_the_rest_of_the_path(client: httpx.Client) -> None:
    event = echo(client, "/files/docs/2026/menu.pdf")["event"]

    assert event["resource"] == "/files/{proxy+}"
    assert event["pathParameters"] == {"proxy": "docs/2026/menu.pdf"}


def test_json_body_arrives_as_text(client: httpx.Client) -> None:
    event = echo(client, "/echo", method="POST", json={"name": "Margherita"})["event"]

    assert json.loads(event["body"]) == {"name": "Margherita"}
    assert event["isBase64Encoded"] is False


def test_binary_body_arrives_base64_encoded(client: httpx.Client) -> None:
    payload = bytes(range(256))
    event = echo(client, "/echo", method="POST", content=payload, headers={"Content-Type": "image/png"})["event"]

    assert event["isBase64Encoded"] is True
    assert base64.b64decode(event["body"]) == payload


# ---- the function: context and environment --------------------------------------------------------------------


def test_handler_gets_a_lambda_context_with_the_functions_limits(client: httpx.Client) -> None:
    context = echo(client, "/echo/x")["context"]

    assert context["function_name"] == "EchoFunction"
    assert context["function_version"] == "$LATEST"
    assert context["memory_limit_in_mb"] == 384  # its own MemorySize wins over Globals
    assert context["invoked_function_arn"].endswith(":function:EchoFunction")
    assert context["log_group_name"] == "/aws/lambda/EchoFunction"
    assert uuid.UUID(context["aws_request_id"])
    assert 4000 < context["remaining_ms"] <= 5000  # Globals Timeout: 5


def test_handler_environment_is_the_templates_with_references_resolved(client: httpx.Client) -> None:
    env = echo(client, "/echo/x")["env"]

    assert env["GREETING"] == "hello-test"  # parameter default through Fn::Sub
    assert env["OWN"] == "echo-only"  # the function's own variables merged over Globals
    assert env["MODE"] == "relaxed"  # Fn::If on a condition
    assert env["TABLE_NAME"]
    assert env["TABLE_ARN"].startswith("arn:aws:dynamodb:")
    assert env["TABLE_ARN"].endswith(f"table/{env['TABLE_NAME']}")
    assert env["AWS_ENDPOINT_URL"].startswith("http://127.0.0.1:")
    assert env["AWS_LAMBDA_FUNCTION_NAME"] == "EchoFunction"
    assert env["AWS_SAM_LOCAL"] == "true"


def test_resolved_secret_is_random_per_run_and_stable_within_it(client: httpx.Client) -> None:
    first = echo(client, "/echo/x")["env"]["SECRET"]
    second = echo(client, "/echo/y")["env"]["SECRET"]

    assert len(first) == 24
    assert first.isalnum()
    assert first == second


def test_template_table_exists_in_moto_with_its_stream_and_ttl(client: httpx.Client) -> None:
    import boto3

    env = echo(client, "/echo/x")["env"]
    dynamodb = boto3.client("dynamodb", endpoint_url=env["AWS_ENDPOINT_URL"], region_name="us-east-1")

    table = dynamodb.describe_table(TableName=env["TABLE_NAME"])["Table"]
    ttl = dynamodb.describe_time_to_live(TableName=env["TABLE_NAME"])["TimeToLiveDescription"]
    assert table["KeySchema"] == [{"AttributeName": "PK", "KeyType": "HASH"}]
    assert table["StreamSpecification"] == {"StreamEnabled": True, "StreamViewType": "NEW_IMAGE"}
    assert ttl["AttributeName"] == "expiresAt"


def test_concurrent_requests_all_get_their_answer(client: httpx.Client, gateway_url: str) -> None:
    def call(_: int) -> int:
        return httpx.get(f"{gateway_url}/echo/x", timeout=15).status_code

    with ThreadPoolExecutor(max_workers=8) as pool:
        statuses = list(pool.map(call, range(16)))

    assert statuses == [200] * 16


def test_parameter_overrides_and_env_vars_change_what_handlers_see(tmp_path_factory: pytest.TempPathFactory) -> None:
    app = write_tiny_app(tmp_path_factory.mktemp("override-app"))
    url, stop = serve_in_background(
        template_path=app.template,
        seed=False,
        parameters={"Stage": "prod"},
        env_overrides={"EchoFunction": {"OWN": "overridden"}, "Parameters": {"EXTRA": "everywhere"}},
    )
    try:
        env = httpx.get(f"{url}/echo/x").json()["env"]
    finally:
        stop()

    assert env["GREETING"] == "hello-prod"
    assert env["MODE"] == "strict"
    assert env["OWN"] == "overridden"
    assert env["EXTRA"] == "everywhere"


# ---- the response ---------------------------------------------------------------------------------------------


def test_base64_result_is_sent_as_the_decoded_bytes(client: httpx.Client) -> None:
    response = client.get("/reply/binary")

    assert response.status_code == 200
    assert response.headers["content-type"] == "image/png"
    assert response.content == b"\x89PNG\r\n"


def test_headers_and_multi_value_headers_are_merged_as_api_gateway_does(client: httpx.Client) -> None:
    response = client.get("/reply/headers")

    assert response.status_code == 201
    assert response.headers.get_list("set-cookie") == ["a=1", "b=2"]
    assert response.headers["x-one"] == "single"
    assert response.headers.get_list("x-both") == ["from-multi"]  # multiValueHeaders wins for a name in both


# ---- API Gateway's own answers --------------------------------------------------------------------------------


def test_unknown_path_is_403_missing_authentication_token(client: httpx.Client) -> None:
    response = client.get("/no/such/route")

    assert response.status_code == 403
    assert response.json() == {"message": "Missing Authentication Token"}
    assert response.headers["x-amzn-ErrorType"] == "MissingAuthenticationTokenException"


def test_undeclared_method_on_a_declared_path_is_403(client: httpx.Client) -> None:
    response = client.put("/echo/x")

    assert response.status_code == 403
    assert response.json() == {"message": "Missing Authentication Token"}


def test_a_parameter_matches_exactly_one_segment(client: httpx.Client) -> None:
    assert client.get("/echo/a/b").status_code == 403


def test_gateway_errors_carry_the_templates_gateway_response_headers(client: httpx.Client) -> None:
    response = client.get("/no/such/route")

    assert response.headers["access-control-allow-origin"] == "*"  # GatewayResponses DEFAULT_4XX


def test_handler_exception_is_502_with_the_traceback_only_in_the_log(
    client: httpx.Client, caplog: pytest.LogCaptureFixture
) -> None:
    with caplog.at_level(logging.ERROR, logger="local.gateway"):
        response = client.get("/reply/raise")

    assert response.status_code == 502
    assert response.json() == {"message": "Internal server error"}
    assert "blew up" not in response.text
    assert "Traceback" in caplog.text
    assert "the handler blew up" in caplog.text


@pytest.mark.parametrize("kind", ["string-status", "dict-body", "not-a-dict", "no-status"])
def test_malformed_proxy_result_is_502(client: httpx.Client, kind: str) -> None:
    response = client.get(f"/reply/{kind}")

    assert response.status_code == 502
    assert response.json() == {"message": "Internal server error"}


def test_handler_running_past_its_timeout_is_504(client: httpx.Client) -> None:
    started = time.monotonic()
    response = client.get("/slow")
    elapsed = time.monotonic() - started

    assert response.status_code == 504
    assert response.json() == {"message": "Endpoint request timed out"}
    assert 0.9 < elapsed < 2.4  # the function's Timeout (1 s), not the handler's 2.5 s


def test_cors_preflight_answers_as_the_templates_cors_declares(client: httpx.Client) -> None:
    response = client.options(
        "/echo/x", headers={"Origin": "https://app.example", "Access-Control-Request-Method": "GET"}
    )

    assert response.status_code == 200
    assert response.headers["access-control-allow-origin"] == "*"
    assert response.headers["access-control-allow-headers"] == "Content-Type,X-Api-Key"
    assert response.headers["access-control-max-age"] == "300"
    # AllowMethods unset: SAM allows the path's declared methods plus OPTIONS
    assert response.headers["access-control-allow-methods"] == "GET,OPTIONS"


def test_preflight_on_an_undeclared_path_is_403(client: httpx.Client) -> None:
    response = client.options("/no/such/route", headers={"Origin": "https://app.example"})

    assert response.status_code == 403


# ---- hot reload and lifecycle ---------------------------------------------------------------------------------


def test_edited_function_takes_effect_on_the_next_request(tmp_path_factory: pytest.TempPathFactory) -> None:
    app = write_tiny_app(tmp_path_factory.mktemp("reload-app"))
    url, stop = serve_in_background(template_path=app.template, seed=False)
    try:
        assert httpx.get(f"{url}/version").text == "version one"
        source = app.function_file("reload")
        source.write_text(source.read_text().replace("version one", "version two"))

        assert httpx.get(f"{url}/version").text == "version two"
    finally:
        stop()


def test_edited_layer_takes_effect_on_the_next_request(tmp_path_factory: pytest.TempPathFactory) -> None:
    app = write_tiny_app(tmp_path_factory.mktemp("layer-app"))
    url, stop = serve_in_background(template_path=app.template, seed=False)
    try:
        assert httpx.get(f"{url}/layer").text == "layer one"
        app.layer_file.write_text(app.layer_file.read_text().replace("layer one", "layer two"))

        assert httpx.get(f"{url}/layer").text == "layer two"
    finally:
        stop()


def test_an_edit_noticed_during_another_functions_request_takes_effect_on_the_next_call_of_its_own(
    tmp_path_factory: pytest.TempPathFactory,
) -> None:
    app = write_tiny_app(tmp_path_factory.mktemp("reload-other-app"))
    url, stop = serve_in_background(template_path=app.template, seed=False)
    try:
        assert httpx.get(f"{url}/version").text == "version one"
        source = app.function_file("reload")
        source.write_text(source.read_text().replace("version one", "version two"))
        # the other function's requests read inotify's events for every watch, this folder's too
        assert httpx.get(f"{url}/echo/x").status_code == 200
        assert httpx.get(f"{url}/layer").text == "layer one"

        assert httpx.get(f"{url}/version").text == "version two"
    finally:
        stop()


def test_the_runtime_reports_each_handler_call_with_its_own_duration(tmp_path_factory: pytest.TempPathFactory) -> None:
    from local.gateway.boot import start_local
    from local.gateway.runtime import Report

    app = write_tiny_app(tmp_path_factory.mktemp("report-app"))
    local = start_local(app.template, seed=False)
    reports: list[Report] = []
    local.runtime.on_report = reports.append
    url, stop = serve_in_background(local=local)
    try:
        with httpx.Client(base_url=url, timeout=15) as http:
            assert http.get("/echo/x").status_code == 200
            assert http.get("/reply/raise").status_code == 502
            assert http.get("/echo/nothing/here").status_code == 403  # no route: no handler ran
    finally:
        stop()

    assert [r.function for r in reports] == [local.functions[f].name for f in ("EchoFunction", "ReplyFunction")]
    assert len({r.request_id for r in reports}) == 2
    assert all(0 < r.duration_s < 5 for r in reports)


def test_stopping_the_gateway_gives_back_environment_path_and_modules(tmp_path_factory: pytest.TempPathFactory) -> None:
    app = write_tiny_app(tmp_path_factory.mktemp("env-app"))
    environ, path, modules = dict(os.environ), list(sys.path), set(sys.modules)
    url, stop = serve_in_background(template_path=app.template, seed=False)
    assert httpx.get(f"{url}/echo/x").status_code == 200
    assert httpx.get(f"{url}/layer").status_code == 200

    stop()

    assert dict(os.environ) == environ
    assert sys.path == path
    assert not {m for m in set(sys.modules) - modules if m.startswith(("tinylib", "lambda_"))}
