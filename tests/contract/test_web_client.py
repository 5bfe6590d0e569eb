"""The web client's hosting in template.yaml: only behind the WebClient parameter; a private bucket CloudFront
alone reads (origin access control); HTTPS only; and the security headers the local web server sends too, with
the content security policy naming exactly the API, WebSocket and payment-provider origins."""

from __future__ import annotations

import re
from typing import Any

from local.gateway.web import PAYMENT_SCRIPT_ORIGIN, content_security_policy, security_headers
from tests.contract.template_facts import template

WEB_RESOURCES = {
    "WebBucket",
    "WebLogBucket",
    "WebLogBucketPolicy",
    "WebOriginAccessControl",
    "WebBucketPolicy",
    "WebClientHeadersPolicy",
    "WebDistribution",
}
# what the template's ${...} substitutions become in a deployed stack (any values will do: the shape is compared)
STACK = {"Api": "abc123", "WebSocketApi": "def456", "AWS::Region": "eu-west-1", "AWS::URLSuffix": "amazonaws.com"}


def resource(logical_id: str) -> dict[str, Any]:
    found: dict[str, Any] = template()["Resources"][logical_id]
    return found


def substituted(value: Any) -> str:
    text = value["Fn::Sub"] if isinstance(value, dict) else value
    assert isinstance(text, str)
    return re.sub(r"\$\{([^}]+)\}", lambda m: STACK[m.group(1)], text)


def test_the_web_client_is_hosted_only_when_the_parameter_says_so() -> None:
    parameter = template()["Parameters"]["WebClient"]
    assert parameter["Default"] == "false"
    assert template()["Conditions"]["HasWebClient"] == {"Fn::Equals": [{"Ref": "WebClient"}, "true"]}
    assert {r for r in WEB_RESOURCES if resource(r).get("Condition") != "HasWebClient"} == set()
    outputs = template()["Outputs"]
    assert {name for name in ("WebClientUrl", "WebBucketName", "WebDistributionId")} <= set(outputs)
    assert all(outputs[name]["Condition"] == "HasWebClient" for name in ("WebClientUrl", "WebBucketName"))


def test_only_cloudfront_reads_the_private_bucket_through_origin_access_control() -> None:
    bucket = resource("WebBucket")["Properties"]
    assert set(bucket["PublicAccessBlockConfiguration"].values()) == {True}
    assert "WebsiteConfiguration" not in bucket
    statements = resource("WebBucketPolicy")["Properties"]["PolicyDocument"]["Statement"]
    allows = [s for s in statements if s["Effect"] == "Allow"]
    assert [s["Principal"] for s in allows] == [{"Service": "cloudfront.amazonaws.com"}]
    assert allows[0]["Action"] == "s3:GetObject"
    assert "WebDistribution" in str(allows[0]["Condition"]["StringEquals"]["AWS:SourceArn"])
    oac = resource("WebOriginAccessControl")["Properties"]["OriginAccessControlConfig"]
    assert (oac["SigningBehavior"], oac["SigningProtocol"], oac["OriginAccessControlOriginType"]) == (
        "always",
        "sigv4",
        "s3",
    )
    origin = resource("WebDistribution")["Properties"]["DistributionConfig"]["Origins"][0]
    assert origin["OriginAccessControlId"] == {"Fn::GetAtt": ["WebOriginAccessControl", "Id"]}


def test_the_distribution_serves_https_only_with_the_security_headers() -> None:
    config = resource("WebDistribution")["Properties"]["DistributionConfig"]
    behaviour = config["DefaultCacheBehavior"]
    assert behaviour["ViewerProtocolPolicy"] == "https-only"
    assert behaviour["ResponseHeadersPolicyId"] == {"Ref": "WebClientHeadersPolicy"}
    headers = resource("WebClientHeadersPolicy")["Properties"]["ResponseHeadersPolicyConfig"]["SecurityHeadersConfig"]
    assert headers["StrictTransportSecurity"]["AccessControlMaxAgeSec"] >= 31536000
    assert headers["FrameOptions"]["FrameOption"] == "DENY"
    assert headers["ContentTypeOptions"] == {"Override": True}
    assert all(h.get("Override") is True for h in headers.values())


def test_the_clouds_content_security_policy_is_the_local_one_with_the_stacks_origins() -> None:
    """The local web server sends the same policy (so the browser tests run under it), built for its origins."""
    csp = resource("WebClientHeadersPolicy")["Properties"]["ResponseHeadersPolicyConfig"]["SecurityHeadersConfig"]
    in_the_cloud = " ".join(substituted(csp["ContentSecurityPolicy"]["ContentSecurityPolicy"]).split())
    expected = content_security_policy(
        "https://abc123.execute-api.eu-west-1.amazonaws.com/dev", "wss://def456.execute-api.eu-west-1.amazonaws.com/dev"
    )
    assert in_the_cloud == expected
    directives = dict(d.split(" ", 1) for d in expected.split("; "))
    assert directives["frame-ancestors"] == "'none'"
    assert directives["script-src"] == f"'self' {PAYMENT_SCRIPT_ORIGIN}"
    assert directives["frame-src"] == PAYMENT_SCRIPT_ORIGIN
    assert directives["connect-src"].split() == [
        "'self'",
        "https://abc123.execute-api.eu-west-1.amazonaws.com",
        "wss://def456.execute-api.eu-west-1.amazonaws.com",
    ]
    assert "unsafe" not in expected


def test_the_local_web_server_sends_the_headers_cloudfront_adds() -> None:
    local = security_headers("http://127.0.0.1:3000", "ws://127.0.0.1:3001")
    assert local["X-Frame-Options"] == "DENY"
    assert local["X-Content-Type-Options"] == "nosniff"
    assert local["Strict-Transport-Security"].startswith("max-age=63072000")
    assert "connect-src 'self' http://127.0.0.1:3000 ws://127.0.0.1:3001;" in local["Content-Security-Policy"]
