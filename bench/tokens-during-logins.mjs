// How long a refresh (a token signed) and a first request with a new token (a token verified)
// take while a burst of logins keeps bcrypt, on libuv's thread pool, busy: idle, then with 60
// logins in flight. A token's signature must not wait behind the logins' bcrypt (issue 27: jose
// signs and verifies with WebCrypto, which Node runs on that pool; fast-jwt, on the event loop).
//
//   npm run build && node bench/tokens-during-logins.mjs [entry=dist/main.js]
import { call, login, mapConcurrent, median, randomSecret, round, seedUsers, startService, withDatabase } from './support.mjs';

const entry = process.argv[2] ?? 'dist/main.js';
const adminUrl = process.env.BENCH_DATABASE_URL || 'postgres://postgres@127.0.0.1:5432/postgres';
const LOGINS = 60;

await withDatabase(adminUrl, async (db) => {
  const service = await startService({ db, secret: randomSecret(), logDir: '/tmp', name: 'tokens', entry });
  try {
    const [user, ...others] = await seedUsers(service.url, 9, 8);
    let { body: pair } = await call(service.url, 'POST', '/auth/login', { body: { email: user.email, password: user.password } });

    /** One refresh, then GET /users with its new token: the ms of each. */
    async function refreshAndUse() {
      const started = performance.now();
      const refreshed = await call(service.url, 'POST', '/auth/refresh', { body: { refresh_token: pair.refresh_token } });
      const refreshMs = performance.now() - started;
      if (refreshed.status !== 200) throw new Error(`refresh answered ${refreshed.status}`);
      pair = refreshed.body;
      const usedAt = performance.now();
      const used = await call(service.url, 'GET', '/users', { token: pair.access_token });
      if (used.status !== 200) throw new Error(`GET /users answered ${used.status}`);
      return { refreshMs, firstUseMs: performance.now() - usedAt };
    }

    const idle = [];
    for (let i = 0; i < 20; i++) idle.push(await refreshAndUse());
    // The logins' bcrypt jobs queue on the pool at once; one refresh and one use while they run.
    const burstStarted = performance.now();
    const burst = mapConcurrent(Array.from({ length: LOGINS }, (_, i) => others[i % others.length]), LOGINS, (other) => login(service.url, other.email, other.password));
    await new Promise((resolve) => setTimeout(resolve, 300));
    const busy = await refreshAndUse();
    const busyEndedAt = performance.now() - burstStarted;
    await burst;
    const burstMs = performance.now() - burstStarted;
    const ms = (value) => round(value, 1);
    console.log(
      `${entry}: refresh ${ms(median(idle.map((run) => run.refreshMs)))} ms idle (median of 20), ${ms(busy.refreshMs)} ms 0.3 s into ${LOGINS} logins; ` +
        `GET /users with the new token ${ms(median(idle.map((run) => run.firstUseMs)))} ms idle, ${ms(busy.firstUseMs)} ms then; the logins took ${ms(burstMs / 1000)} s, the refresh and use ended ${ms(busyEndedAt / 1000)} s in`,
    );
  } finally {
    await service.stop();
  }
});
