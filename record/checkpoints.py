"""Signed checkpoints of the access log, in the C2SP tlog-checkpoint and signed-note formats.

A note is the body (origin, size and base64 root hash, each line ending in a newline), a blank
line, then signature lines "— <key name> <base64(key id || Ed25519 signature)>". The key id is
bound to the key name, so a log can rotate keys and sign with old and new ones side by side.
"""

import base64
import binascii
import hashlib
import re
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path

from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey, Ed25519PublicKey

from settings import create_once

_SIGNATURE_PREFIX = "— "  # U+2014 EM DASH, then a space
_ED25519_TYPE = b"\x01"
_KEY_ID_SIZE = 4
_ED25519_SIGNATURE_SIZE = 64
_SIZE_LINE = re.compile(r"0|[1-9][0-9]{0,19}")
_SIZE_LIMIT = 1 << 64
_KEY_ID_HEX = re.compile(r"[0-9a-f]{8}")


class InvalidCheckpoint(Exception):
    """A checkpoint note that is malformed or not signed by a trusted key; the message says which."""


@dataclass(frozen=True)
class Checkpoint:
    origin: str
    size: int
    root: bytes

    def __post_init__(self) -> None:
        if not self.origin or _has_control_character(self.origin):
            raise ValueError(f"a checkpoint origin is one non-empty line without control characters: {self.origin!r}")
        if self.size < 0:
            raise ValueError(f"a checkpoint size must not be negative, not {self.size}")
        if not self.root:
            raise ValueError("a checkpoint root hash must not be empty")

    def body(self) -> bytes:
        return f"{self.origin}\n{self.size}\n{_b64(self.root)}\n".encode()


def key_id(name: str, public_key: Ed25519PublicKey) -> bytes:
    _check_key_name(name)
    return hashlib.sha256(name.encode("utf-8") + b"\n" + _ED25519_TYPE + _raw(public_key)).digest()[:_KEY_ID_SIZE]


class CheckpointSigner:
    def __init__(self, name: str, private_key: Ed25519PrivateKey) -> None:
        self.name = name
        self.public_key = private_key.public_key()
        self.key_id = key_id(name, self.public_key)
        self._private_key = private_key

    def sign(self, checkpoint: Checkpoint) -> str:
        """The whole signed note: body, blank line, one signature line."""
        body = checkpoint.body()
        signature = _b64(self.key_id + self._private_key.sign(body))
        return f"{body.decode('utf-8')}\n{_SIGNATURE_PREFIX}{self.name} {signature}\n"


def open_checkpoint(note: str, trusted: Mapping[str, Ed25519PublicKey]) -> Checkpoint:
    """Parse a signed note and return its checkpoint if a trusted key signed it.

    Signature lines by names not in ``trusted``, or with another key id (another generation of a
    rotated key), are ignored; a signature that claims a trusted key and fails is an error."""
    body_text, separator, signature_text = note.partition("\n\n")
    if not separator:
        raise InvalidCheckpoint("malformed note: no blank line between the body and the signatures")
    body_text += "\n"
    checkpoint = _parse_body(body_text)
    body = body_text.encode("utf-8")
    if not signature_text.endswith("\n"):
        raise InvalidCheckpoint("malformed note: the signatures must end with a newline")
    trusted_signature_seen = False
    for line in signature_text[:-1].split("\n"):
        name, claimed_key_id, signature = _parse_signature_line(line)
        public_key = trusted.get(name)
        if public_key is None or claimed_key_id != key_id(name, public_key):
            continue
        try:
            public_key.verify(signature, body)
        except InvalidSignature:
            raise InvalidCheckpoint(f"bad signature by trusted key {name!r}") from None
        trusted_signature_seen = True
    if not trusted_signature_seen:
        raise InvalidCheckpoint("no signature by a trusted key")
    return checkpoint


def load_or_create_signing_key(path: Path) -> Ed25519PrivateKey:
    """The Ed25519 key in the PKCS#8 PEM file at ``path``; a new key in a new 0600 file if there is none."""
    fresh = Ed25519PrivateKey.generate().private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8,
                                                       serialization.NoEncryption())
    pem = create_once(Path(path), fresh)
    key = serialization.load_pem_private_key(pem, password=None)
    if not isinstance(key, Ed25519PrivateKey):
        raise ValueError(f"{path} holds a {type(key).__name__}, not an Ed25519 private key")
    return key


def public_key_pem(public_key: Ed25519PublicKey) -> str:
    return public_key.public_bytes(serialization.Encoding.PEM,
                                   serialization.PublicFormat.SubjectPublicKeyInfo).decode("ascii")


def verifier_key(name: str, public_key: Ed25519PublicKey) -> str:
    """The C2SP signed-note verifier key: "<name>+<hex key id>+<base64(0x01 || raw public key)>"."""
    return f"{name}+{key_id(name, public_key).hex()}+{_b64(_ED25519_TYPE + _raw(public_key))}"


def parse_verifier_key(text: str) -> tuple[str, Ed25519PublicKey]:
    """The inverse of ``verifier_key``; ValueError if malformed or if the key id does not match."""
    parts = text.split("+", 2)  # the base64 key may itself contain "+"
    if len(parts) != 3:
        raise ValueError("a verifier key is <name>+<hex key id>+<base64 key>")
    name, id_hex, encoded_key = parts
    if not _KEY_ID_HEX.fullmatch(id_hex):
        raise ValueError(f"verifier key id must be 8 lowercase hex digits, not {id_hex!r}")
    typed_key = _b64_decode(encoded_key)
    if typed_key is None or len(typed_key) != 33 or typed_key[:1] != _ED25519_TYPE:
        raise ValueError("verifier key is not a base64 Ed25519 key (type byte 0x01 and 32 bytes)")
    public_key = Ed25519PublicKey.from_public_bytes(typed_key[1:])
    if key_id(name, public_key).hex() != id_hex:
        raise ValueError(f"verifier key id {id_hex} does not match the key named {name!r}")
    return name, public_key


def _parse_body(body_text: str) -> Checkpoint:
    lines = body_text[:-1].split("\n")
    if len(lines) != 3:
        raise InvalidCheckpoint(f"malformed checkpoint: the body is 3 lines (origin, size, root), not {len(lines)}")
    origin, size_line, root_line = lines
    if not origin or _has_control_character(origin):
        raise InvalidCheckpoint(f"malformed checkpoint origin {origin!r}")
    if not _SIZE_LINE.fullmatch(size_line) or int(size_line) >= _SIZE_LIMIT:
        raise InvalidCheckpoint(f"malformed checkpoint size {size_line!r}")
    root = _b64_decode(root_line)
    if not root:
        raise InvalidCheckpoint(f"malformed checkpoint root hash {root_line!r}")
    return Checkpoint(origin, int(size_line), root)


def _parse_signature_line(line: str) -> tuple[str, bytes, bytes]:
    if not line.startswith(_SIGNATURE_PREFIX):
        raise InvalidCheckpoint(f"malformed signature line {line!r}: it must start with an em dash and a space")
    fields = line[len(_SIGNATURE_PREFIX):].split(" ")
    if len(fields) != 2 or not _is_key_name(fields[0]):
        raise InvalidCheckpoint(f"malformed signature line {line!r}: expected '— <key name> <base64 signature>'")
    name, encoded = fields
    decoded = _b64_decode(encoded)
    if decoded is None or len(decoded) != _KEY_ID_SIZE + _ED25519_SIGNATURE_SIZE:
        raise InvalidCheckpoint(f"malformed signature line {line!r}: not a base64 key id and Ed25519 signature")
    return name, decoded[:_KEY_ID_SIZE], decoded[_KEY_ID_SIZE:]


def _check_key_name(name: str) -> None:
    if not _is_key_name(name):
        raise ValueError(f"a key name is non-empty, without spaces, '+' or control characters: {name!r}")


def _is_key_name(name: str) -> bool:
    return bool(name) and "+" not in name and not _has_control_character(name) and not any(
        character.isspace() for character in name)


def _has_control_character(text: str) -> bool:
    return any(ord(character) < 0x20 or ord(character) == 0x7F for character in text)


def _raw(public_key: Ed25519PublicKey) -> bytes:
    return public_key.public_bytes(serialization.Encoding.Raw, serialization.PublicFormat.Raw)


def _b64(data: bytes) -> str:
    return base64.b64encode(data).decode("ascii")


def _b64_decode(text: str) -> bytes | None:
    """Strict standard base64 that re-encodes to the same text; None if it is not."""
    try:
        decoded = base64.b64decode(text, validate=True)
    except (binascii.Error, ValueError):
        return None
    return decoded if _b64(decoded) == text else None
