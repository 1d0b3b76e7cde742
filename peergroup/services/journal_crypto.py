"""Journal passphrases: scrypt for the key, AES-GCM for the text.

Everything cryptographic comes from the ``cryptography`` package; nothing here
is a cipher of our own.

* **Key.** scrypt over the passphrase (NFC-normalised, UTF-8) with a random
  16-byte salt per member, n = 2**17, r = 8, p = 1: about 0.4 s and 128 MiB
  on a 2-core laptop (measured with ``cryptography`` 50), the OWASP setting
  for scrypt. The settings are stored with the salt, so a later version can
  raise them for new passphrases without breaking old ones.
* **Verifier.** A fixed text encrypted with the key (AES-GCM, bound to the
  member). Opening it tells a right passphrase from a wrong one without
  touching any reflection.
* **Text.** AES-GCM with a fresh random 96-bit nonce per save; the stored
  value is nonce + ciphertext. The associated data names the reflection and
  its author, so a ciphertext moved to another row or another member does not
  decrypt.
* The passphrase and the key live only in memory (``Unlocked``), for as long
  as the app runs or until the journal is locked again.
"""

from __future__ import annotations

import os
import unicodedata
from dataclasses import dataclass

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from cryptography.hazmat.primitives.kdf.scrypt import Scrypt

from ..errors import InputError

SCRYPT_N = 2**17
SCRYPT_R = 8
SCRYPT_P = 1
SALT_BYTES = 16
NONCE_BYTES = 12  # 96 bits, as AES-GCM wants
KEY_BYTES = 32  # AES-256
PASSPHRASE_MIN = 8
PASSPHRASE_MAX = 1_000
_VERIFIER_TEXT = b"Peergroup journal passphrase check, version 1"


class WrongPassphrase(InputError):
    """The passphrase does not open this journal (nothing was read or changed)."""

    def __init__(self) -> None:
        super().__init__(
            "passphrase",
            "does not open this journal. Check it (capitals, spaces) and try again; "
            "nothing was read or changed.",
        )


class UndecryptableText(InputError):
    """A stored ciphertext does not open with this key (wrong row, or damaged)."""

    def __init__(self) -> None:
        super().__init__(
            "reflection",
            "cannot be decrypted with this journal's key: it may have been damaged or "
            "copied from another row.",
        )


@dataclass(frozen=True)
class KeyParams:
    """What is stored for a member's passphrase (never the passphrase or the key)."""

    salt: bytes
    n: int
    r: int
    p: int
    verifier: bytes


class Unlocked:
    """A member's journal key, in memory only. Its repr never shows the key."""

    __slots__ = ("_key", "member_id")

    def __init__(self, member_id: int, key: bytes) -> None:
        self.member_id = member_id
        self._key = key

    def __repr__(self) -> str:
        return f"Unlocked(member_id={self.member_id}, key=<hidden>)"

    def aead(self) -> AESGCM:
        return AESGCM(self._key)


def check_passphrase(passphrase: str, confirm: str | None = None) -> str:
    """The passphrase as it is used (NFC), or an InputError saying what is wrong."""
    value = unicodedata.normalize("NFC", passphrase or "")
    if len(value) < PASSPHRASE_MIN:
        raise InputError(
            "passphrase",
            f"is {len(value)} characters long; use at least {PASSPHRASE_MIN} (a short "
            "sentence is easier to remember than a code).",
        )
    if len(value) > PASSPHRASE_MAX:
        raise InputError("passphrase", f"is longer than {PASSPHRASE_MAX:,} characters.")
    if confirm is not None and unicodedata.normalize("NFC", confirm) != value:
        raise InputError("confirm", "is not the same as the passphrase; type it again.")
    return value


def _derive(passphrase: str, salt: bytes, n: int, r: int, p: int) -> bytes:
    kdf = Scrypt(salt=salt, length=KEY_BYTES, n=n, r=r, p=p)
    return kdf.derive(unicodedata.normalize("NFC", passphrase).encode("utf-8"))


def _verifier_ad(member_id: int) -> bytes:
    return f"peergroup:journal-verifier:v1:{int(member_id)}".encode()


def reflection_ad(reflection_id: int, member_id: int) -> bytes:
    """Associated data binding a ciphertext to its reflection and author."""
    return f"peergroup:reflection:v1:{int(reflection_id)}:{int(member_id)}".encode()


def recovery_ad(member_id: int) -> bytes:
    return f"peergroup:journal-recovery:v1:{int(member_id)}".encode()


def new_key(member_id: int, passphrase: str) -> tuple[KeyParams, Unlocked]:
    """A fresh salt and key for ``passphrase`` (already checked), and its verifier."""
    salt = os.urandom(SALT_BYTES)
    key = _derive(passphrase, salt, SCRYPT_N, SCRYPT_R, SCRYPT_P)
    unlocked = Unlocked(member_id, key)
    verifier = seal(unlocked, _VERIFIER_TEXT, _verifier_ad(member_id))
    return KeyParams(salt, SCRYPT_N, SCRYPT_R, SCRYPT_P, verifier), unlocked


def unlock(member_id: int, params: KeyParams, passphrase: str) -> Unlocked:
    """The key if ``passphrase`` is right; ``WrongPassphrase`` otherwise."""
    key = _derive(passphrase or "", params.salt, params.n, params.r, params.p)
    unlocked = Unlocked(member_id, key)
    try:
        plain = open_sealed(unlocked, params.verifier, _verifier_ad(member_id))
    except UndecryptableText:
        raise WrongPassphrase() from None
    if plain != _VERIFIER_TEXT:  # pragma: no cover - AES-GCM already authenticated it
        raise WrongPassphrase()
    return unlocked


def seal(unlocked: Unlocked, plain: bytes, ad: bytes) -> bytes:
    nonce = os.urandom(NONCE_BYTES)
    return nonce + unlocked.aead().encrypt(nonce, plain, ad)


def open_sealed(unlocked: Unlocked, blob: bytes, ad: bytes) -> bytes:
    if len(blob) <= NONCE_BYTES:
        raise UndecryptableText()
    try:
        return unlocked.aead().decrypt(blob[:NONCE_BYTES], blob[NONCE_BYTES:], ad)
    except InvalidTag:
        raise UndecryptableText() from None


def encrypt_text(unlocked: Unlocked, reflection_id: int, text: str) -> bytes:
    return seal(unlocked, text.encode("utf-8"), reflection_ad(reflection_id, unlocked.member_id))


def decrypt_text(unlocked: Unlocked, reflection_id: int, blob: bytes) -> str:
    plain = open_sealed(unlocked, blob, reflection_ad(reflection_id, unlocked.member_id))
    return plain.decode("utf-8")
