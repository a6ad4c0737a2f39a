"""The development signing key and the tokens signed with it."""

from __future__ import annotations

import base64
import json
import re
import stat
from concurrent.futures import ThreadPoolExecutor
from datetime import UTC, datetime, timedelta
from pathlib import Path

import jwt
import pytest
from cryptography.hazmat.primitives.asymmetric import rsa

from civil_cli.keys import (
    DevKeys,
    ensure_dev_keys,
    jwk_thumbprint,
    mint_token,
    rotate_keys,
    write_service_token,
)
from civil_cli.runner import service_env
from civil_cli.services import spec
from civil_shared.auth import Principal, Role, Scope, TokenVerifier, load_jwks
from civil_shared.signing import DEFAULT_ACTIVATION, KeyRing, create_key


@pytest.fixture
def keys(tmp_path: Path) -> DevKeys:
    return ensure_dev_keys(tmp_path)


def _verify_with_jwks_file(token: str, jwks_path: Path) -> dict[str, object]:
    jwk_set = jwt.PyJWKSet.from_dict(json.loads(jwks_path.read_text()))
    key = next(k for k in jwk_set.keys if k.key_id == jwt.get_unverified_header(token)["kid"])
    claims: dict[str, object] = jwt.decode(
        token,
        key=key,
        algorithms=["RS256"],
        audience="civil-platform",
        issuer="civil-gateway",
        options={"require": ["exp", "iat", "sub"]},
    )
    return claims


def test_a_minted_token_verifies_against_the_jwks_file(keys: DevKeys) -> None:
    token = mint_token(
        keys,
        sub="zhang.san",
        roles=["township_officer"],
        area_codes=["429006100"],
        scopes=["pii:read"],
        name="张三",
    )

    assert jwt.get_unverified_header(token) == {"alg": "RS256", "kid": keys.kid, "typ": "JWT"}
    claims = _verify_with_jwks_file(token, keys.jwks_path)
    assert claims["sub"] == "zhang.san"
    assert claims["roles"] == ["township_officer"]
    assert claims["area_codes"] == ["429006100"]
    assert claims["scopes"] == ["pii:read"]
    assert claims["name"] == "张三"
    assert claims["exp"] == claims["iat"] + 8 * 3600  # type: ignore[operator]


def test_the_services_verifier_accepts_the_token(keys: DevKeys) -> None:
    verifier = TokenVerifier(load_jwks(keys.jwks_path.read_text()))
    claims = verifier.verify(mint_token(keys, sub="admin", roles=[Role.ADMIN]))
    assert claims.roles == (Role.ADMIN,)
    assert claims.aud == "civil-platform"
    assert claims.iss == "civil-gateway"


def test_the_ttl_sets_the_lifetime(keys: DevKeys) -> None:
    token = mint_token(keys, sub="admin", roles=["admin"], ttl=timedelta(minutes=5))
    claims = jwt.decode(token, options={"verify_signature": False})
    assert claims["exp"] - claims["iat"] == 300


def test_the_jwks_holds_only_the_public_key(keys: DevKeys) -> None:
    document = json.loads(keys.jwks_path.read_text())
    (jwk,) = document["keys"]
    assert set(jwk) == {"kty", "n", "e", "kid", "use", "alg"}
    assert jwk["kid"] == keys.kid
    assert jwk["use"] == "sig"
    assert jwk["alg"] == "RS256"


def test_keys_are_reused(tmp_path: Path) -> None:
    first = ensure_dev_keys(tmp_path)
    pem = first.private_key_path.read_bytes()
    second = ensure_dev_keys(tmp_path)

    assert second.kid == first.kid
    assert second.private_key_path.read_bytes() == pem
    token = mint_token(first, sub="a", roles=["auditor"])
    assert _verify_with_jwks_file(token, second.jwks_path)["sub"] == "a"


def test_a_lost_jwks_is_rewritten_from_the_key(keys: DevKeys, tmp_path: Path) -> None:
    keys.jwks_path.write_text('{"keys": []}')
    again = ensure_dev_keys(tmp_path)
    assert json.loads(again.jwks_path.read_text()) == keys.jwks


def test_the_private_key_is_readable_only_by_its_owner(keys: DevKeys) -> None:
    assert stat.S_IMODE(keys.private_key_path.stat().st_mode) == 0o600
    assert stat.S_IMODE(keys.private_key_path.parent.stat().st_mode) == 0o700
    assert keys.private_key_path.parent == keys.keys_dir == keys.jwks_path.parent / "gateway"
    assert re.fullmatch(r"\d{8}T\d{6}Z\.pem", keys.private_key_path.name)
    assert keys.jwks_path.name == "jwks.json"


def test_a_loosened_key_mode_is_restored(keys: DevKeys, tmp_path: Path) -> None:
    keys.private_key_path.chmod(0o644)
    ensure_dev_keys(tmp_path)
    assert stat.S_IMODE(keys.private_key_path.stat().st_mode) == 0o600


def test_parallel_first_calls_agree_on_one_key(tmp_path: Path) -> None:
    with ThreadPoolExecutor(max_workers=4) as pool:
        kids = set(pool.map(lambda _: ensure_dev_keys(tmp_path).kid, range(8)))
    assert len(kids) == 1
    assert sorted(p.name for p in (tmp_path / "keys").iterdir()) == ["gateway", "jwks.json"]
    assert len(list((tmp_path / "keys" / "gateway").glob("*.pem"))) == 1


def _b64_int(value: str) -> int:
    return int.from_bytes(base64.urlsafe_b64decode(value + "=" * (-len(value) % 4)), "big")


def test_kid_is_the_rfc_7638_thumbprint() -> None:
    # The example of RFC 7638, section 3.1.
    n = (
        "0vx7agoebGcQSuuPiLJXZptN9nndrQmbXEps2aiAFbWhM78LhWx4cbbfAAtVT86zwu1RK7aPFFxuhDR1L6tSoc"
        "_BJECPebWKRXjBZCiFV4n3oknjhMstn64tZ_2W-5JsGY4Hc5n9yBXArwl93lqt7_RN5w6Cf0h4QyQ5v-65YGjQR"
        "0_FDW2QvzqY368QQMicAtaSqzs8KJZgnYb9c7d0zgdAZHzu6qMQvRL5hajrn1n91CbOpbISD08qNLyrdkt-bFT"
        "WhAI4vMQFh6WeZu0fM4lFd2NcRwr3XPksINHaQ-G_xBniIqbw0Ls1jF44-csFCur-kEgU8awapJzKnqDKgw"
    )
    public_key = rsa.RSAPublicNumbers(e=_b64_int("AQAB"), n=_b64_int(n)).public_key()
    assert jwk_thumbprint(public_key) == "NzbLsXh8uDCcd-6MNwXF4W_7noWXFZAfHkxZsRGC9Xs"


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"roles": ["mayor"]}, "not a valid Role"),
        ({"roles": []}, "at least one role"),
        ({"roles": ["admin"], "area_codes": ["4290"]}, "6、9或12"),
        ({"roles": ["admin"], "ttl": timedelta(0)}, "ttl"),
    ],
)
def test_bad_claims_fail_when_minting(
    keys: DevKeys, kwargs: dict[str, object], message: str
) -> None:
    with pytest.raises(ValueError, match=message):
        mint_token(keys, sub="someone", **kwargs)  # type: ignore[arg-type]


def test_a_service_token_lets_the_service_call_internal_apis(keys: DevKeys) -> None:
    path = write_service_token(keys, "welfare")
    token = path.read_text().strip()
    verifier = TokenVerifier(load_jwks(keys.jwks_path.read_text()))
    principal = Principal.from_claims(verifier.verify(token))
    assert principal.sub == "civil-welfare"
    assert principal.has_role(Role.SERVICE)
    assert principal.has_scope(Scope.INTERNAL)
    assert principal.reads_pii
    assert stat.S_IMODE(path.stat().st_mode) == 0o600


def test_the_runner_tells_each_service_its_peers_and_its_token(
    keys: DevKeys, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv("WELFARE_SERVICE_TOKEN_FILE", raising=False)
    monkeypatch.delenv("WELFARE_SERVICE_TOKEN", raising=False)
    monkeypatch.delenv("WELFARE_ASSISTANCE_URL", raising=False)
    monkeypatch.setenv("WELFARE_GATEWAY_URL", "http://gateway.example")
    env = service_env(spec("welfare"), "postgresql://db/civil_welfare", keys, "0.0.0.0")  # noqa: S104
    assert env["WELFARE_ASSISTANCE_URL"] == f"http://127.0.0.1:{spec('assistance').port}"
    assert env["WELFARE_GATEWAY_URL"] == "http://gateway.example"  # the operator's wins
    assert "WELFARE_WELFARE_URL" not in env
    assert Path(env["WELFARE_SERVICE_TOKEN_FILE"]).read_text().count(".") == 2


def test_a_rotated_key_is_published_at_once_and_signs_once_published_long_enough(
    tmp_path: Path,
) -> None:
    old = ensure_dev_keys(tmp_path)
    new = rotate_keys(tmp_path)
    published = {jwk["kid"] for jwk in json.loads(old.jwks_path.read_text())["keys"]}
    ring = KeyRing.load(old.keys_dir)

    assert published == {old.kid, new.kid}
    assert ensure_dev_keys(tmp_path).kid == old.kid  # the new key is too young to sign
    assert ring.signing_key(now=new.created_at + DEFAULT_ACTIVATION).kid == new.kid
    assert ring.signing_key(now=new.created_at + timedelta(seconds=59)).kid == old.kid
    # A token of the old key still verifies against the published set.
    verifier = TokenVerifier(load_jwks(old.jwks_path.read_text()))
    assert verifier.verify(mint_token(old, sub="a", roles=["auditor"])).sub == "a"


def test_an_ed25519_key_signs_eddsa_tokens_the_services_accept(tmp_path: Path) -> None:
    key = create_key(tmp_path / "ring", algorithm="EdDSA")
    ring = KeyRing.load(tmp_path / "ring")
    token = key.sign(
        {
            "sub": "a",
            "roles": ["admin"],
            "exp": 4102444800,
            "aud": "civil-platform",
            "iss": "civil-gateway",
        }
    )

    assert jwt.get_unverified_header(token)["alg"] == "EdDSA"
    assert ring.jwks()["keys"][0]["kty"] == "OKP"
    assert TokenVerifier(ring.jwks()).verify(token).sub == "a"


def test_two_keys_made_in_one_second_get_names_in_order(tmp_path: Path) -> None:
    moment = datetime(2026, 11, 28, 10, 15, tzinfo=UTC)
    first = create_key(tmp_path, now=moment)
    second = create_key(tmp_path, now=moment)

    assert first.path.name == "20261128T101500Z.pem"
    assert second.path.name == "20261128T101501Z.pem"
    assert KeyRing.load(tmp_path).kids == (first.kid, second.kid)
    assert stat.S_IMODE(second.path.stat().st_mode) == 0o600


def test_an_unreadable_key_file_is_an_error_not_a_skipped_key(tmp_path: Path) -> None:
    (tmp_path / "20261128T101500Z.pem").write_text("not a key")
    with pytest.raises(ValueError, match="PEM private key"):
        KeyRing.load(tmp_path)


def test_civil_keys_rotate_adds_a_key_that_list_shows(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    from civil_cli.__main__ import main

    monkeypatch.setenv("CIVIL_DATA_DIR", str(tmp_path))
    assert main(["keys", "list"]) == 0
    first = ensure_dev_keys(tmp_path)
    assert main(["keys", "rotate", "--algorithm", "EdDSA"]) == 0
    assert main(["keys", "list"]) == 0

    out = capsys.readouterr().out
    ring = KeyRing.load(first.keys_dir)
    assert [key.algorithm for key in ring.keys] == ["RS256", "EdDSA"]
    assert f"{first.kid}  <- signs now" in out.splitlines()[-2]
    assert {k["kid"] for k in json.loads(first.jwks_path.read_text())["keys"]} == set(ring.kids)


def test_the_runner_points_the_services_at_the_gateways_jwks(
    keys: DevKeys, monkeypatch: pytest.MonkeyPatch
) -> None:
    for name in ("GATEWAY", "ASSISTANCE"):
        for setting in ("JWKS_FILE", "JWKS_URL", "SIGNING_KEYS_DIR"):
            monkeypatch.delenv(f"{name}_{setting}", raising=False)
    url = "postgresql://db/x"

    gateway = service_env(spec("gateway"), url, keys, gateway_running=True)
    with_gateway = service_env(spec("assistance"), url, keys, gateway_running=True)
    alone = service_env(spec("assistance"), url, keys, gateway_running=False)

    assert gateway["GATEWAY_SIGNING_KEYS_DIR"] == str(keys.keys_dir)
    assert "GATEWAY_JWKS_FILE" not in gateway  # it verifies with its own folder
    port = spec("gateway").port
    assert with_gateway["ASSISTANCE_JWKS_URL"] == f"http://127.0.0.1:{port}/.well-known/jwks.json"
    assert "ASSISTANCE_JWKS_FILE" not in with_gateway
    assert alone["ASSISTANCE_JWKS_FILE"] == str(keys.jwks_path)
