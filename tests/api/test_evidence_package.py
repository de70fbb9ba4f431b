"""Evidence packages (证据包, issue #16): a supervisor exports a red case's record as a ZIP whose
own verify.py, run with nothing but Python's standard library, reports it intact, and names
the first altered event or file once one byte of the .zip is changed."""
from __future__ import annotations

import hashlib
import io
import json
import subprocess
import sys
import uuid
import zipfile
from datetime import timedelta

import pytest
from click.testing import CliRunner
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from sqlalchemy import select, update

from api.cli import cli
from engine import keys
from engine.demo import seed_demo
from engine.runtime import checkpoints
from engine.store.models import AuditEvent, CaseDocument
from tests.api.cases_support import CASES, listed, new_case, screen
from tests.api.conftest import ROOT

SUPERVISOR = "supervisor_town"
RED = {"weapon_used": True, "threats_to_kill": True, "victim_frightened": True, "police_callouts_12m": 3,
       "complexity": "complex", "victim_safe_now": False}


@pytest.fixture
def checkpoint_dir(api, tmp_path):
    directory = tmp_path / "audit-checkpoints"
    api.app.config["CHECKPOINT_DIR"] = str(directory)
    return directory


def take_checkpoint(api, directory):
    now = api.clock.now()
    api.clock.advance(timedelta(minutes=1))
    return checkpoints.write(checkpoints.take(api.services.store, now), directory / f"checkpoint-{now:%H%M%S}.json")


def red_case(api) -> dict:
    case = new_case(api, dispute_type="domestic_violence", summary="丈夫酒后持刀威胁妻子，扬言要杀死她")
    screen(api, case["id"], **RED)
    return case


def export(api, case_id, user=SUPERVISOR):
    response = api.get(f"{CASES}/{case_id}/evidence", user)
    assert response.status_code == 200, response.get_json()
    return response.data


def entries(package: bytes) -> dict[str, bytes]:
    with zipfile.ZipFile(io.BytesIO(package)) as archive:
        return {name: archive.read(name) for name in archive.namelist()}


def timeline(package: bytes) -> list[dict]:
    return [json.loads(line) for line in entries(package)["timeline.jsonl"].splitlines()]


def run_verifier(package: bytes, tmp_path, *args) -> subprocess.CompletedProcess:
    """The package's own verify.py, on the package, with only the standard library (-S: no site-packages)."""
    folder = tmp_path / uuid.uuid4().hex
    folder.mkdir()
    with zipfile.ZipFile(io.BytesIO(package)) as archive:  # only its own entry: another may be altered
        (folder / "verify.py").write_bytes(archive.read("verify.py"))
    (folder / "jiahe-evidence.zip").write_bytes(package)
    return subprocess.run([sys.executable, "-I", "-S", "verify.py", "jiahe-evidence.zip", *args], cwd=folder,
                          capture_output=True, text=True, encoding="utf-8", check=False)


def changed(package: bytes, old: bytes, new: bytes, *, within: bytes = b"") -> bytes:
    """The package with the one occurrence of `old` (inside the bytes `within`, if given) replaced."""
    start = package.index(within) if within else 0
    at = package.index(old, start)
    assert len(old) == len(new) and sum(a != b for a, b in zip(old, new, strict=True)) == 1
    return package[:at] + new + package[at + len(old):]


def line_of(package: bytes, type_: str) -> bytes:
    return next(line for line in entries(package)["timeline.jsonl"].splitlines()
                if json.loads(line)["type"] == type_)


# -- the package ----------------------------------------------------------------------------------

def test_a_supervisor_exports_the_red_case_and_its_own_verifier_reports_it_intact(api, checkpoint_dir, tmp_path):
    case = red_case(api)
    take_checkpoint(api, checkpoint_dir)
    response = api.get(f"{CASES}/{case['id']}/evidence", SUPERVISOR)
    assert response.status_code == 200 and response.mimetype == "application/zip"
    assert f'filename="jiahe-evidence-{case["case_no"]}.zip"' in response.headers["Content-Disposition"]
    package = response.data
    with zipfile.ZipFile(io.BytesIO(package)) as archive:
        infos = archive.infolist()
    assert {i.compress_type for i in infos} == {zipfile.ZIP_STORED} and len({i.date_time for i in infos}) == 1
    assert {"README.txt", "verify.py", "case.json", "timeline.jsonl", "verification.json", "checkpoint.json",
            "checkpoint-public-key.pem", "manifest.json", "manifest.sig"} == {i.filename for i in infos}
    result = run_verifier(package, tmp_path)
    assert result.returncode == 0, result.stdout + result.stderr
    assert result.stdout.strip().endswith("完好 / intact")
    assert "检查点" in result.stdout and f"{len(timeline(package))} 条事件" in result.stdout


def test_the_package_holds_the_unmasked_case_every_event_and_the_servers_own_check(api, checkpoint_dir):
    case = red_case(api)
    take_checkpoint(api, checkpoint_dir)
    package = entries(export(api, case["id"]))
    record = json.loads(package["case.json"])
    assert (record["case_no"], record["risk_colour"], record["org_unit"]) == (case["case_no"], "red", "grid-a1")
    assert record["data"]["parties"][0]["phone"] == "13800000001"  # for the court: not masked
    events = [json.loads(line) for line in package["timeline.jsonl"].splitlines()]
    assert [e["seq"] for e in events] == list(range(1, len(events) + 1))
    assert any(e["type"] == "risk_triaged" and e["data"]["colour"] == "red" for e in events)
    check = json.loads(package["verification.json"])
    assert check["intact"] is True and check["events_exported"] == len(events)
    assert check["checkpoint"]["included"] is True
    manifest = json.loads(package["manifest.json"])
    assert manifest["events"] == len(events) and manifest["chain"] == events[-1]["chain"]
    assert manifest["exported_by"]["username"] == SUPERVISOR
    assert package["verify.py"] == (api.services.project_root / "engine" / "evidence_verify.py").read_bytes()
    readme = package["README.txt"].decode("utf-8")
    assert readme.index("如何独立核验") < readme.index("How to verify") and case["case_no"] in readme
    assert f"python3 verify.py jiahe-evidence-{case['case_no']}.zip" in readme


def test_one_changed_byte_of_an_event_in_the_zip_names_that_event(api, checkpoint_dir, tmp_path):
    case = red_case(api)
    take_checkpoint(api, checkpoint_dir)
    package = export(api, case["id"])
    line = line_of(package, "risk_triaged")
    seq = json.loads(line)["seq"]
    downgraded = changed(package, b'"colour":"red"', b'"colour":"reD"', within=line)
    with pytest.raises(zipfile.BadZipFile):  # the zip's own CRC refuses the entry ...
        zipfile.ZipFile(io.BytesIO(downgraded)).read("timeline.jsonl")
    result = run_verifier(downgraded, tmp_path)  # ... the verifier reads it and names the event
    assert result.returncode == 1, result.stdout
    assert f"第 {seq} 条事件（risk_triaged，" in result.stdout and f"event {seq} (risk_triaged, " in result.stdout
    assert "被改动" in result.stdout and "was altered" in result.stdout
    assert result.stdout.strip().endswith("已损坏 / BROKEN")


def test_a_changed_byte_that_leaves_a_line_unreadable_still_names_its_event(api, checkpoint_dir, tmp_path):
    case = red_case(api)
    package = export(api, case["id"])
    line = line_of(package, "risk_triaged")
    seq = json.loads(line)["seq"]
    result = run_verifier(changed(package, line[:1], b"[", within=line), tmp_path)
    assert result.returncode == 1 and f"第 {seq} 条事件（risk_triaged，" in result.stdout, result.stdout


def test_a_changed_document_is_named_and_an_erased_one_is_only_listed(api, checkpoint_dir, tmp_path):
    case = red_case(api)
    agreement = "调解协议书：双方同意……".encode() * 20
    _document(api, case["id"], "调解协议书.txt", agreement)
    _document(api, case["id"], "旧扫描件.pdf", b"%PDF-1.4 old scan", erased=True)
    package = export(api, case["id"])
    manifest = json.loads(entries(package)["manifest.json"])
    assert [(d["filename"], d["status"]) for d in manifest["documents"]] == [("调解协议书.txt", "included"),
                                                                            ("旧扫描件.pdf", "erased")]
    [name] = [n for n in entries(package) if n.startswith("documents/")]
    assert entries(package)[name] == agreement
    assert run_verifier(package, tmp_path).returncode == 0
    agreed = "双方同意".encode()
    result = run_verifier(changed(package, agreed, agreed[:-1] + bytes([agreed[-1] ^ 1]), within=agreement), tmp_path)
    assert result.returncode == 1 and f"文件 {name} 被改动" in result.stdout and name in result.stdout, result.stdout


def _document(api, case_id, filename, content, erased=False):
    digest = api.services.files.put(content)
    now = api.clock.now()
    with api.services.store.write() as session:
        session.add(CaseDocument(id=str(uuid.uuid4()), instance_id=case_id, kind="uploaded", template=None,
                                 task_id=None, title=filename.split(".")[0], filename=filename,
                                 media_type="application/octet-stream", size=len(content), sha256=digest,
                                 created_by="clerk", created_at=now, erased_at=now if erased else None))
    api.clock.advance(timedelta(seconds=1))


def test_the_unzipped_folder_verifies_with_verify_py_inside_it(api, checkpoint_dir, tmp_path):
    case = red_case(api)
    take_checkpoint(api, checkpoint_dir)
    folder = tmp_path / "unzipped"
    zipfile.ZipFile(io.BytesIO(export(api, case["id"]))).extractall(folder)
    result = subprocess.run([sys.executable, "-I", "-S", "verify.py"], cwd=folder, capture_output=True,
                            text=True, encoding="utf-8", check=False)
    assert result.returncode == 0 and "完好 / intact" in result.stdout, result.stdout + result.stderr
    (folder / "case.json").write_bytes((folder / "case.json").read_bytes().replace(b"13800000001", b"13800000002"))
    again = subprocess.run([sys.executable, "-I", "-S", "verify.py"], cwd=folder, capture_output=True,
                           text=True, encoding="utf-8", check=False)
    assert again.returncode == 1 and "文件 case.json 被改动" in again.stdout, again.stdout


def test_the_signature_must_be_the_published_keys(api, checkpoint_dir, tmp_path):
    case = red_case(api)
    package = export(api, case["id"])
    published = keys.key_dir() / keys.CHECKPOINT_PUBLIC_FILE
    assert run_verifier(package, tmp_path, "--public-key", str(published)).returncode == 0
    other = tmp_path / "other.pem"
    other.write_bytes(keys.public_pem(Ed25519PrivateKey.generate().public_key()))
    result = run_verifier(package, tmp_path, "--public-key", str(other))
    assert result.returncode == 1 and "not signed with the given (published) public key" in result.stdout


def test_without_a_checkpoint_the_package_says_so_and_still_verifies(api, checkpoint_dir, tmp_path):
    case = red_case(api)
    package = export(api, case["id"])
    assert "checkpoint.json" not in entries(package)
    assert json.loads(entries(package)["verification.json"])["checkpoint"]["included"] is False
    result = run_verifier(package, tmp_path)
    assert result.returncode == 0 and "本包不含签名检查点" in result.stdout, result.stdout


def test_the_newest_checkpoint_whose_signature_holds_is_the_one_included(api, checkpoint_dir):
    case = red_case(api)
    take_checkpoint(api, checkpoint_dir)
    first = timeline(export(api, case["id"]))  # an evidence_exported event follows it
    newest = take_checkpoint(api, checkpoint_dir)  # vouches for that event too
    forged = json.loads(newest.read_text(encoding="utf-8"))
    forged["created_at"] = (api.clock.now() + timedelta(days=1)).isoformat()  # its signature no longer holds
    (checkpoint_dir / "checkpoint-forged.json").write_text(json.dumps(forged), encoding="utf-8")
    second = entries(export(api, case["id"]))
    assert second["checkpoint.json"] == newest.read_bytes()
    assert json.loads(second["checkpoint.json"])["heads"][case["id"]][0] == len(first) + 1
    assert json.loads(second["verification.json"])["checkpoint"]["file"] == newest.name


def test_personal_parts_erased_by_retention_leave_the_package_intact(api, checkpoint_dir, tmp_path):
    case = red_case(api)
    take_checkpoint(api, checkpoint_dir)
    with api.services.store.write() as session:
        seq = session.scalar(select(AuditEvent.seq).where(AuditEvent.stream == case["id"],
                                                          AuditEvent.personal_digest.is_not(None)))
        session.execute(update(AuditEvent).where(AuditEvent.stream == case["id"], AuditEvent.seq == seq)
                        .values(personal=None, personal_key=None))
    package = export(api, case["id"])
    erased = timeline(package)[seq - 1]
    assert erased["personal"] is None and erased["personal_key"] is None and erased["personal_digest"]
    assert json.loads(entries(package)["verification.json"])["intact"] is True
    result = run_verifier(package, tmp_path)
    assert result.returncode == 0, result.stdout


def test_a_personal_part_edited_in_the_database_before_the_export_fails_its_digest(api, checkpoint_dir,
                                                                                      tmp_path):
    case = red_case(api)
    with api.services.store.write() as session:
        event = session.scalars(select(AuditEvent).where(AuditEvent.stream == case["id"],
                                                         AuditEvent.type == "instance_started")).one()
        seq, personal = event.seq, json.loads(json.dumps(event.personal).replace("13800000001", "13800000009"))
        session.execute(update(AuditEvent).where(AuditEvent.id == event.id).values(personal=personal))
    package = export(api, case["id"])
    assert json.loads(entries(package)["verification.json"])["intact"] is False
    result = run_verifier(package, tmp_path)
    assert result.returncode == 1
    assert f"第 {seq} 条事件（instance_started，" in result.stdout and "personal_digest" in result.stdout


# -- who may export, and the record of it --------------------------------------------------------

def test_supervisors_over_the_case_and_its_handlers_may_export_others_may_not(api, checkpoint_dir):
    case = red_case(api)  # registered and screened by the clerk
    url = f"{CASES}/{case['id']}/evidence"
    for user in ("supervisor_a", "supervisor_town", "rights_officer", "clerk"):
        assert api.get(url, user).status_code == 200, user
    for user in ("grid_a1", "mediator_a", "lawyer"):  # they see the case, with no part in it
        response = api.get(url, user)
        assert response.status_code == 403 and response.get_json()["error"]["code"] == "forbidden", user
    for user in ("grid_b1", "mediator_b", "designer"):  # they do not see it at all
        assert api.get(url, user).status_code == 404, user
    assert api.get(f"{CASES}/{uuid.uuid4()}/evidence", SUPERVISOR).status_code == 404
    assert api.get(url).status_code == 401


def test_every_export_is_an_evidence_exported_event_and_a_clear_read_of_the_case(api, checkpoint_dir):
    case = red_case(api)
    before = timeline(package := export(api, case["id"]))
    items = api.get(f"{CASES}/{case['id']}/timeline", "supervisor_county").get_json()["items"]
    exported = items[-1]
    assert (exported["type"], exported["actor"]) == ("evidence_exported", SUPERVISOR)
    assert exported["data"]["sha256"] == hashlib.sha256(package).hexdigest()
    assert exported["data"]["size"] == len(package) and exported["data"]["events"] == len(before)
    assert exported["data"]["head_hash"] == before[-1]["hash"] and exported["data"]["chain"] == before[-1]["chain"]
    log = api.get(f"{CASES}/{case['id']}/access-log", "supervisor_town").get_json()["items"]
    assert [(e["username"], e["via"]) for e in log][-1] == (SUPERVISOR, "evidence")
    from engine.runtime.auditing import verify_audit
    assert verify_audit(api.services.store, case["id"]).ok


# -- the command line -------------------------------------------------------------------------------

# The command line opens its database by URL, which a test's PostgreSQL schema has not: the
# SQLite file shows it.
@pytest.mark.parametrize("store", ["sqlite"], indirect=True)
def test_the_cli_exports_by_case_number_and_verifies_as_the_package_does(api, checkpoint_dir, tmp_path,
                                                                          monkeypatch):
    case = red_case(api)
    monkeypatch.setenv("DATABASE_URL", api.services.store.url)
    monkeypatch.setenv("JIAHE_CHECKPOINT_DIR", str(checkpoint_dir))
    monkeypatch.chdir(tmp_path)
    runner = CliRunner()
    taken = runner.invoke(cli, ["audit", "checkpoint"], catch_exceptions=False)
    assert taken.exit_code == 0 and str(checkpoint_dir) in taken.output
    done = runner.invoke(cli, ["evidence", "export", case["case_no"]], catch_exceptions=False)
    path = tmp_path / f"jiahe-evidence-{case['case_no']}.zip"
    assert done.exit_code == 0 and path.is_file(), done.output
    assert "checkpoint.json" in entries(path.read_bytes())
    verified = runner.invoke(cli, ["evidence", "verify", str(path)], catch_exceptions=False)
    assert verified.exit_code == 0 and "完好 / intact" in verified.output
    line = line_of(path.read_bytes(), "risk_triaged")
    path.write_bytes(changed(path.read_bytes(), b'"colour":"red"', b'"colour":"reD"', within=line))
    broken = runner.invoke(cli, ["evidence", "verify", str(path)], catch_exceptions=False)
    assert broken.exit_code == 1 and f"event {json.loads(line)['seq']} (risk_triaged" in broken.output
    events = api.get(f"{CASES}/{case['id']}/timeline", SUPERVISOR).get_json()["items"]
    assert events[-1]["type"] == "evidence_exported" and events[-1]["actor"].startswith("cli:")
    unknown = runner.invoke(cli, ["evidence", "export", "JH-2000-000404"])
    assert unknown.exit_code == 2 and "there is no case JH-2000-000404" in unknown.output


# -- done when (issue #16): on the demo's red case --------------------------------------------------

def test_on_the_demo_a_supervisor_exports_the_red_case_verified_intact_then_one_changed_byte_is_named(
        api, checkpoint_dir, tmp_path):
    seed_demo(api.services.runtime, api.services.store, ROOT, api.clock, history=False)
    [red] = listed(api, SUPERVISOR, "risk=red&process=dispute_case")["items"]
    take_checkpoint(api, checkpoint_dir)
    package = export(api, red["id"])
    intact = run_verifier(package, tmp_path)
    assert intact.returncode == 0 and intact.stdout.strip().endswith("完好 / intact"), intact.stdout
    assert "检查点" in intact.stdout and red["case_no"] in intact.stdout
    line = line_of(package, "risk_triaged")
    first = json.loads(line)
    broken = run_verifier(changed(package, b'"colour":"red"', b'"colour":"reD"', within=line), tmp_path)
    assert broken.returncode == 1
    assert f"第 {first['seq']} 条事件（risk_triaged，{first['at']}）被改动" in broken.stdout, broken.stdout
