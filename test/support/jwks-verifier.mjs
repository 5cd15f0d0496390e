// Another team's service, as it would check this one's access tokens: nothing but the service's
// address and its own audience, jose's createRemoteJWKSet for the keys. One token a line on
// stdin; one JSON line a token on stdout: { ok: true, sub, kid } or { ok: false, code }.
//
//   node jwks-verifier.mjs https://accounts.example.com user-accounts
import { createInterface } from 'node:readline';
import { createRemoteJWKSet, decodeProtectedHeader, jwtVerify } from 'jose';

const [base, audience, cacheMaxAge = '600000'] = process.argv.slice(2);
const discovery = await (await fetch(`${base}/.well-known/openid-configuration`)).json();
// Keys are fetched when a token needs them, kept `cacheMaxAge` ms, fetched again on an unknown kid.
const keys = createRemoteJWKSet(new URL(discovery.jwks_uri), { cacheMaxAge: Number(cacheMaxAge), cooldownDuration: 0 });

for await (const token of createInterface({ input: process.stdin })) {
  try {
    const { payload } = await jwtVerify(token, keys, {
      issuer: discovery.issuer,
      audience,
      // Pinned: never the header's choice, never a symmetric algorithm.
      algorithms: ['EdDSA', 'ES256'],
    });
    process.stdout.write(`${JSON.stringify({ ok: true, sub: payload.sub, kid: decodeProtectedHeader(token).kid })}\n`);
  } catch (error) {
    process.stdout.write(`${JSON.stringify({ ok: false, code: error.code ?? error.name, message: error.message })}\n`);
  }
}
