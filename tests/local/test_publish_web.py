"""`make deploy`'s publishing of the web client: the config.json a deployed page reads comes from the stack's
outputs, never offers demo accounts, and names the payment provider only with its publishable key; a stack without
the web client has nothing to publish."""

from __future__ import annotations

import pytest

from local import publish_web

OUTPUTS = {
    "ApiUrl": "https://abc123.execute-api.eu-west-1.amazonaws.com/prod",
    "WebSocketUrl": "wss://def456.execute-api.eu-west-1.amazonaws.com/prod",
    "WebBucketName": "waiter-prod-webbucket-1",
    "WebDistributionId": "E2EXAMPLE",
    "WebClientUrl": "https://d111111abcdef8.cloudfront.net/",
}


def test_the_deployed_config_names_the_stacks_apis_and_no_demo_account() -> None:
    config = publish_web.cloud_config(OUTPUTS)
    assert config == {
        "apiUrl": OUTPUTS["ApiUrl"],
        "webSocketUrl": OUTPUTS["WebSocketUrl"],
        "local": False,
        "payments": {"provider": "none"},
    }


def test_card_payments_in_the_cloud_use_the_providers_element_with_its_publishable_key() -> None:
    config = publish_web.cloud_config(OUTPUTS, "pk_test_123")
    assert config["payments"] == {"provider": "stripe", "publishableKey": "pk_test_123"}


def test_a_stack_without_the_web_client_has_nothing_to_publish(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setattr(publish_web, "stack_outputs", lambda _stack, _region: {"ApiUrl": OUTPUTS["ApiUrl"]})
    ran: list[list[str]] = []
    monkeypatch.setattr(publish_web, "run", ran.append)
    assert publish_web.main(["--stack", "waiter-dev", "--region", "us-east-1"]) == 0
    assert "nothing to publish" in capsys.readouterr().out
    assert ran == []


def test_publishing_syncs_web_then_uploads_the_uncached_files_and_invalidates(monkeypatch: pytest.MonkeyPatch) -> None:
    ran: list[list[str]] = []
    monkeypatch.setattr(publish_web, "run", ran.append)
    publish_web.publish(OUTPUTS, "", "eu-west-1", "aws")
    sync, *uploads, invalidate = ran
    assert sync[:3] == ["aws", "s3", "sync"]
    assert sync[4] == "s3://waiter-prod-webbucket-1/"
    assert "--delete" in sync
    assert [u[4] for u in uploads] == [
        "s3://waiter-prod-webbucket-1/index.html",
        "s3://waiter-prod-webbucket-1/config.json",
    ]
    assert all(u[-2:] == ["--cache-control", "no-cache"] for u in uploads)
    assert invalidate[:3] == ["aws", "cloudfront", "create-invalidation"]
    assert "E2EXAMPLE" in invalidate
