"""P6's floor: the bare server the gateway's added latency is divided by starts with the gateway's own socket and
uvicorn settings and answers its fixed body over one keep-alive connection (a broken import here once left P6
without a measurement)."""

from __future__ import annotations

import http.client

from bench.gateway_child import FLOOR_BODY, floor_server


def test_the_floor_server_answers_its_fixed_body_on_one_keep_alive_connection() -> None:
    url, stop = floor_server()
    try:
        host, _, port = url.removeprefix("http://").rpartition(":")
        connection = http.client.HTTPConnection(host, int(port), timeout=10)
        answers = []
        for _ in range(2):
            connection.request("GET", "/v1/restaurants/r1")
            response = connection.getresponse()
            answers.append((response.status, response.read(), response.getheader("connection")))
        connection.close()
    finally:
        stop()

    assert answers == [(200, FLOOR_BODY, None)] * 2
