import fc from 'fast-check';
import { randomInt } from 'node:crypto';
import { Secret } from 'otpauth';
import { totpCode, totpStep } from '../../src/auth/second-factor/totp';
import { SoftAuthenticator } from '../support/soft-authenticator';
import { useApp } from '../support/test-app';

/**
 * The second-factor and passkey routes under random input, as an outsider would send it: real
 * credentials and codes with bytes flipped, fields dropped, swapped or given the wrong type,
 * random JSON, and garbage in every base64url field (CBOR the library must refuse without
 * throwing past the route). Every answer is a 4xx problem, never a 5xx; afterwards the real
 * passkey and the real app still log in. FUZZ_SEED replays a run.
 */
const RUNS = 1_500;
const SEED = process.env.FUZZ_SEED ? Number.parseInt(process.env.FUZZ_SEED, 10) : randomInt(2 ** 31 - 1);
const ORIGIN = 'http://localhost:4200';

type Json = null | boolean | number | string | Json[] | { [key: string]: Json };

/** A base64url string with one character changed, cut, or doubled. */
const damaged = (text: string) =>
  fc.oneof(
    fc.nat({ max: Math.max(text.length - 1, 0) }).map((at) => text.slice(0, at) + (text[at] === 'A' ? 'B' : 'A') + text.slice(at + 1)),
    fc.nat({ max: text.length }).map((at) => text.slice(0, at)),
    fc.constant(text + text),
    fc.base64String({ maxLength: 400 }).map((s) => s.replace(/\+/g, '-').replace(/\//g, '_').replace(/=/g, '')),
  );

/** The credential with one of its fields damaged, dropped or retyped. */
function mutated(credential: { response: Record<string, unknown> } & Record<string, unknown>): fc.Arbitrary<Json> {
  const fields = Object.keys(credential.response).filter((key) => typeof credential.response[key] === 'string');
  return fc.oneof(
    fc.constantFrom(...fields).chain((field) =>
      damaged(credential.response[field] as string).map((value) => ({ ...credential, response: { ...credential.response, [field]: value } }) as Json),
    ),
    fc.constantFrom(...fields, 'id', 'rawId', 'type').map((field) => {
      const copy = JSON.parse(JSON.stringify(credential)) as Record<string, Json> & { response: Record<string, Json> };
      if (field in copy.response) delete copy.response[field];
      else delete copy[field];
      return copy as Json;
    }),
    fc.tuple(fc.constantFrom('id', 'type', 'response', 'clientExtensionResults'), fc.jsonValue()).map(
      ([field, value]) => ({ ...credential, [field]: value }) as Json,
    ),
    fc.jsonValue() as fc.Arbitrary<Json>,
  );
}

describe(`second factors and passkeys under random input (seed ${SEED}, ${RUNS} requests)`, () => {
  const { api } = useApp({ RATE_LIMIT_AUTH_PER_MINUTE: '1000000', LOGIN_MAX_FAILURES: '1000000', WEBAUTHN_RP_ID: 'localhost', WEBAUTHN_ORIGINS: ORIGIN }, { checkContract: false });

  it('answers every request with a 4xx problem, and the real factors still work afterwards', async () => {
    // An account with a passkey, and one with an authenticator app.
    const withPasskey = await api.register();
    const authenticator = new SoftAuthenticator(ORIGIN);
    const creation = await api.post('/users/passkeys/options', { token: withPasskey.token });
    const registration = authenticator.register(creation.body).json;
    expect((await api.post('/users/passkeys', { token: withPasskey.token, body: { credential: registration } })).status).toBe(201);
    const withApp = await api.register();
    const started = await api.post('/users/mfa/totp', { token: withApp.token });
    const secret = Buffer.from(Secret.fromBase32(started.body.secret).bytes);
    const step = totpStep(Date.now());
    expect((await api.post('/users/mfa/totp/confirm', { token: withApp.token, body: { code: totpCode(secret, step * 30_000) } })).status).toBe(200);

    const appLogin = await api.post('/auth/login', { body: { email: withApp.user.email, password: withApp.password } });
    const mfaToken = appLogin.body.mfa_token as string;
    // Used once, so that its challenge is spent: its extension results are not signed, and a copy
    // that changed only those would otherwise be a genuine first answer.
    const assertion = authenticator.assert((await api.post('/auth/passkey/options')).body);
    expect((await api.post('/auth/passkey/login', { body: { credential: assertion } })).status).toBe(200);

    const request = fc.oneof(
      mutated(assertion).map((credential) => ({ path: '/auth/passkey/login', method: 'POST', token: undefined, body: { credential } })),
      mutated(assertion).map((passkey) => ({ path: '/auth/mfa/verify', method: 'POST', token: undefined, body: { mfa_token: mfaToken, passkey } })),
      mutated(registration).map((credential) => ({ path: '/users/passkeys', method: 'POST', token: withPasskey.token, body: { credential } })),
      fc.jsonValue().map((body) => ({ path: '/auth/mfa/verify', method: 'POST', token: undefined, body })),
      fc.record({ mfa_token: fc.oneof(fc.constant(mfaToken), fc.string()), code: fc.oneof(fc.stringMatching(/^\d{6}$/), fc.string()) }).map((body) => ({
        path: '/auth/mfa/verify',
        method: 'POST',
        token: undefined,
        body,
      })),
      fc.jsonValue().map((body) => ({ path: '/users/mfa/totp', method: 'DELETE', token: withApp.token, body })),
      fc.jsonValue().map((body) => ({ path: '/auth/mfa/passkey/options', method: 'POST', token: undefined, body })),
    );
    const failures: string[] = [];
    for (const sample of fc.sample(request, { numRuns: RUNS, seed: SEED })) {
      const answer = await api.request(sample.method, sample.path, { token: sample.token, body: sample.body });
      if (answer.status >= 500 || answer.status < 400 || !answer.headers.get('content-type')?.startsWith('application/problem+json')) {
        failures.push(`${sample.method} ${sample.path} ${JSON.stringify(sample.body).slice(0, 300)} → ${answer.status} ${answer.text.slice(0, 200)}`);
      }
    }
    expect(failures.slice(0, 5)).toEqual([]);

    // The real ones: the passkey signs in, and the app's next code finishes a fresh login.
    const options = await api.post('/auth/passkey/options');
    expect((await api.post('/auth/passkey/login', { body: { credential: authenticator.assert(options.body) } })).status).toBe(200);
    const fresh = await api.post('/auth/login', { body: { email: withApp.user.email, password: withApp.password } });
    const verified = await api.post('/auth/mfa/verify', { body: { mfa_token: fresh.body.mfa_token, code: totpCode(secret, (step + 1) * 30_000) } });
    expect(verified.status).toBe(200);
  });
});
