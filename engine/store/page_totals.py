"""How far a list's total is counted: up to TOTAL_CAP items past its page's first, so that a
page costs the same whether the list holds a thousand items or a million. Task lists and case
search both count this way; a total that reached the limit is shown as the limit, capped
("超过 1000 件"). Read TOTAL_CAP through this module (page_totals.TOTAL_CAP), never imported by
name, so that one setting governs every list."""
from __future__ import annotations

TOTAL_CAP = 1000


def count_limit(page: int, per_page: int) -> int:
    """How many items a page's total is counted up to (a count query reads one more, to tell
    "exactly this many" from "more")."""
    return (page - 1) * per_page + TOTAL_CAP


def counted_total(total: int, page: int, per_page: int) -> tuple[int, bool]:
    """The total a page reports, and whether the list holds more than that."""
    limit = count_limit(page, per_page)
    return min(total, limit), total > limit
