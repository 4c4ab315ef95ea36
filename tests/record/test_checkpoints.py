import base64
import hashlib
import stat

import pytest
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from hypothesis import given
from hypothesis import strategies as st

from record.checkpoints import (
    Checkpoint,
    CheckpointSigner,
    InvalidCheckpoint,
    key_id,
    load_or_create_signing_key,
    open_checkpoint,
    parse_verifier_key,
    public_key_pem,
    verifier_key,
)

ORIGIN = "huitong.example.gov.cn/access-log"
ROOT = hashlib.sha256(b"root").digest()
CHECKPOINT = Checkpoint(ORIGIN, 1234, ROOT)

OLD_SIGNER = CheckpointSigner("huitong-audit", Ed25519PrivateKey.from_private_bytes(bytes(range(32))))
NEW_SIGNER = CheckpointSigner("huitong-audit-2026", Ed25519PrivateKey.from_private_bytes(bytes(range(1, 33))))
OTHER_SIGNER = CheckpointSigner("someone-else", Ed25519PrivateKey.generate())

# golang.org/x/mod/sumdb/note's documented example key and signed note (C2SP signed-note).
GO_SIGNER_KEY = "PRIVATE+KEY+PeterNeumann+c74f20a3+AYEKFALVFGyNhPJEMzD1QIDr+Y7hfZx09iUvxdXHKDFz"
GO_VERIFIER_KEY = "PeterNeumann+c74f20a3+ARpc2QcUPDhMQegwxbzhKqiBfsVkmqq/LDE4izWy10TW"
GO_TEXT = b"If you think cryptography is the answer to your problem,\nthen you don't know what your problem is.\n"
GO_SIGNATURE = "x08go/ZJkuBS9UG/SffcvIAQxVBtiFupLLr8pAcElZInNIuGUgYN1FFYC2pZSNXgKvqfqdngotpRZb6KE6RyyBwJnAM="


def trusting(*signers: CheckpointSigner) -> dict:
    return {signer.name: signer.public_key for signer in signers}


def signature_lines(note: str) -> str:
    return note.split("\n\n", 1)[1]


def test_body_is_origin_size_and_base64_root():
    assert CHECKPOINT.body() == f"{ORIGIN}\n1234\n{base64.b64encode(ROOT).decode()}\n".encode()


def test_signed_note_layout():
    note = OLD_SIGNER.sign(CHECKPOINT)
    body, signatures = note.split("\n\n")
    assert (body + "\n").encode() == CHECKPOINT.body()
    assert signatures.startswith("\u2014 huitong-audit ") and signatures.endswith("\n")
    decoded = base64.b64decode(signatures.split(" ")[2])
    assert decoded[:4] == OLD_SIGNER.key_id and len(decoded) == 68
    OLD_SIGNER.public_key.verify(decoded[4:], CHECKPOINT.body())


def test_sign_and_open_round_trip():
    assert open_checkpoint(OLD_SIGNER.sign(CHECKPOINT), trusting(OLD_SIGNER)) == CHECKPOINT
    empty = Checkpoint(ORIGIN, 0, hashlib.sha256(b"").digest())
    assert open_checkpoint(NEW_SIGNER.sign(empty), trusting(NEW_SIGNER)) == empty


@pytest.mark.parametrize(("original", "tampered"), [
    ("\n1234\n", "\n1235\n"),
    (ORIGIN, "huitong.example.gov.cn/other-log"),
    (base64.b64encode(ROOT).decode(), base64.b64encode(hashlib.sha256(b"other").digest()).decode()),
])
def test_tampered_checkpoint_is_refused(original, tampered):
    note = OLD_SIGNER.sign(CHECKPOINT).replace(original, tampered, 1)
    with pytest.raises(InvalidCheckpoint, match="bad signature"):
        open_checkpoint(note, trusting(OLD_SIGNER))


def test_untrusted_key_name_is_refused():
    with pytest.raises(InvalidCheckpoint, match="no signature by a trusted key"):
        open_checkpoint(OTHER_SIGNER.sign(CHECKPOINT), trusting(OLD_SIGNER))


def test_trusted_name_with_another_key_is_not_a_trusted_signature():
    impostor = CheckpointSigner(OLD_SIGNER.name, Ed25519PrivateKey.generate())
    with pytest.raises(InvalidCheckpoint, match="no signature by a trusted key"):
        open_checkpoint(impostor.sign(CHECKPOINT), trusting(OLD_SIGNER))


def test_key_rotation_note_signed_by_old_and_new_key_opens_with_either():
    note = OLD_SIGNER.sign(CHECKPOINT) + signature_lines(NEW_SIGNER.sign(CHECKPOINT))
    assert open_checkpoint(note, trusting(OLD_SIGNER)) == CHECKPOINT
    assert open_checkpoint(note, trusting(NEW_SIGNER)) == CHECKPOINT
    assert open_checkpoint(note, trusting(OLD_SIGNER, NEW_SIGNER)) == CHECKPOINT
    with pytest.raises(InvalidCheckpoint):
        open_checkpoint(note, trusting(OTHER_SIGNER))


def test_rotation_under_one_name_ignores_the_other_generation():
    successor = CheckpointSigner(OLD_SIGNER.name, Ed25519PrivateKey.from_private_bytes(bytes(range(2, 34))))
    assert successor.key_id != OLD_SIGNER.key_id
    note = OLD_SIGNER.sign(CHECKPOINT) + signature_lines(successor.sign(CHECKPOINT))
    assert open_checkpoint(note, trusting(successor)) == CHECKPOINT
    assert open_checkpoint(note, trusting(OLD_SIGNER)) == CHECKPOINT


def test_unknown_signatures_are_ignored_but_a_failing_trusted_one_is_not():
    good = OLD_SIGNER.sign(CHECKPOINT)
    assert open_checkpoint(good + signature_lines(OTHER_SIGNER.sign(Checkpoint(ORIGIN, 1, ROOT))),
                           trusting(OLD_SIGNER)) == CHECKPOINT
    forged = signature_lines(NEW_SIGNER.sign(Checkpoint(ORIGIN, 1, ROOT)))
    with pytest.raises(InvalidCheckpoint, match="bad signature by trusted key 'huitong-audit-2026'"):
        open_checkpoint(good + forged, trusting(OLD_SIGNER, NEW_SIGNER))


def malformed(note: str) -> list[str]:
    body, signatures = note.split("\n\n")
    origin, size, root = body.split("\n")
    name, encoded = signatures[2:-1].split(" ")
    return [
        body + "\n",  # no signatures at all
        note[:-1],  # no final newline
        f"{origin}\n{size}\n\n{signatures}",  # no root line
        f"{origin}\n{size}\n{root}\nextension\n\n{signatures}",  # a fourth body line
        f"\n{size}\n{root}\n\n{signatures}",  # empty origin
        f"{origin}\r\n{size}\n{root}\n\n{signatures}",  # control character in the origin
        f"{origin}\n0{size}\n{root}\n\n{signatures}",  # leading zero
        f"{origin}\n+{size}\n{root}\n\n{signatures}",
        f"{origin}\n{size} \n{root}\n\n{signatures}",
        f"{origin}\n１２３４\n{root}\n\n{signatures}",  # non-ASCII digits
        f"{origin}\n{2**64}\n{root}\n\n{signatures}",
        f"{origin}\n{'9' * 5000}\n{root}\n\n{signatures}",
        f"{origin}\n{size}\n{root.rstrip('=')}\n\n{signatures}",  # unpadded base64
        f"{origin}\n{size}\n{root[:-2]}!=\n\n{signatures}",
        f"{origin}\n{size}\n\u200b\n\n{signatures}",
        f"{body}\n\n- {name} {encoded}\n",  # hyphen, not em dash
        f"{body}\n\n\u2014{name} {encoded}\n",
        f"{body}\n\n\u2014 {name}  {encoded}\n",
        f"{body}\n\n\u2014 {name} {encoded} extra\n",
        f"{body}\n\n\u2014 {name}\n",
        f"{body}\n\n\u2014 na+me {encoded}\n",
        f"{body}\n\n\u2014 {name} {encoded[:-4]}\n",  # signature cut short
        f"{body}\n\n\u2014 {name} {encoded.rstrip('=')}\n",
        f"{body}\n\n\u2014 {name} {encoded}\n\n",  # blank line after the signatures
        f"{body}\n\n\u2014 {name} {encoded}\ntrailing\n",
        f"{body}\n\n\u2014 {name} {encoded}\n\u2014 unknown-key %%%\n",  # malformed even if the name is unknown
    ]


@pytest.mark.parametrize("index", range(len(malformed(OLD_SIGNER.sign(CHECKPOINT)))))
def test_malformed_notes_are_refused(index):
    note = malformed(OLD_SIGNER.sign(CHECKPOINT))[index]
    with pytest.raises(InvalidCheckpoint, match="malformed"):
        open_checkpoint(note, trusting(OLD_SIGNER))


@pytest.mark.parametrize(("origin", "size", "root"), [("", 1, ROOT), ("a\nb", 1, ROOT), (ORIGIN, -1, ROOT),
                                                       (ORIGIN, 1, b"")])
def test_checkpoint_refuses_values_with_no_note_form(origin, size, root):
    with pytest.raises(ValueError):
        Checkpoint(origin, size, root)


def test_key_id_binds_name_and_key():
    raw = OLD_SIGNER.public_key.public_bytes(serialization.Encoding.Raw, serialization.PublicFormat.Raw)
    assert key_id("huitong-audit", OLD_SIGNER.public_key) == hashlib.sha256(b"huitong-audit\n\x01" + raw).digest()[:4]
    assert key_id("huitong-audit-2026", OLD_SIGNER.public_key) != OLD_SIGNER.key_id
    assert OLD_SIGNER.key_id == key_id(OLD_SIGNER.name, OLD_SIGNER.public_key)


@pytest.mark.parametrize("name", ["", "two words", "a+b", "tab\tname", "line\nname"])
def test_key_names_are_single_words_without_plus(name):
    with pytest.raises(ValueError):
        CheckpointSigner(name, Ed25519PrivateKey.generate())


def test_go_sumdb_note_vector():
    seed = base64.b64decode(GO_SIGNER_KEY.split("+", 4)[4])[1:]
    private_key = Ed25519PrivateKey.from_private_bytes(seed)
    name, public_key = parse_verifier_key(GO_VERIFIER_KEY)
    assert name == "PeterNeumann" and key_id(name, public_key).hex() == "c74f20a3"
    assert verifier_key(name, private_key.public_key()) == GO_VERIFIER_KEY
    assert base64.b64encode(key_id(name, public_key) + private_key.sign(GO_TEXT)).decode() == GO_SIGNATURE


def test_verifier_key_round_trip():
    text = verifier_key(NEW_SIGNER.name, NEW_SIGNER.public_key)
    assert text.startswith(f"huitong-audit-2026+{NEW_SIGNER.key_id.hex()}+")
    assert "+" in text.split("+", 2)[2]  # this key's base64 has a "+" of its own
    name, public_key = parse_verifier_key(text)
    assert name == NEW_SIGNER.name and public_key == NEW_SIGNER.public_key


@given(seed=st.binary(min_size=32, max_size=32), name=st.from_regex(r"[a-z0-9.\-/]{1,30}", fullmatch=True))
def test_verifier_key_round_trips_for_any_key(seed, name):
    public_key = Ed25519PrivateKey.from_private_bytes(seed).public_key()
    assert parse_verifier_key(verifier_key(name, public_key)) == (name, public_key)


@pytest.mark.parametrize("text", [
    GO_VERIFIER_KEY.replace("c74f20a3", "c74f20a4"),  # key id does not match
    GO_VERIFIER_KEY.replace("c74f20a3", "C74F20A3"),
    GO_VERIFIER_KEY.replace("PeterNeumann", "PeterNeumanm"),
    GO_VERIFIER_KEY.replace("+ARpc", "+AhpC"),  # another key type
    GO_VERIFIER_KEY[:-4],
    GO_VERIFIER_KEY + "+extra",
    "PeterNeumann+c74f20a3",
])
def test_parse_verifier_key_refuses_mismatched_or_malformed_keys(text):
    with pytest.raises(ValueError):
        parse_verifier_key(text)


def test_public_key_pem():
    pem = public_key_pem(OLD_SIGNER.public_key)
    assert pem.startswith("-----BEGIN PUBLIC KEY-----\n")
    assert serialization.load_pem_public_key(pem.encode()) == OLD_SIGNER.public_key


def test_signing_key_is_created_private_and_reloaded(tmp_path):
    path = tmp_path / "keys" / "checkpoint.pem"
    created = load_or_create_signing_key(path)
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    assert path.read_bytes().startswith(b"-----BEGIN PRIVATE KEY-----\n")
    reloaded = load_or_create_signing_key(path)
    assert public_key_pem(reloaded.public_key()) == public_key_pem(created.public_key())
    note = CheckpointSigner("huitong-audit", created).sign(CHECKPOINT)
    assert open_checkpoint(note, {"huitong-audit": reloaded.public_key()}) == CHECKPOINT


def test_signing_key_file_must_hold_an_ed25519_key(tmp_path):
    from cryptography.hazmat.primitives.asymmetric import ec

    path = tmp_path / "ecdsa.pem"
    path.write_bytes(ec.generate_private_key(ec.SECP256R1()).private_bytes(
        serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()))
    with pytest.raises(ValueError, match="not an Ed25519 private key"):
        load_or_create_signing_key(path)
