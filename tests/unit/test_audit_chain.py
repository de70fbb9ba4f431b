"""The hash chain itself, without a database."""
from __future__ import annotations

from dataclasses import replace
from datetime import datetime, timedelta, timezone

from engine.audit import GENESIS, AuditRecord, event_hash, extend_chain, verify_chain

T0 = datetime(2026, 3, 8, 9, 0, tzinfo=timezone.utc)
KEY = b"test-audit-key"


def _chain(n: int) -> list[AuditRecord]:
    records, prev = [], GENESIS
    for seq in range(1, n + 1):
        at = T0 + timedelta(minutes=seq)
        digest = event_hash("case-1", seq, at, "task_completed", "w", None, {"n": seq}, prev, key=KEY)
        records.append(AuditRecord("case-1", seq, at, "task_completed", "w", None, {"n": seq}, prev, digest))
        prev = digest
    return records


def test_a_whole_chain_has_no_broken_link():
    chain = _chain(4)
    assert verify_chain("case-1", chain, 4, chain[-1].hash, key=KEY) is None


def test_changing_any_field_breaks_that_event():
    chain = _chain(4)
    chain[1] = replace(chain[1], data={"n": 99})
    broken = verify_chain("case-1", chain, 4, chain[-1].hash, key=KEY)
    assert broken.seq == 2 and "edited" in broken.reason


def test_a_missing_middle_event_is_named_at_the_gap():
    chain = _chain(4)
    del chain[1]
    assert verify_chain("case-1", chain, 4, chain[-1].hash, key=KEY).seq == 3


def test_a_missing_tail_is_caught_by_the_head():
    chain = _chain(4)
    broken = verify_chain("case-1", chain[:3], 4, chain[-1].hash, key=KEY)
    assert broken.seq == 4 and "head" in broken.reason


def test_an_empty_stream_with_no_head_is_whole():
    assert verify_chain("case-1", [], None, None, key=KEY) is None


def test_hash_does_not_depend_on_key_order_of_data():
    a = event_hash("s", 1, T0, "t", "a", None, {"x": 1, "y": 2}, GENESIS, key=KEY)
    b = event_hash("s", 1, T0, "t", "a", None, {"y": 2, "x": 1}, GENESIS, key=KEY)
    assert a == b


def test_a_chain_rehashed_without_the_key_does_not_verify():
    chain = _chain(4)
    forged, prev = [], GENESIS
    for record in chain:
        record = replace(record, data={"n": 0}, prev_hash=prev)
        record = replace(record, hash=event_hash(record.stream, record.seq, record.at, record.type, record.actor,
                                                 record.task_id, record.data, prev, key=None))
        forged.append(record)
        prev = record.hash
    broken = verify_chain("case-1", forged, 4, prev, key=KEY)
    assert broken.seq == 1 and "without the audit key" in broken.reason
    assert verify_chain("case-1", forged, 4, prev, key=b"another key").seq == 1


# -- the personal part: erasable without breaking the chain -------------------------------------
PERSONAL_PATHS = frozenset({"parties[].name", "parties[].address", "summary"})
CASE = {"channel": "visit", "summary": "丈夫酒后动手", "parties": [{"name": "王某", "role": "applicant",
                                                                "address": "东村3组"}, {"name": "李某", "age": 40}]}


def _personal_chain() -> list[AuditRecord]:
    events = [("instance_started", None, {"process": "dispute_case", "data": CASE}),
              ("escalated", None, {"from_level": "village", "to_level": "town"})]
    rows, _, _ = extend_chain("case-2", 0, GENESIS, T0, "clerk", events, key=KEY, personal_paths=PERSONAL_PATHS)
    return [AuditRecord(**row) for row in rows]


def test_personal_values_are_kept_apart_and_the_event_reads_whole():
    started, escalated = _personal_chain()
    assert started.data["data"] == {"channel": "visit", "parties": [{"role": "applicant"}, {"age": 40}]}
    assert started.personal == {"summary": "丈夫酒后动手", "parties": [{"name": "王某", "address": "东村3组"},
                                                                  {"name": "李某"}]}
    assert started.full_data["data"] == CASE
    assert escalated.personal is None and escalated.personal_digest is None


def test_erasing_the_personal_part_leaves_the_chain_whole():
    chain = _personal_chain()
    chain[0] = replace(chain[0], personal=None, personal_key=None)
    assert chain[0].erased
    assert verify_chain("case-2", chain, 2, chain[-1].hash, key=KEY) is None


def test_editing_the_personal_part_or_its_digest_is_found():
    chain = _personal_chain()
    edited = [replace(chain[0], personal={**chain[0].personal, "summary": "无事"}), chain[1]]
    broken = verify_chain("case-2", edited, 2, chain[-1].hash, key=KEY)
    assert broken.seq == 1 and "personal data does not match" in broken.reason
    swapped = [replace(chain[0], personal=None, personal_key=None, personal_digest="0" * 64), chain[1]]
    assert verify_chain("case-2", swapped, 2, chain[-1].hash, key=KEY).seq == 1
