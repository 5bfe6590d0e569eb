"""``python -m bench.soap_attacks PATHS REPEATS`` (run by bench/soap.py with the SOAP function's environment): the
median time, in ms, the SOAP handler takes to refuse each XML attack, printed as one JSON line."""

from __future__ import annotations

import base64
import importlib
import json
import statistics
import sys
import time
from typing import Any

from bench.events import SOAP_NAMESPACE, api_event

ENV = "http://schemas.xmlsoap.org/soap/envelope/"
_LOL = '<!ENTITY lol "lol">' + "".join(
    f'<!ENTITY lol{n} "{f"&lol{n - 1};" * 10 if n else "&lol;" * 10}">' for n in range(10)
)


def _envelope(prolog: str, inner: str) -> str:
    return (
        f'<?xml version="1.0"?>{prolog}<s:Envelope xmlns:s="{ENV}" xmlns:p="{SOAP_NAMESPACE}"><s:Body>'
        f"<p:GetOrder><p:orderId>{inner}</p:orderId></p:GetOrder></s:Body></s:Envelope>"
    )


ATTACKS = {
    "billion laughs": _envelope(f"<!DOCTYPE s:Envelope [{_LOL}]>", "&lol9;"),
    "quadratic blowup": _envelope(f'<!DOCTYPE s:Envelope [<!ENTITY a "{"x" * 20_000}">]>', "&a;" * 2000),
    "XXE file": _envelope('<!DOCTYPE s:Envelope [<!ENTITY x SYSTEM "file:///etc/passwd">]>', "&x;"),
    "XXE URL": _envelope('<!DOCTYPE s:Envelope [<!ENTITY x SYSTEM "http://169.254.169.254/latest/">]>', "&x;"),
    "external DTD": _envelope('<!DOCTYPE s:Envelope SYSTEM "http://127.0.0.1:9/x.dtd">', "o1"),
    "XInclude": _envelope("", '<xi:include xmlns:xi="http://www.w3.org/2001/XInclude" href="file:///etc/passwd"/>'),
    "deep nesting": _envelope("", "<p:x>" * 10_000 + "</p:x>" * 10_000),
    "oversized (1 MB)": _envelope("", "o" * 1_000_000),
}


def _event(body: str) -> dict[str, Any]:
    event = api_event(
        "POST", "/v1/soap/pos", headers={"Content-Type": "text/xml"}, authorizer={"keyId": "k1", "restaurantId": "r1"}
    )
    event["body"], event["isBase64Encoded"] = base64.b64encode(body.encode()).decode(), True
    return event


def main() -> None:
    sys.path[:0] = json.loads(sys.argv[1])
    repeats = int(sys.argv[2])
    handler = importlib.import_module("app").lambda_handler

    class Context:
        function_name, memory_limit_in_mb, aws_request_id = "bench", 512, "bench"
        invoked_function_arn = "arn:aws:lambda:us-east-1:123456789012:function:bench"

    found: dict[str, float] = {}
    for name, body in ATTACKS.items():
        event, times = _event(body), []
        for _ in range(repeats):
            started = time.perf_counter()
            result = handler(event, Context())
            times.append((time.perf_counter() - started) * 1000)
            if result["statusCode"] not in (413, 500) or "soap:Client" not in result["body"]:
                raise SystemExit(
                    f"{name}: not refused as a Client fault: {result['statusCode']} {result['body'][:300]}"
                )
        found[name] = statistics.median(times)
    print(json.dumps(found))  # noqa: T201


if __name__ == "__main__":
    main()
