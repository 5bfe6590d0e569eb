"""Cart line ids: twelve random lower-case hex digits, as they always were (the head of a random UUID)."""

from __future__ import annotations

import re

from waiter.ordering.service import new_line_id


def test_a_line_id_is_twelve_hex_digits_and_each_is_new() -> None:
    ids = {new_line_id() for _ in range(1000)}
    assert len(ids) == 1000
    assert all(re.fullmatch(r"[0-9a-f]{12}", line_id) for line_id in ids)
