import base64
import hashlib
import hmac

import pytest
from django.core.exceptions import ImproperlyConfigured

from kyc import crypto
from kyc.crypto import DecryptionError

AADHAAR = "234567890124"


@pytest.fixture
def keys(settings):
    settings.FIELD_ENCRYPTION_KEYS = {"k1": crypto.generate_key()}
    settings.FIELD_ENCRYPTION_ACTIVE_KEY = "k1"
    settings.FIELD_HASH_KEY = crypto.generate_key()
    return settings


def _blob(token: str) -> bytes:
    body = token.split(":", 2)[2]
    return base64.urlsafe_b64decode(body + "=" * (-len(body) % 4))


def _with_blob(token: str, blob: bytes) -> str:
    prefix = token.rsplit(":", 1)[0]
    return f"{prefix}:{base64.urlsafe_b64encode(blob).rstrip(b'=').decode()}"


@pytest.mark.parametrize("plaintext", [AADHAAR, "ABCPE1234F", "", "नमस्ते ₹ 12"])
def test_round_trip(keys, plaintext):
    token = crypto.encrypt(plaintext, context="aadhaar")
    assert crypto.decrypt(token, context="aadhaar") == plaintext


def test_token_format_is_versioned_tagged_and_unpadded(keys):
    token = crypto.encrypt(AADHAAR, context="aadhaar")
    version, key_id, body = token.split(":")
    assert (version, key_id) == ("v1", "k1")
    assert "=" not in body
    # 12-byte nonce + ciphertext (same length as plaintext) + 16-byte tag.
    assert len(_blob(token)) == 12 + len(AADHAAR) + 16
    assert crypto.key_id_of(token) == "k1"


def test_each_encryption_uses_a_fresh_nonce_and_hides_the_plaintext(keys):
    tokens = {crypto.encrypt(AADHAAR, context="aadhaar") for _ in range(20)}
    assert len(tokens) == 20
    assert len({_blob(t)[:12] for t in tokens}) == 20
    for token in tokens:
        assert AADHAAR not in token
        assert AADHAAR[-4:].encode() not in _blob(token)
        assert crypto.decrypt(token, context="aadhaar") == AADHAAR


def test_context_is_bound_so_tokens_cannot_move_between_fields(keys):
    token = crypto.encrypt(AADHAAR, context="aadhaar")
    with pytest.raises(DecryptionError) as excinfo:
        crypto.decrypt(token, context="pan")
    assert AADHAAR not in str(excinfo.value)
    assert keys.FIELD_ENCRYPTION_KEYS["k1"] not in str(excinfo.value)


def test_empty_context_is_refused(keys):
    with pytest.raises(ValueError):
        crypto.encrypt(AADHAAR, context="")


@pytest.mark.parametrize("position", [0, 11, 12, 20, -1])
def test_tampered_ciphertext_fails(keys, position):
    token = crypto.encrypt(AADHAAR, context="aadhaar")
    blob = bytearray(_blob(token))
    blob[position] ^= 0x01
    with pytest.raises(DecryptionError):
        crypto.decrypt(_with_blob(token, bytes(blob)), context="aadhaar")


def test_truncated_ciphertext_fails(keys):
    token = crypto.encrypt(AADHAAR, context="aadhaar")
    with pytest.raises(DecryptionError):
        crypto.decrypt(_with_blob(token, _blob(token)[:-1]), context="aadhaar")


@pytest.mark.parametrize(
    "token",
    [
        "",
        "garbage",
        "v1:k1",
        "v1::AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA",
        "v2:k1:AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA",
        "v1:k1:AAAA+/AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA",
        "v1:k1:AAAAA",  # not a valid base64 length
        "v1:k1:AAAA",  # decodes, but too short to hold nonce and tag
        None,
    ],
)
def test_malformed_tokens_raise_decryption_error(keys, token):
    with pytest.raises(DecryptionError):
        crypto.decrypt(token, context="aadhaar")


def test_unknown_key_id_fails(keys):
    token = crypto.encrypt(AADHAAR, context="aadhaar")
    keys.FIELD_ENCRYPTION_KEYS = {"k2": crypto.generate_key()}
    keys.FIELD_ENCRYPTION_ACTIVE_KEY = "k2"
    with pytest.raises(DecryptionError, match="k1"):
        crypto.decrypt(token, context="aadhaar")


def test_same_key_id_with_different_key_material_fails(keys):
    token = crypto.encrypt(AADHAAR, context="aadhaar")
    keys.FIELD_ENCRYPTION_KEYS = {"k1": crypto.generate_key()}
    with pytest.raises(DecryptionError):
        crypto.decrypt(token, context="aadhaar")


def test_rotation(keys):
    old = crypto.encrypt(AADHAAR, context="aadhaar")
    assert not crypto.needs_rotation(old)

    keys.FIELD_ENCRYPTION_KEYS = {**keys.FIELD_ENCRYPTION_KEYS, "k2": crypto.generate_key()}
    keys.FIELD_ENCRYPTION_ACTIVE_KEY = "k2"

    assert crypto.needs_rotation(old)
    assert crypto.decrypt(old, context="aadhaar") == AADHAAR  # k1 still configured
    assert crypto.key_id_of(crypto.encrypt(AADHAAR, context="aadhaar")) == "k2"

    new = crypto.reencrypt(old, context="aadhaar")
    assert new.startswith("v1:k2:")
    assert not crypto.needs_rotation(new)
    assert crypto.decrypt(new, context="aadhaar") == AADHAAR

    keys.FIELD_ENCRYPTION_KEYS = {"k2": keys.FIELD_ENCRYPTION_KEYS["k2"]}  # k1 retired
    assert crypto.decrypt(new, context="aadhaar") == AADHAAR
    with pytest.raises(DecryptionError):
        crypto.decrypt(old, context="aadhaar")


def test_reencrypt_keeps_context_binding(keys):
    old = crypto.encrypt(AADHAAR, context="aadhaar")
    with pytest.raises(DecryptionError):
        crypto.reencrypt(old, context="pan")


def test_active_key_defaults_to_last_configured(keys):
    del keys.FIELD_ENCRYPTION_ACTIVE_KEY
    keys.FIELD_ENCRYPTION_KEYS = {"old": crypto.generate_key(), "new": crypto.generate_key()}
    assert crypto.key_id_of(crypto.encrypt(AADHAAR, context="aadhaar")) == "new"


@pytest.mark.parametrize("value", [None, {}])
def test_missing_encryption_keys_are_improperly_configured(keys, value):
    keys.FIELD_ENCRYPTION_KEYS = value
    with pytest.raises(ImproperlyConfigured, match="FIELD_ENCRYPTION_KEYS"):
        crypto.encrypt(AADHAAR, context="aadhaar")


def test_absent_encryption_keys_setting_is_improperly_configured(keys):
    del keys.FIELD_ENCRYPTION_KEYS
    with pytest.raises(ImproperlyConfigured, match="FIELD_ENCRYPTION_KEYS"):
        crypto.encrypt(AADHAAR, context="aadhaar")


@pytest.mark.parametrize(
    "configured",
    [
        {"k1": base64.urlsafe_b64encode(b"x" * 16).decode()},  # AES-128 is not enough
        {"k1": "not base64 at all!"},
        {"k1": b"x" * 32},
    ],
)
def test_bad_encryption_keys_are_improperly_configured(keys, configured):
    keys.FIELD_ENCRYPTION_KEYS = configured
    with pytest.raises(ImproperlyConfigured, match="k1"):
        crypto.encrypt(AADHAAR, context="aadhaar")


def test_key_id_may_not_contain_the_token_separator(keys):
    keys.FIELD_ENCRYPTION_KEYS = {"bad:id": crypto.generate_key()}
    keys.FIELD_ENCRYPTION_ACTIVE_KEY = "bad:id"
    with pytest.raises(ImproperlyConfigured, match="key id"):
        crypto.encrypt(AADHAAR, context="aadhaar")


def test_active_key_must_exist(keys):
    keys.FIELD_ENCRYPTION_ACTIVE_KEY = "missing"
    with pytest.raises(ImproperlyConfigured, match="missing"):
        crypto.encrypt(AADHAAR, context="aadhaar")


def test_generate_key_is_random_32_bytes():
    a, b = crypto.generate_key(), crypto.generate_key()
    assert a != b
    assert len(base64.urlsafe_b64decode(a)) == 32


def test_blind_index_is_deterministic_hmac_of_context_and_value(keys):
    digest = crypto.blind_index(AADHAAR, context="aadhaar")
    assert digest == crypto.blind_index(AADHAAR, context="aadhaar")
    key = base64.urlsafe_b64decode(keys.FIELD_HASH_KEY)
    expected = hmac.new(key, b"aadhaar\x00" + AADHAAR.encode(), hashlib.sha256).hexdigest()
    assert digest == expected
    assert AADHAAR not in digest


def test_blind_index_differs_by_context_value_and_key(keys):
    digest = crypto.blind_index(AADHAAR, context="aadhaar")
    assert crypto.blind_index(AADHAAR, context="bank_account") != digest
    assert crypto.blind_index("234567890125", context="aadhaar") != digest
    keys.FIELD_HASH_KEY = crypto.generate_key()
    assert crypto.blind_index(AADHAAR, context="aadhaar") != digest


def test_blind_index_does_not_use_an_encryption_key(keys):
    keys.FIELD_HASH_KEY = keys.FIELD_ENCRYPTION_KEYS["k1"]
    digest = crypto.blind_index(AADHAAR, context="aadhaar")
    keys.FIELD_ENCRYPTION_KEYS = {"k1": crypto.generate_key()}
    assert crypto.blind_index(AADHAAR, context="aadhaar") == digest


def test_blind_index_requires_hash_key(keys):
    keys.FIELD_HASH_KEY = None
    with pytest.raises(ImproperlyConfigured, match="FIELD_HASH_KEY"):
        crypto.blind_index(AADHAAR, context="aadhaar")


@pytest.mark.parametrize(
    ("func", "value", "expected"),
    [
        (crypto.mask_aadhaar, "234567890123", "XXXX-XXXX-0123"),
        (crypto.mask_aadhaar, "2345 6789 0123", "XXXX-XXXX-0123"),
        (crypto.mask_pan, "ABCPE1234F", "XXXXXX234F"),
        (crypto.mask_pan, "abcpe1234f", "XXXXXX234F"),
        (crypto.mask_account_number, "123456789012", "XXXX-XXXX-9012"),
        (crypto.mask_account_number, "1234567890", "XX-XXXX-7890"),
        (crypto.mask_account_number, "123456789", "X-XXXX-6789"),
        (crypto.mask_account_number, "123456789012345678", "XX-XXXX-XXXX-XXXX-5678"),
        (crypto.mask_account_number, "1234", "XXXX"),
        (crypto.mask_gstin, "27AAPFU0939F1ZV", "27XXXXXXXXXX1ZV"),
        (crypto.mask_gstin, "27aapfu0939f1zv", "27XXXXXXXXXX1ZV"),
    ],
)
def test_masks(func, value, expected):
    assert func(value) == expected
