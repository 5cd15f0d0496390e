# Another team's service in Python, as docs/api.md shows it: PyJWT's PyJWKClient on the JWKS URL,
# the algorithms pinned, iss and aud checked. One token a line on stdin; one JSON line a token on
# stdout: {"ok": true, "sub": ...} or {"ok": false, "error": <the exception's class>}.
#
#   /usr/bin/python3 jwks_verifier.py https://accounts.example.com/.well-known/jwks.json user-accounts
import json
import sys

import jwt

# The key set is kept `lifespan` seconds (the Cache-Control max-age); not cache_keys=True, whose
# cache of keys by kid never forgets a removed key.
jwks = jwt.PyJWKClient(sys.argv[1], lifespan=1)


def caller(authorization: str):
    token = authorization.removeprefix("Bearer ")
    key = jwks.get_signing_key_from_jwt(token)
    claims = jwt.decode(token, key.key, algorithms=["EdDSA", "ES256"], issuer="user-accounts", audience=sys.argv[2])
    return {"user_id": int(claims["sub"]), "session_id": claims["sid"]}


for line in sys.stdin:
    try:
        print(json.dumps({"ok": True, **caller(f"Bearer {line.strip()}")}), flush=True)
    except Exception as error:  # noqa: BLE001 - every refusal is reported, whatever its kind
        print(json.dumps({"ok": False, "error": type(error).__name__}), flush=True)
