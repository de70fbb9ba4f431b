#!/usr/bin/env python3
"""家和 Jiahe 证据包核验程序 / evidence package verifier (verify.py).

只需 Python 3 标准库，无需安装任何软件包。 / Python 3 standard library only: nothing to install.

    python3 verify.py jiahe-evidence-JH-2026-000001.zip
    python3 verify.py                     (在解压后的目录中 / inside the unzipped folder)
    python3 verify.py PACKAGE --public-key 妇联公布的公钥.pem

退出码 0：完好；1：有改动或无法核验。 / Exit code 0: intact; 1: something was changed or cannot be checked.

This file is engine/evidence_verify.py of Jiahe, copied byte for byte into every package;
`jiahe evidence verify` runs the same code. It imports nothing but the standard library.
Ed25519 signatures are checked by the code below, written from RFC 8032 (5.1.3 decoding,
5.1.4 point addition, 5.1.7 verification).
"""
from __future__ import annotations

import argparse
import base64
import hashlib
import hmac
import io
import json
import os
import re
import struct
import sys
import zipfile

FORMAT = "jiahe-evidence/1"
CHECKPOINT_FORMAT = "jiahe-audit-checkpoint/1"
GENESIS = "0" * 64
MANIFEST, SIGNATURE, TIMELINE = "manifest.json", "manifest.sig", "timeline.jsonl"
CHECKPOINT, PUBLIC_KEY, VERIFICATION = "checkpoint.json", "checkpoint-public-key.pem", "verification.json"
UNCHAINED = ("content_sha256", "chain")  # the fields an event's own fingerprint leaves out


# -- Ed25519 verification (RFC 8032, section 5.1) ------------------------------------------------
# Points in extended homogeneous coordinates (X, Y, Z, T): x = X/Z, y = Y/Z, x*y = T/Z.

P = 2 ** 255 - 19
L = 2 ** 252 + 27742317777372353535851937790883648493  # the order of the base point


def _inverse(x: int) -> int:
    return pow(x, P - 2, P)  # Fermat: x^(p-2) = 1/x mod p


D = -121665 * _inverse(121666) % P  # the curve constant d
SQRT_M1 = pow(2, (P - 1) // 4, P)  # a square root of -1 mod p
NEUTRAL = (0, 1, 1, 0)


def _add(a: tuple, b: tuple) -> tuple:
    """a + b on the curve (5.1.4); the formulas hold for a == b too."""
    x1, y1, z1, t1 = a
    x2, y2, z2, t2 = b
    pa, pb = (y1 - x1) * (y2 - x2) % P, (y1 + x1) * (y2 + x2) % P
    pc, pd = 2 * t1 * t2 * D % P, 2 * z1 * z2 % P
    e, f, g, h = pb - pa, pd - pc, pd + pc, pb + pa
    return e * f % P, g * h % P, f * g % P, e * h % P


def _times(k: int, point: tuple) -> tuple:
    """[k]point by double-and-add (verification handles public values only)."""
    result = NEUTRAL
    while k:
        if k & 1:
            result = _add(result, point)
        point = _add(point, point)
        k >>= 1
    return result


def _same_point(a: tuple, b: tuple) -> bool:
    return (a[0] * b[2] - b[0] * a[2]) % P == 0 and (a[1] * b[2] - b[1] * a[2]) % P == 0


def _x_of(y: int, sign: int) -> int | None:
    """The x with x^2 = (y^2 - 1) / (d y^2 + 1) whose lowest bit is `sign` (5.1.3), or None."""
    if y >= P:
        return None
    u, v = (y * y - 1) % P, (D * y * y + 1) % P
    x = u * pow(v, 3, P) * pow(u * pow(v, 7, P), (P - 5) // 8, P) % P
    if v * x * x % P == (-u) % P:
        x = x * SQRT_M1 % P
    elif v * x * x % P != u:
        return None  # not a square: no such point
    if x == 0 and sign:
        return None
    return P - x if x & 1 != sign else x


def _point(encoded: bytes) -> tuple | None:
    if len(encoded) != 32:
        return None
    number = int.from_bytes(encoded, "little")
    y, sign = number & ((1 << 255) - 1), number >> 255
    x = _x_of(y, sign)
    return None if x is None else (x, y, 1, x * y % P)


_BASE_Y = 4 * _inverse(5) % P
BASE = (_x_of(_BASE_Y, 0), _BASE_Y, 1, _x_of(_BASE_Y, 0) * _BASE_Y % P)


def ed25519_verify(public_key: bytes, message: bytes, signature: bytes) -> bool:
    """True when `signature` is a valid Ed25519 signature of `message` under `public_key` (5.1.7)."""
    if len(public_key) != 32 or len(signature) != 64:
        return False
    a, r = _point(public_key), _point(signature[:32])
    s = int.from_bytes(signature[32:], "little")
    if a is None or r is None or s >= L:
        return False
    k = int.from_bytes(hashlib.sha512(signature[:32] + public_key + message).digest(), "little") % L
    # the group equation [8][S]B = [8]R + [8][k]A
    return _same_point(_times(8 * s, BASE), _times(8, _add(r, _times(k, a))))


ED25519_SPKI = bytes.fromhex("302a300506032b6570032100")  # SubjectPublicKeyInfo prefix of an Ed25519 key


def public_key_from_pem(pem: bytes) -> bytes:
    """The 32 key bytes of an Ed25519 public key in PEM (-----BEGIN PUBLIC KEY-----)."""
    text = pem.decode("ascii").strip()
    match = re.fullmatch(r"-----BEGIN PUBLIC KEY-----\s*([A-Za-z0-9+/=\s]+?)\s*-----END PUBLIC KEY-----", text)
    if not match:
        raise ValueError("not a PEM public key")
    der = base64.b64decode("".join(match.group(1).split()))
    if len(der) != 44 or not der.startswith(ED25519_SPKI):
        raise ValueError("not an Ed25519 public key")
    return der[len(ED25519_SPKI):]


def fingerprint(public_key: bytes) -> str:
    """SHA-256 of the raw key, in groups of four, for comparing keys by eye or over the phone."""
    digest = hashlib.sha256(public_key).hexdigest()
    return " ".join(digest[i:i + 4] for i in range(0, 64, 4))


# -- reading a package -------------------------------------------------------------------------

def read_zip(raw: bytes) -> dict:
    """name -> bytes of each entry. A stored entry is read straight from after its local header,
    so a changed byte shows up as a changed entry even where the zip's own CRC check would refuse it."""
    entries = {}
    with zipfile.ZipFile(io.BytesIO(raw)) as archive:
        for info in archive.infolist():
            if info.is_dir():
                continue
            if info.compress_type == zipfile.ZIP_STORED:
                entries[info.filename] = _stored(raw, info)
            else:
                try:
                    entries[info.filename] = archive.read(info)
                except Exception:  # any damage to a compressed entry: unreadable
                    entries[info.filename] = None
    return entries


def _stored(raw: bytes, info) -> bytes | None:
    start = info.header_offset
    header = raw[start:start + 30]
    if len(header) < 30 or header[:4] != b"PK\x03\x04":
        return None
    name_length, extra_length = struct.unpack("<HH", header[26:30])
    begin = start + 30 + name_length + extra_length
    return raw[begin:begin + info.compress_size]


def read_folder(folder: str) -> dict:
    entries = {}
    for parent, _dirs, names in os.walk(folder):
        for name in names:
            path = os.path.join(parent, name)
            with open(path, "rb") as handle:
                entries[os.path.relpath(path, folder).replace(os.sep, "/")] = handle.read()
    return entries


# -- the checks ---------------------------------------------------------------------------------

def canonical(value) -> bytes:
    """Keys sorted, no spaces, UTF-8 without escaping: the bytes every fingerprint is taken of."""
    return json.dumps(value, sort_keys=True, ensure_ascii=False, separators=(",", ":")).encode("utf-8")


def sha256(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


class Report:
    def __init__(self, package: str):
        self.package = package
        self.findings = []  # (kind, zh, en); kind: ok | broken | note

    def add(self, kind: str, zh: str, en: str) -> None:
        self.findings.append((kind, zh, en))

    @property
    def intact(self) -> bool:
        return not any(kind == "broken" for kind, _, _ in self.findings)

    def lines(self) -> list:
        marks = {"ok": ("[通过]", "OK:"), "broken": ("[损坏]", "BROKEN:"), "note": ("[说明]", "Note:")}
        out = ["家和证据包核验 / Jiahe evidence package check: " + self.package]
        for kind, zh, en in self.findings:
            mark_zh, mark_en = marks[kind]
            out += [f"{mark_zh} {zh}", f"       {mark_en} {en}"]
        out.append("结论 / Result: " + ("完好 / intact" if self.intact else "已损坏 / BROKEN"))
        return out


def verify(path: str, published_key_path: str | None = None) -> Report:
    report = Report(os.path.basename(os.path.abspath(path)))
    try:
        entries = read_folder(path) if os.path.isdir(path) else read_zip(_read(path))
    except (OSError, zipfile.BadZipFile, ValueError) as exc:
        report.add("broken", f"无法读取证据包（{exc}）", f"the package cannot be read ({exc})")
        return report
    try:
        published = _published_key(report, published_key_path)
        manifest = _manifest(report, entries)
        _about(report, manifest)
        timeline = _check_timeline(report, entries.get(TIMELINE), manifest)
        _check_entries(report, entries, manifest)
        key = _check_signature(report, entries, published)
        _check_checkpoint(report, entries, manifest, timeline, key, published)
        _server_check(report, entries.get(VERIFICATION))
    except Exception as exc:  # a package damaged in a way no check above foresaw: never a traceback
        report.add("broken", f"核验未能完成（{exc!r}）", f"the check could not finish ({exc!r})")
    return report


def _read(path: str) -> bytes:
    with open(path, "rb") as handle:
        return handle.read()


def _published_key(report: Report, path: str | None) -> bytes | None:
    if not path:
        return None
    try:
        return public_key_from_pem(_read(path))
    except (OSError, ValueError, UnicodeDecodeError) as exc:
        report.add("broken", f"无法读取所给公钥 {path}（{exc}）", f"the public key {path} cannot be read ({exc})")
        return None


def _manifest(report: Report, entries: dict) -> dict:
    try:
        manifest = json.loads(entries[MANIFEST].decode("utf-8"))
        if manifest.get("format") != FORMAT:
            raise ValueError(f"not a {FORMAT} manifest")
        if not all(isinstance(entry, dict) for entry in dict(manifest.get("entries") or {}).values()):
            raise ValueError("its entries are not a list of files")
        return manifest
    except (KeyError, AttributeError, TypeError, ValueError, UnicodeDecodeError) as exc:
        report.add("broken", f"清单 manifest.json 缺失或无法读取（{exc}）",
                   f"the manifest (manifest.json) is missing or unreadable ({exc})")
        return {}


def _about(report: Report, manifest: dict) -> None:
    if not manifest:
        return
    by = manifest.get("exported_by") or {}
    who = f"{by.get('display_name') or ''}（{by.get('username')}）"
    report.add("note", f"案件 {manifest.get('case_no')}，{manifest.get('exported_at')} 由 {who} 导出",
               f"case {manifest.get('case_no')}, exported at {manifest.get('exported_at')} by {by.get('username')}")


def _event_name(seq, type_, at) -> tuple:
    return f"第 {seq} 条事件（{type_}，{at}）", f"event {seq} ({type_}, {at})"


def _check_timeline(report: Report, raw: bytes | None, manifest: dict) -> tuple:
    """(the events as far as they check out, whether all did); the first broken one is named
    by seq, type and time."""
    if raw is None:
        report.add("broken", "时间线 timeline.jsonl 缺失或无法读取", "the timeline (timeline.jsonl) is missing or unreadable")
        return [], False
    events, chain, prev_hash = [], GENESIS, GENESIS
    lines = raw.split(b"\n")
    if lines and lines[-1] == b"":
        lines.pop()
    for number, line in enumerate(lines, start=1):
        event, problem = _parse_event(line)
        if problem is None:
            problem, chain = _event_problem(event, number, chain, prev_hash, manifest.get("case_id"))
        if problem is not None:
            zh_name, en_name = _event_name(*_naming(event, line, number))
            report.add("broken", f"{zh_name}被改动：{problem[0]}", f"{en_name} was altered: {problem[1]}")
            return events, False
        events.append(event)
        prev_hash = event.get("hash")
    return events, _check_totals(report, events, chain, manifest)


def _parse_event(line: bytes) -> tuple:
    try:
        event = json.loads(line.decode("utf-8"))
        if not isinstance(event, dict):
            raise ValueError("not an object")
        return event, None
    except (UnicodeDecodeError, ValueError):
        return None, ("这一行已无法解读", "its line no longer parses")


def _naming(event: dict | None, line: bytes, number: int) -> tuple:
    if event is not None:
        return event.get("seq", number), event.get("type"), event.get("at")
    text = line.decode("utf-8", "replace")  # a damaged line: what can still be read of it

    def field(name, pattern):
        found = re.search('"' + name + '":(' + pattern + ')', text)
        return found.group(1).strip('"') if found else "?"

    seq = field("seq", r"\d+")
    return (seq if seq != "?" else number), field("type", r'"[^"]*"'), field("at", r'"[^"]*"')


def _event_problem(event: dict, number: int, chain: str, prev_hash: str, case_id) -> tuple:
    """(problem or None, the chain value after this event)."""
    try:
        content = sha256(canonical({k: v for k, v in event.items() if k not in UNCHAINED}))
        chain_after = sha256((chain + content).encode("ascii"))
    except (TypeError, ValueError):
        return ("内容无法复算", "its content cannot be recomputed"), chain
    if event.get("content_sha256") != content:
        return ("内容与其记录的指纹（content_sha256）不符", "its content does not match its fingerprint (content_sha256)"), chain
    if event.get("chain") != chain_after:
        return ("链值（chain）与前面的事件接不上", "its chain value does not follow from the events before it"), chain
    if event.get("seq") != number:
        return (f"此处应为第 {number} 条事件：有事件被删除、插入或调换",
                f"event {number} belongs here: an event was deleted, inserted or reordered"), chain
    if event.get("prev_hash") != prev_hash:
        return ("其 prev_hash 不等于前一条事件的 hash：有事件被删除、插入或调换",
                "its prev_hash is not the previous event's hash: an event was deleted, inserted or reordered"), chain
    if case_id and event.get("stream") != case_id:
        return ("它属于另一个案件", "it belongs to another case"), chain
    return _personal_problem(event), chain_after


def _personal_problem(event: dict) -> tuple | None:
    """The event's personal part, while not erased, must match the digest its hash covers."""
    personal, key, digest = event.get("personal"), event.get("personal_key"), event.get("personal_digest")
    if personal is None:
        return None  # none, or erased by retention: the digest stands for it
    if not key or not digest:
        return ("其个人信息部分没有对应的摘要", "its personal part has no digest to match")
    try:
        expected = hmac.new(bytes.fromhex(key), canonical(personal), hashlib.sha256).hexdigest()
    except ValueError:
        return ("其个人信息密钥已损坏", "the key of its personal part is damaged")
    if not hmac.compare_digest(expected, str(digest)):
        return ("其个人信息与摘要（personal_digest）不符", "its personal part does not match its digest (personal_digest)")
    return None


def _check_totals(report: Report, events: list, chain: str, manifest: dict) -> bool:
    if manifest and (manifest.get("events") != len(events) or manifest.get("chain") != chain):
        report.add("broken", f"时间线有 {len(events)} 条事件，与清单所记（{manifest.get('events')} 条及其链值）不符："
                             "事件被删除、添加或整体重算",
                   f"the timeline holds {len(events)} events, which do not end as the manifest says "
                   f"({manifest.get('events')} events and their chain value): events were removed, added or rehashed")
        return False
    report.add("ok", f"时间线共 {len(events)} 条事件，每条的指纹、链值和前后衔接都复算一致，未删除的个人信息与其摘要相符",
               f"timeline of {len(events)} events: every fingerprint, chain value and link recomputes, "
               "and each personal part still there matches its digest")
    return True


def _check_entries(report: Report, entries: dict, manifest: dict) -> None:
    listed = manifest.get("entries") or {}
    altered = []
    for name in sorted(listed):
        content = entries.get(name)
        if content is None:
            report.add("broken", f"文件 {name} 缺失", f"the file {name} is missing")
            altered.append(name)
        elif sha256(content) != listed[name].get("sha256") or len(content) != listed[name].get("size"):
            report.add("broken", f"文件 {name} 被改动（SHA-256 与清单不符）", f"the file {name} was altered (its SHA-256 differs from the manifest)")
            altered.append(name)
    if listed and not altered:
        report.add("ok", f"清单所列 {len(listed)} 个文件的 SHA-256 全部相符", f"all {len(listed)} files listed in the manifest match their SHA-256")
    extra = sorted(set(entries) - set(listed) - {MANIFEST, SIGNATURE})
    if manifest and extra:
        report.add("note", "以下文件不在已签名的清单中，不属于证据包，未予核验：" + "、".join(extra),
                   "not in the signed manifest, so not part of the package and not checked: " + ", ".join(extra))


def _check_signature(report: Report, entries: dict, published: bytes | None) -> bytes | None:
    """Check the manifest's signature; return the package's public key."""
    try:
        key = public_key_from_pem(entries[PUBLIC_KEY])
    except (KeyError, AttributeError, ValueError, UnicodeDecodeError):
        report.add("broken", "公钥文件 checkpoint-public-key.pem 缺失或无法读取", "the public key (checkpoint-public-key.pem) is missing or unreadable")
        return None
    try:
        signature = base64.b64decode(entries[SIGNATURE].strip(), validate=True)
    except (KeyError, TypeError, ValueError):
        signature = b""
    manifest = entries.get(MANIFEST) or b""
    if not ed25519_verify(key, manifest, signature):
        report.add("broken", "清单的签名（manifest.sig）核验未通过：清单或签名被改动，或不是用包内公钥签名的",
                   "the manifest's signature (manifest.sig) does not verify: the manifest or the signature was "
                   "altered, or it was not made with the package's public key")
    else:
        report.add("ok", f"清单的 Ed25519 签名用包内公钥核验通过（公钥指纹 {fingerprint(key)}）",
                   f"the manifest's Ed25519 signature verifies with the package's public key (fingerprint {fingerprint(key)})")
    if published is None:
        report.add("note", "公钥是否属于出具本包的妇联，请与其公开发布的公钥比对：python3 verify.py 本包 --public-key 公布的公钥.pem",
                   "whether the key is the federation's: compare it with the key it publishes, "
                   "python3 verify.py PACKAGE --public-key PUBLISHED.pem")
    elif not ed25519_verify(published, manifest, signature):
        report.add("broken", "清单不是用所给的（妇联公布的）公钥签名的", "the manifest was not signed with the given (published) public key")
    else:
        report.add("ok", "清单的签名用所给的（妇联公布的）公钥核验通过", "the manifest's signature verifies with the given (published) public key")
    return key


def _check_checkpoint(report: Report, entries: dict, manifest: dict, timeline: tuple, key, published) -> None:
    raw = entries.get(CHECKPOINT)
    if raw is None:
        if CHECKPOINT not in (manifest.get("entries") or {}):  # listed but gone: reported already
            report.add("note", "本包不含签名检查点（导出时没有覆盖本案的检查点）",
                       "the package holds no signed checkpoint (none covered this case at export)")
        return
    try:
        document = json.loads(raw.decode("utf-8"))
        signature = base64.b64decode(document.pop("signature"))
        seq, digest = document["heads"][manifest.get("case_id")]
        if document.get("format") != CHECKPOINT_FORMAT or not isinstance(seq, int):
            raise ValueError("not a checkpoint")
    except (ValueError, KeyError, TypeError, AttributeError, UnicodeDecodeError):
        report.add("broken", "检查点 checkpoint.json 无法读取，或其中没有本案",
                   "the checkpoint (checkpoint.json) is unreadable or names no head for this case")
        return
    body, at = canonical(document), document.get("created_at")
    for public, zh, en in ((key, "包内公钥", "the package's"), (published, "所给公钥", "the given")):
        if public is not None and not ed25519_verify(public, body, signature):
            report.add("broken", f"检查点的签名用{zh}核验未通过", f"the checkpoint's signature does not verify with {en} public key")
            return
    events, whole = timeline
    if not whole and seq > len(events):
        report.add("note", f"检查点（{at}）的签名核验通过；时间线已损坏，未能与其为本案签名的第 {seq} 条事件比对",
                   f"the checkpoint of {at} verifies; the timeline is broken before event {seq}, which it signed, "
                   "so they were not compared")
    elif not 0 < seq <= len(events) or events[seq - 1].get("hash") != digest:
        report.add("broken", f"检查点（{at}）为本案签名的第 {seq} 条事件与时间线不符",
                   f"the checkpoint of {at} signed event {seq} of this case, which the timeline does not hold as signed")
    else:
        report.add("ok", f"检查点（{at}）的签名核验通过，其为本案签名的第 {seq} 条事件与时间线一致",
                   f"the checkpoint of {at} verifies, and the head it signed for this case (event {seq}) is the timeline's")


def _server_check(report: Report, raw: bytes | None) -> None:
    try:
        check = json.loads(raw.decode("utf-8"))
        intact = check["intact"]
    except (AttributeError, ValueError, KeyError, TypeError, UnicodeDecodeError):
        report.add("broken", "服务器导出时的自检结果 verification.json 缺失或无法读取", "the server's own check (verification.json) is missing or unreadable")
        return
    if intact:
        report.add("ok", "导出时服务器用审计密钥核验本案审计链：完好", "at export the server checked this case's audit chain under its audit key: intact")
    else:
        first = (check.get("broken") or [{}])[0]
        report.add("broken", f"导出时服务器核验本案审计链已发现断点：第 {first.get('seq')} 条，{first.get('reason')}",
                   f"at export the server found this case's audit chain broken: event {first.get('seq')}, {first.get('reason')}")


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(prog="verify.py", description="核验家和证据包 / verify a Jiahe evidence package")
    parser.add_argument("package", nargs="?", help="证据包 .zip 或解压后的目录（默认：本程序所在目录） / "
                                                   "the .zip or the unzipped folder (default: this file's folder)")
    parser.add_argument("--public-key", help="妇联公布的公钥（PEM） / the federation's published public key (PEM)")
    args = parser.parse_args(argv)
    if hasattr(sys.stdout, "reconfigure"):
        sys.stdout.reconfigure(errors="replace")
    report = verify(args.package or os.path.dirname(os.path.abspath(__file__)), args.public_key)
    for line in report.lines():
        print(line)
    return 0 if report.intact else 1


if __name__ == "__main__":
    sys.exit(main())
