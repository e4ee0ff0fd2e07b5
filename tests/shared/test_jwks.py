"""Production identity: tokens from an OIDC provider, verified with the keys its JWKS URL serves."""

import json
import threading
from datetime import UTC, datetime, timedelta
from http.server import BaseHTTPRequestHandler, HTTPServer

import jwt
import pytest
from cryptography.hazmat.primitives.asymmetric import rsa

from shared.errors import Unauthorized
from shared.security.jwt import JWTVerifier

from .conftest import PlatformSettings


@pytest.fixture(scope="module")
def provider():
    key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    jwk = json.loads(jwt.algorithms.RSAAlgorithm.to_jwk(key.public_key()))
    jwk.update({"kid": "k1", "use": "sig", "alg": "RS256"})
    body = json.dumps({"keys": [jwk]}).encode()

    class Handler(BaseHTTPRequestHandler):
        def do_GET(self):  # noqa: N802
            self.send_response(200)
            self.send_header("content-type", "application/json")
            self.end_headers()
            self.wfile.write(body)

        def log_message(self, *args):
            pass

    server = HTTPServer(("127.0.0.1", 0), Handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    yield key, f"http://127.0.0.1:{server.server_port}/.well-known/jwks.json"
    server.shutdown()


def claims(**extra):
    now = datetime.now(UTC)
    return {
        "sub": "u1",
        "role": "officer",
        "division_code": "330502",
        "aud": "anjian",
        "iss": "https://idp.example",
        "iat": int(now.timestamp()),
        "exp": int((now + timedelta(minutes=5)).timestamp()),
    } | extra


def verifier(url):
    return JWTVerifier(PlatformSettings(jwt_jwks_url=url, jwt_issuer="https://idp.example"))


def test_a_token_signed_by_the_provider_is_accepted(provider):
    key, url = provider
    token = jwt.encode(claims(), key, algorithm="RS256", headers={"kid": "k1"})
    p = verifier(url).verify(token)
    assert (p.sub, p.role, p.division_code) == ("u1", "officer", "330502")


def test_an_hs256_token_is_refused_when_the_provider_signs(provider):
    _, url = provider
    token = jwt.encode(
        claims(), "shared-secret-that-an-attacker-guessed-0000", algorithm="HS256", headers={"kid": "k1"}
    )
    with pytest.raises(Unauthorized):
        verifier(url).verify(token)


def test_a_token_from_another_key_is_refused(provider):
    _, url = provider
    other = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    token = jwt.encode(claims(), other, algorithm="RS256", headers={"kid": "k1"})
    with pytest.raises(Unauthorized):
        verifier(url).verify(token)
