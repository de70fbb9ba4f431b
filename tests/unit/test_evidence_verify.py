"""The evidence package's own verifier (engine/evidence_verify.py, copied into every package as
verify.py): its pure-Python Ed25519 check agrees with RFC 8032's test vectors and with the
`cryptography` library, refuses what is not a valid signature, and needs nothing but the
standard library."""
from __future__ import annotations

import ast
import sys
from pathlib import Path

import pytest
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from cryptography.hazmat.primitives.asymmetric.x25519 import X25519PrivateKey

from engine import evidence_verify
from engine.evidence_verify import L, ed25519_verify, public_key_from_pem

# RFC 8032, section 7.1: TEST 1, TEST 2, TEST 3 (public key, message, signature).
RFC_8032 = [
    ("d75a980182b10ab7d54bfed3c964073a0ee172f3daa62325af021a68f707511a", "",
     "e5564300c360ac729086e2cc806e828a84877f1eb8e5d974d873e065224901555fb8821590a33bacc61e39701cf9b46bd25bf5f0595bbe"
     "24655141438e7a100b"),
    ("3d4017c3e843895a92b70aa74d1b7ebc9c982ccf2ec4968cc0cd55f12af4660c", "72",
     "92a009a9f0d4cab8720e820b5f642540a2b27b5416503f8fb3762223ebdb69da085ac1e43e15996e458f3613d0f11d8c387b2eaeb4302a"
     "eeb00d291612bb0c00"),
    ("fc51cd8e6218a1a38da47ed00230f0580816ed13ba3303ac5deb911548908025", "af82",
     "6291d657deec24024827e69c3abe01a30ce548a284743a445e3680d7db5ac3ac18ff9b538d16f290ae67f760984dc6594a7c15e9716ed2"
     "8dc027beceea1ec40a"),
]


def _raw(private: Ed25519PrivateKey) -> bytes:
    return private.public_key().public_bytes(serialization.Encoding.Raw, serialization.PublicFormat.Raw)


def _flipped(data: bytes, index: int) -> bytes:
    return data[:index] + bytes([data[index] ^ 1]) + data[index + 1:]


@pytest.mark.parametrize("public, message, signature", RFC_8032, ids=["TEST 1", "TEST 2", "TEST 3"])
def test_the_rfc_8032_test_vectors_verify(public, message, signature):
    assert ed25519_verify(bytes.fromhex(public), bytes.fromhex(message), bytes.fromhex(signature))


@pytest.mark.parametrize("public, message, signature", RFC_8032, ids=["TEST 1", "TEST 2", "TEST 3"])
def test_the_rfc_8032_test_vectors_fail_for_another_message(public, message, signature):
    assert not ed25519_verify(bytes.fromhex(public), bytes.fromhex(message) + b"\x00", bytes.fromhex(signature))


@pytest.mark.parametrize("message", [b"", b"manifest", "家和证据包".encode() * 300, bytes(range(256)) * 40])
def test_signatures_made_by_the_cryptography_library_verify(message):
    private = Ed25519PrivateKey.generate()
    assert ed25519_verify(_raw(private), message, private.sign(message))


def test_a_bad_signature_is_rejected():
    private = Ed25519PrivateKey.generate()
    message = b'{"case_no": "JH-2026-000003"}'
    signature, public = private.sign(message), _raw(private)
    assert ed25519_verify(public, message, signature)
    assert not ed25519_verify(public, _flipped(message, 3), signature)  # the message changed
    assert not ed25519_verify(public, message, _flipped(signature, 5))  # R changed
    assert not ed25519_verify(public, message, _flipped(signature, 40))  # S changed
    assert not ed25519_verify(_raw(Ed25519PrivateKey.generate()), message, signature)  # another key
    assert not ed25519_verify(public, message, signature[:63])
    assert not ed25519_verify(public, message, b"\x00" * 64)


def test_a_signature_with_s_beyond_the_group_order_is_rejected():
    """S + L satisfies the same equation; RFC 8032 5.1.7 rejects it (no malleable signatures)."""
    private = Ed25519PrivateKey.generate()
    signature = private.sign(b"manifest")
    s = int.from_bytes(signature[32:], "little") + L
    assert not ed25519_verify(_raw(private), b"manifest", signature[:32] + s.to_bytes(32, "little"))


def test_a_public_key_that_is_no_point_of_the_curve_is_rejected():
    not_on_curve = (2).to_bytes(32, "little")  # y = 2: (y^2 - 1)/(d y^2 + 1) has no square root
    assert evidence_verify._point(not_on_curve) is None
    assert not ed25519_verify(not_on_curve, b"m", Ed25519PrivateKey.generate().sign(b"m"))


def test_the_pem_of_an_ed25519_public_key_is_read_and_others_are_refused():
    private = Ed25519PrivateKey.generate()
    pem = private.public_key().public_bytes(serialization.Encoding.PEM,
                                           serialization.PublicFormat.SubjectPublicKeyInfo)
    assert public_key_from_pem(pem) == _raw(private)
    other = X25519PrivateKey.generate().public_key().public_bytes(
        serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo)
    with pytest.raises(ValueError):
        public_key_from_pem(other)
    with pytest.raises(ValueError):
        public_key_from_pem(b"-----BEGIN PUBLIC KEY-----\nnot base64 at all!\n-----END PUBLIC KEY-----\n")


def test_the_verifier_imports_nothing_but_the_standard_library():
    tree = ast.parse(Path(evidence_verify.__file__).read_text(encoding="utf-8"))
    imported = {alias.name.split(".")[0] for node in ast.walk(tree) if isinstance(node, ast.Import)
                for alias in node.names}
    imported |= {node.module.split(".")[0] for node in ast.walk(tree)
                 if isinstance(node, ast.ImportFrom) and node.module}
    assert imported - {"__future__"} <= set(sys.stdlib_module_names)
    assert "engine" not in imported


def test_a_path_that_is_no_package_is_broken_not_a_traceback(tmp_path):
    garbage = tmp_path / "garbage.zip"
    garbage.write_bytes(b"PK\x03\x04 not really a zip")
    report = evidence_verify.verify(str(garbage))
    assert not report.intact and report.lines()[-1] == "结论 / Result: 已损坏 / BROKEN"
    assert not evidence_verify.verify(str(tmp_path)).intact  # an empty folder: no manifest
