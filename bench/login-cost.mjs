// What a login costs with each way in (issue 25): a password alone, a password and an
// authenticator app's code, a passkey alone, and a password then a passkey, against the built
// service in production mode (bcrypt at cost 12) on PostgreSQL.
//
//   npm run build && node bench/login-cost.mjs
//
// One client, one login after another (a login is bcrypt-bound: what matters is what one costs,
// not how many fit in a second): for each way, the wall time of the whole login (every request
// it takes, as a frontend makes them), the second factor's own step, and the service's CPU time
// per login (from /proc).
// Writes bench/login-cost.json.
import { mkdirSync, writeFileSync } from 'node:fs';
import { Secret, TOTP } from 'otpauth';
import { SoftAuthenticator } from '../test/support/soft-authenticator.mjs';
import { call, cpuSeconds, median, percentile, randomSecret, ROOT, round, seedUsers, startService, withDatabase } from './support.mjs';

const adminUrl = process.env.BENCH_DATABASE_URL || 'postgres://postgres@127.0.0.1:5432/postgres';
const LOGINS = Number(process.env.BENCH_LOGINS || 40);
const ORIGIN = 'http://localhost:4200';
const LOG_DIR = `${ROOT}bench/logs`;
mkdirSync(LOG_DIR, { recursive: true });

const ok = (answer, what) => {
  if (answer.status >= 300) throw new Error(`${what} answered ${answer.status}: ${JSON.stringify(answer.body)}`);
  return answer.body;
};

await withDatabase(adminUrl, async (db) => {
  const service = await startService({ db, secret: randomSecret(), logDir: LOG_DIR, name: 'logins', env: { WEBAUTHN_RP_ID: 'localhost', WEBAUTHN_ORIGINS: ORIGIN } });
  const url = service.url;
  const [plain, withApp, withPasskey] = await seedUsers(url, 3, 3);

  // The app: enrolled, its secret kept to make codes as the phone would.
  const started = ok(await call(url, 'POST', '/users/mfa/totp', { token: withApp.token, body: {} }), 'start TOTP');
  const totp = new TOTP({ secret: Secret.fromBase32(started.secret), digits: 6, period: 30 });
  ok(await call(url, 'POST', '/users/mfa/totp/confirm', { token: withApp.token, body: { code: totp.generate() } }), 'confirm TOTP');
  let lastStep = Math.floor(Date.now() / 30_000);

  // The passkey: registered on a software authenticator.
  const authenticator = new SoftAuthenticator(ORIGIN);
  const creation = ok(await call(url, 'POST', '/users/passkeys/options', { token: withPasskey.token, body: {} }), 'passkey options');
  ok(await call(url, 'POST', '/users/passkeys', { token: withPasskey.token, body: { credential: authenticator.register(creation).json } }), 'register passkey');

  const ways = {
    'password alone': async () => ok(await call(url, 'POST', '/auth/login', { body: { email: plain.email, password: plain.password } }), 'login'),
    'password and TOTP code': async () => {
      const { mfa_token } = ok(await call(url, 'POST', '/auth/login', { body: { email: withApp.email, password: withApp.password } }), 'login');
      // A code is taken once per 30-second step: wait for the next one, outside the measured time.
      return { mfa_token, finish: async () => timed(async () => ok(await call(url, 'POST', '/auth/mfa/verify', { body: { mfa_token, code: await nextCode() } }), 'verify')) };
    },
    'passkey alone': async () => {
      const options = ok(await call(url, 'POST', '/auth/passkey/options'), 'passkey options');
      return ok(await call(url, 'POST', '/auth/passkey/login', { body: { credential: authenticator.assert(options) } }), 'passkey login');
    },
    'password and passkey': async () => {
      const { mfa_token } = ok(await call(url, 'POST', '/auth/login', { body: { email: withPasskey.email, password: withPasskey.password } }), 'login');
      return timed(async () => {
        const options = ok(await call(url, 'POST', '/auth/mfa/passkey/options', { body: { mfa_token } }), 'mfa passkey options');
        return ok(await call(url, 'POST', '/auth/mfa/verify', { body: { mfa_token, passkey: authenticator.assert(options) } }), 'verify');
      });
    },
  };

  /** The answer of `work`, with how long it took: a second factor's own step. */
  async function timed(work) {
    const startedAt = performance.now();
    const answer = await work();
    return { ...answer, secondStepMs: performance.now() - startedAt };
  }

  // One code a step: the TOTP way waits for a fresh step between logins (not measured).
  const codes = [];
  async function nextCode() {
    return codes.shift();
  }
  async function prepareCode() {
    // The step after the last one taken, once it is within the window (one step ahead of the clock).
    const step = lastStep + 1;
    const acceptedFrom = (step - 1) * 30_000 + 50;
    if (Date.now() < acceptedFrom) await new Promise((resolve) => setTimeout(resolve, acceptedFrom - Date.now()));
    lastStep = step;
    codes.push(totp.generate({ timestamp: step * 30_000 + 1 }));
  }

  const results = {};
  for (const [way, login] of Object.entries(ways)) {
    const count = way === 'password and TOTP code' ? Math.min(LOGINS, Number(process.env.BENCH_TOTP_LOGINS || 6)) : LOGINS;
    if (way === 'password and TOTP code') await prepareCode();
    await login().then((first) => first.finish?.());
    const wall = [];
    const secondSteps = [];
    let cpu = 0;
    for (let i = 0; i < count; i++) {
      if (way === 'password and TOTP code') await prepareCode();
      const cpuBefore = cpuSeconds(service.pid);
      const startedAt = performance.now();
      const first = await login();
      const answer = first.finish ? await first.finish() : first;
      if (!answer.access_token) throw new Error(`${way}: no token`);
      wall.push(performance.now() - startedAt);
      if (answer.secondStepMs !== undefined) secondSteps.push(answer.secondStepMs);
      cpu += cpuSeconds(service.pid) - cpuBefore;
    }
    results[way] = { logins: count, wallMsMedian: round(median(wall), 1), wallMsP95: round(percentile(wall, 95), 1), cpuMsPerLogin: round((cpu * 1000) / count, 1) };
    if (secondSteps.length > 0) results[way].secondStepMsMedian = round(median(secondSteps), 1);
    console.log(way.padEnd(24), JSON.stringify(results[way]));
  }
  writeFileSync(`${ROOT}bench/login-cost.json`, `${JSON.stringify({ at: new Date().toISOString(), node: process.version, results }, null, 2)}\n`);
});
