"""Bearer JWTs: every service verifies them itself; the embedded issuer signs them.

Production points ``ANJIAN_JWT_JWKS_URL`` at the OIDC provider (RS256/ES256 keys fetched and cached);
embedded mode signs with a shared HS256 key kept in the data folder.
"""

from __future__ import annotations

from datetime import timedelta

import jwt

from shared.errors import Unauthorized
from shared.security.principal import ROLES, Principal


class JWTVerifier:
    def __init__(self, settings) -> None:
        self.audience = settings.jwt_audience
        self.issuer = settings.jwt_issuer
        self._key = settings.jwt_signing_key.get_secret_value()
        self._jwks = jwt.PyJWKClient(settings.jwt_jwks_url, cache_keys=True) if settings.jwt_jwks_url else None
        self.algorithms = ["RS256", "ES256", "PS256"] if self._jwks else list(settings.jwt_algorithms)

    def verify(self, token: str) -> Principal:
        """Decode and check signature, expiry, audience and issuer; 401 on any failure."""
        try:
            key = self._jwks.get_signing_key_from_jwt(token).key if self._jwks else self._key
            claims = jwt.decode(
                token,
                key,
                algorithms=self.algorithms,
                audience=self.audience,
                issuer=self.issuer,
                options={"require": ["exp", "sub", "aud", "iss"]},
            )
        except jwt.ExpiredSignatureError as exc:
            raise Unauthorized("token expired", code="token_expired") from exc
        except jwt.InvalidAudienceError as exc:
            raise Unauthorized("token is for another audience", code="invalid_token") from exc
        except (jwt.PyJWTError, jwt.PyJWKClientError) as exc:
            raise Unauthorized(f"invalid token: {exc}", code="invalid_token") from exc
        role = claims.get("role")
        if role not in ROLES:
            raise Unauthorized(f"token has no known role ({role!r})", code="invalid_token")
        return Principal(
            sub=str(claims["sub"]),
            role=role,
            division_code=claims.get("division_code"),
            grid_cell_ids=tuple(claims.get("grid_cell_ids") or ()),
            uscc=claims.get("uscc"),
            agency_id=claims.get("agency_id"),
        )


def issue_token(settings, principal: Principal, *, now, ttl: timedelta | None = None) -> tuple[str, int]:
    """Sign a token for ``principal`` with the embedded key; returns (token, expires_in seconds)."""
    ttl = ttl or timedelta(seconds=settings.token_ttl_s)
    claims = principal.claims() | {
        "aud": settings.jwt_audience,
        "iss": settings.jwt_issuer,
        "iat": int(now.timestamp()),
        "exp": int((now + ttl).timestamp()),
    }
    token = jwt.encode(claims, settings.jwt_signing_key.get_secret_value(), algorithm="HS256")
    return token, int(ttl.total_seconds())
