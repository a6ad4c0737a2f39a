"""What a token's roles, scopes and areas allow, and how tokens are verified."""

from datetime import UTC, datetime, timedelta
from typing import Any

import jwt
import pytest
from cryptography.hazmat.primitives.asymmetric import ec, rsa

from civil_shared.auth import Action, Principal, Role, TokenClaims, TokenVerifier, load_jwks
from civil_shared.errors import Unauthorized
from civil_shared.types import AreaCode


def principal(*roles: Role, areas: tuple[str, ...] = (), scopes: tuple[str, ...] = ()) -> Principal:
    return Principal(
        sub="someone",
        roles=frozenset(roles),
        area_codes=tuple(AreaCode(a) for a in areas),
        scopes=frozenset(scopes),
    )


@pytest.mark.parametrize(
    ("who", "read", "write"),
    [
        (principal(Role.ADMIN), True, True),
        (principal(Role.CITY_OFFICER), True, True),
        (principal(Role.TOWNSHIP_OFFICER, areas=("429006100",)), True, True),
        (principal(Role.AUDITOR), True, False),
        (principal(Role.INTEGRATOR), False, False),
        (principal(Role.INTEGRATOR, scopes=("assistance:read",)), True, False),
        (principal(Role.INTEGRATOR, scopes=("assistance:write",)), True, True),
        (principal(Role.INTEGRATOR, scopes=("welfare:write", "pii:read")), False, False),
    ],
)
def test_what_each_role_may_do_in_assistance(who: Principal, read: bool, write: bool) -> None:
    assert who.may("assistance", Action.READ) is read
    assert who.may("assistance", Action.WRITE) is write


def test_township_officer_sees_only_its_areas() -> None:
    officer = principal(Role.TOWNSHIP_OFFICER, areas=("429006100", "429006101"))
    assert officer.area_prefixes == ("429006100", "429006101")
    assert officer.sees_area("429006100201")
    assert officer.sees_area("429006101")
    assert not officer.sees_area("429006102001")
    assert not officer.sees_area("429006")  # the city is above the officer's townships
    assert not officer.sees_area(None)


def test_city_roles_see_everything() -> None:
    for role in (Role.ADMIN, Role.CITY_OFFICER, Role.AUDITOR):
        assert principal(role).area_prefixes is None
        assert principal(role).sees_area("429006121001")


def test_integrator_with_areas_is_limited_to_them() -> None:
    assert principal(Role.INTEGRATOR, scopes=("assistance:read",)).city_wide
    limited = principal(Role.INTEGRATOR, areas=("429006100",), scopes=("assistance:read",))
    assert not limited.city_wide
    assert not limited.sees_area("429006101001")


def test_pii_needs_the_scope() -> None:
    assert not principal(Role.ADMIN).reads_pii
    assert principal(Role.CITY_OFFICER, scopes=("pii:read",)).reads_pii


def test_scopes_may_come_as_one_oauth_string() -> None:
    claims = TokenClaims.model_validate(
        {
            "sub": "c1",
            "roles": ["integrator"],
            "scopes": "assistance:read pii:read",
            "exp": datetime.now(UTC),
        }
    )
    assert claims.scopes == ("assistance:read", "pii:read")


@pytest.fixture(scope="module")
def rsa_key() -> rsa.RSAPrivateKey:
    return rsa.generate_private_key(public_exponent=65537, key_size=2048)


def jwks_of(key: Any, kid: str, alg: str) -> dict[str, Any]:
    algorithm = jwt.get_algorithm_by_name(alg)
    jwk = algorithm.to_jwk(key.public_key(), as_dict=True)
    return {"keys": [{**jwk, "kid": kid, "use": "sig", "alg": alg}]}


def claims(**extra: Any) -> dict[str, Any]:
    now = datetime.now(UTC)
    return {
        "sub": "city",
        "roles": ["city_officer"],
        "aud": "civil-platform",
        "iss": "civil-gateway",
        "iat": now,
        "exp": now + timedelta(minutes=5),
        **extra,
    }


def test_verifies_rsa_and_ec_tokens(rsa_key: rsa.RSAPrivateKey) -> None:
    ec_key = ec.generate_private_key(ec.SECP256R1())
    jwks = {
        "keys": jwks_of(rsa_key, "k1", "RS256")["keys"] + jwks_of(ec_key, "k2", "ES256")["keys"]
    }
    verifier = TokenVerifier(jwks)
    for key, kid, alg in ((rsa_key, "k1", "RS256"), (ec_key, "k2", "ES256")):
        token = jwt.encode(claims(), key, algorithm=alg, headers={"kid": kid})
        assert verifier.verify(token).roles == (Role.CITY_OFFICER,)


@pytest.mark.parametrize(
    ("change", "code"),
    [
        ({"exp": datetime.now(UTC) - timedelta(minutes=5)}, "AUTH_TOKEN_EXPIRED"),
        ({"aud": "other"}, "AUTH_TOKEN_AUDIENCE"),
        ({"iss": "someone-else"}, "AUTH_TOKEN_INVALID"),
        ({"roles": []}, "AUTH_TOKEN_CLAIMS"),
        ({"area_codes": ["12345"]}, "AUTH_TOKEN_CLAIMS"),
    ],
)
def test_refuses_tokens_with_bad_claims(
    rsa_key: rsa.RSAPrivateKey, change: dict[str, Any], code: str
) -> None:
    verifier = TokenVerifier(jwks_of(rsa_key, "k1", "RS256"))
    token = jwt.encode(claims(**change), rsa_key, algorithm="RS256", headers={"kid": "k1"})
    with pytest.raises(Unauthorized) as caught:
        verifier.verify(token)
    assert caught.value.code == code


def test_refuses_a_symmetric_token_even_keyed_with_the_public_key(
    rsa_key: rsa.RSAPrivateKey,
) -> None:
    # The classic confusion attack: HS256 "signed" with the published public key.
    verifier = TokenVerifier(jwks_of(rsa_key, "k1", "RS256"))
    token = jwt.encode(
        claims(), "public-key-used-as-a-shared-secret!!", algorithm="HS256", headers={"kid": "k1"}
    )
    with pytest.raises(Unauthorized) as caught:
        verifier.verify(token)
    assert caught.value.code == "AUTH_TOKEN_ALGORITHM"


def test_key_rotation_replaces_the_key_set(rsa_key: rsa.RSAPrivateKey) -> None:
    new_key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    verifier = TokenVerifier(jwks_of(rsa_key, "old", "RS256"))
    token = jwt.encode(claims(), new_key, algorithm="RS256", headers={"kid": "new"})
    assert not verifier.knows(token)
    verifier.replace_keys(jwks_of(new_key, "new", "RS256"))
    assert verifier.knows(token)
    assert verifier.verify(token).sub == "city"


def test_load_jwks_accepts_a_single_key() -> None:
    assert load_jwks('{"kty": "RSA", "kid": "a"}') == {"keys": [{"kty": "RSA", "kid": "a"}]}
    with pytest.raises(ValueError, match="JSON object"):
        load_jwks("[]")
