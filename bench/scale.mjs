// node bench/scale.mjs (after npm run build): the per-request cost at 10k, 100k and 1M accounts
// (issue 14, "A million accounts").
//
// One throwaway database, migrated by the service itself, grows 10k → 100k → 1M users, each with
// an open session, seeded in SQL (generate_series) with ONE bcrypt hash of cost 12 for every
// row. After each growth (VACUUM ANALYZE), wrk measures each case for SCALE_SECONDS with 10
// connections, and the admin list's own SQL is run under EXPLAIN ANALYZE (the built
// UsersRepository on a connection that explains what it runs). Prints both tables; the JSON goes
// to bench/logs/. About 6 minutes here (2 cores), of which 1.5 in seeding 1M rows.
//
// BENCH_DATABASE_URL  the server (default postgres://postgres@127.0.0.1:5432/postgres)
// SCALE_SIZES         comma-separated user counts (default 10000,100000,1000000)
// SCALE_SECONDS       seconds measured a case (default 4), after a 1-s warm-up (logins: twice
//                     as long, no warm-up)
import bcrypt from 'bcrypt';
import { createHash, createHmac, randomUUID } from 'node:crypto';
import { mkdirSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { loadavg } from 'node:os';
import { setTimeout as sleep } from 'node:timers/promises';
import pg from 'pg';
import { ADMIN, call, login, randomSecret, ROOT, round, startService, withDatabase } from './support.mjs';
import { ensureWrk, wrkLoad } from './wrk.mjs';

const ADMIN_URL = process.env.BENCH_DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';
const SIZES = (process.env.SCALE_SIZES ?? '10000,100000,1000000').split(',').map(Number);
const SECONDS = Number(process.env.SCALE_SECONDS ?? 4);
const CONNECTIONS = 10;
const LOG_DIR = `${ROOT}bench/logs`;
/** Every seeded user's password; its one hash (cost 12, as BCRYPT_ROUNDS) is every row's. */
const PASSWORD = 'scale-bench-password';
/** Users whose tokens and ids the cases rotate over, spread evenly over the table. */
const MEASURED_USERS = 100;

const require = createRequire(import.meta.url);
const log = (...args) => console.log(`[${new Date().toISOString().slice(11, 19)}]`, ...args);

// ---------------------------------------------------------------- seeding

// Names from short lists, so that a search term matches a known share of rows: `needleman`
// 5 rows at every size (all among the first 10k), `olga` one row in 47 (the firstname).
const FIRST = ['Anna', 'Ben', 'Chloe', 'David', 'Emma', 'Felix', 'Grace', 'Henry', 'Isla', 'Jack', 'Kira', 'Liam', 'Maya', 'Noah', 'Olga', 'Paul', 'Rosa', 'Sam', 'Tara', 'Umar', 'Vera', 'Will', 'Xena', 'Yusuf', 'Zoe', 'Aiko', 'Bruno', 'Carmen', 'Dmitri', 'Elif', 'Farid', 'Gita', 'Hugo', 'Ines', 'Jonas', 'Kofi', 'Lena', 'Marco', 'Nadia', 'Omar', 'Priya', 'Rafael', 'Sofia', 'Tomas', 'Ulla', 'Viktor', 'Wanda'];
const LAST = ['Smith', 'Jones', 'Brown', 'Garcia', 'Miller', 'Davis', 'Lopez', 'Wilson', 'Moore', 'Taylor', 'Thomas', 'Martin', 'Clark', 'Lewis', 'Walker', 'Hall', 'Allen', 'Young', 'King', 'Wright', 'Scott', 'Green', 'Baker', 'Adams', 'Nelson', 'Hill', 'Campbell', 'Mitchell', 'Roberts', 'Carter', 'Phillips', 'Evans', 'Turner', 'Torres', 'Parker', 'Collins', 'Edwards', 'Stewart', 'Morris', 'Murphy', 'Cook', 'Rogers', 'Morgan', 'Peterson', 'Cooper', 'Reed', 'Bailey', 'Bell', 'Gomez', 'Kelly', 'Howard', 'Ward', 'Cox'];
const DOMAINS = ['example.com', 'mail.example.org', 'corp.example.net', 'example.io', 'post.example.de', 'example.co.uk', 'inbox.example.fr'];

/**
 * Users number `from`+1 to `to` in one INSERT: 1 in 10 a DRIVER, 1 in 5,000 an ADMIN, 1 in 50
 * inactive, created 20 s apart. Then one open session each, with an id made from the user's id
 * (md5 as a uuid) so that a token can name it.
 */
async function grow(client, from, to, hash) {
  const { rows: [{ last }] } = await client.query('SELECT coalesce(max(id), 0) AS last FROM users');
  await client.query(
    `INSERT INTO users (email, username, name, firstname, lastname, role, is_active, password_hash, email_verified, created_at, updated_at)
     SELECT lower(f) || '.' || lower(l) || n || '@' || d, lower(f) || '_' || n, f || ' ' || l, f, l,
            (CASE WHEN n % 5000 = 0 THEN 'ADMIN' WHEN n % 10 = 0 THEN 'DRIVER' ELSE 'USER' END)::user_role,
            n % 50 <> 0, $3, n % 3 = 0, at, at
       FROM generate_series($1::int + 1, $2::int) AS n,
       LATERAL (SELECT $4::text[] AS first, $5::text[] AS last, $6::text[] AS domains) AS lists,
       LATERAL (SELECT first[1 + n % cardinality(first)] AS f,
                       CASE WHEN n <= 10000 AND n % 2000 = 7 THEN 'Needleman'
                            ELSE last[1 + (n / cardinality(first)) % cardinality(last)] END AS l,
                       domains[1 + n % cardinality(domains)] AS d,
                       timestamptz '2024-01-01' + n * interval '20 seconds' AS at) AS pick`,
    [from, to, hash, FIRST, LAST, DOMAINS],
  );
  await client.query(
    `INSERT INTO sessions (id, user_id, expires_at)
     SELECT md5('scale-session-' || id)::uuid, id, now() + interval '1 day' FROM users WHERE id > $1`,
    [last],
  );
  await client.query('VACUUM ANALYZE users');
  await client.query('VACUUM ANALYZE sessions');
}

/** An access token as the service signs it (src/auth/sessions/sessions.service.ts), for a seeded session. */
function accessToken(secret, userId) {
  const now = Math.floor(Date.now() / 1000);
  const part = (json) => Buffer.from(JSON.stringify(json)).toString('base64url');
  const claims = {
    sub: String(userId),
    sid: sessionIdOf(userId),
    iat: now,
    exp: now + 3600,
    aud: 'user-accounts',
    iss: 'user-accounts',
    jti: randomUUID(),
  };
  const unsigned = `${part({ alg: 'HS256', typ: 'JWT' })}.${part(claims)}`;
  return `${unsigned}.${createHmac('sha256', secret).update(unsigned).digest('base64url')}`;
}

/** md5('scale-session-<id>') as PostgreSQL casts it to uuid. */
function sessionIdOf(userId) {
  const hex = createHash('md5').update(`scale-session-${userId}`).digest('hex');
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
}

/** wrk on `requests` for `seconds`, 10 connections (bench/wrk.mjs). */
async function wrk(url, requests, seconds) {
  const { rps, p50, p99, total, non2xx, errors } = await wrkLoad({ url, connections: CONNECTIONS, seconds, requests });
  return { rps, p50, p99, requests: total, non2xx, errors };
}

// ---------------------------------------------------------------- the cases

/** The built list's pieces: the cursor format, the query DTO and the repository. */
const listDto = require(`${ROOT}dist/users/dto/list-users-query.dto.js`);
const { UsersRepository } = require(`${ROOT}dist/users/users.repository.js`);

/** Cursors 50 % to 95 % deep into the table, by id: the deep page, wherever it is. */
function deepCursors(size) {
  return Array.from({ length: 20 }, (_, k) => {
    const id = 1 + Math.round(size * (0.5 + (0.45 * k) / 19));
    return listDto.encodeCursor({ sort: 'id', value: id, id });
  });
}

/** Each case: its requests, and (admin list cases) the list query that EXPLAIN runs. */
function cases({ users, adminToken, size }) {
  const each = (count, make) => Array.from({ length: count }, (_, i) => make(i));
  const adminList = (name, queries, explain) => ({
    name,
    explain,
    requests: queries.map((query) => ({ method: 'GET', path: `/api/users${query}`, token: adminToken })),
  });
  const cursors = deepCursors(size);
  return [
    { name: 'GET /users', requests: users.map(({ token }) => ({ method: 'GET', path: '/users', token })) },
    {
      name: 'PUT /users',
      requests: each(200, (i) => ({ method: 'PUT', path: '/users', token: users[i % users.length].token, body: { name: `Scale ${i}` } })),
    },
    {
      name: 'POST /auth/login (cost 12)',
      requests: users.map(({ email }) => ({ method: 'POST', path: '/auth/login', body: { email, password: PASSWORD } })),
      // A few logins a second on 2 cores: no warm-up (its abandoned hashes would run on into
      // the measure), twice as long, and a pause after it for the same reason.
      bcrypt: true,
    },
    adminList('admin list: first page', [''], {}),
    adminList('admin list: deep page (cursor)', cursors.map((cursor) => `?cursor=${cursor}`), { cursor: cursors[10] }),
    adminList('admin list: page=500 (offset 9,980)', ['?page=500'], { page: 500 }),
    adminList('admin list: q matching 5', ['?q=needleman'], { q: 'needleman' }),
    adminList('admin list: q matching 1 in 47', ['?q=olga'], { q: 'olga' }),
    adminList('admin list: role=ADMIN (1 in 5,000)', ['?role=ADMIN'], { role: 'ADMIN' }),
    adminList('admin list: sort=-created_at', ['?sort=-created_at'], { sort: '-created_at' }),
    {
      name: 'PUT /api/users/:id',
      requests: each(200, (i) => ({ method: 'PUT', path: `/api/users/${users[i % users.length].id}`, token: adminToken, body: { name: `Admin ${i}` } })),
    },
  ];
}

/**
 * The list's SQL as the built repository writes it, each statement under EXPLAIN ANALYZE:
 * which plan (nodes and indexes) and how long in the database.
 */
async function explainList(client, fields) {
  const plans = [];
  const explaining = {
    async query(sql, params) {
      const { rows } = await client.query(`EXPLAIN (ANALYZE, FORMAT JSON) ${sql}`, params);
      plans.push(rows[0]['QUERY PLAN'][0]);
      return client.query(sql, params);
    },
  };
  // queryRows (src/database/query-rows.ts) takes the driver's pool, or the manager's query.
  const manager = {
    connection: { driver: { master: explaining } },
    query: async (sql, params) => (await explaining.query(sql, params)).rows,
  };
  const page = await new UsersRepository({ manager }).list(Object.assign(new listDto.ListUsersQueryDto(), fields));
  const [count, rows] = plans.map((plan) => ({ plan: planLine(plan.Plan), ms: round(plan['Execution Time'], 2) }));
  return { total: page.total, capped: page.totalIsCapped, count, page: rows };
}

/** A plan as one line: each node, its index, the rows it gave; children in brackets. */
function planLine(node) {
  const name = node['Node Type'] + (node['Index Name'] ? ` ${node['Index Name']}` : '') + ` (${node['Actual Rows']})`;
  const children = (node.Plans ?? []).map(planLine);
  return children.length ? `${name} < ${children.join(' + ')}` : name;
}

// ---------------------------------------------------------------- main

ensureWrk();
mkdirSync(LOG_DIR, { recursive: true });
const started = Date.now();
const results = { sizes: SIZES, seconds: SECONDS, connections: CONNECTIONS, cases: {}, explain: {}, seeding: {} };

await withDatabase(ADMIN_URL, async (db) => {
  const secret = randomSecret();
  const service = await startService({ db, secret, logDir: LOG_DIR, name: 'scale-service' });
  log(`service on ${service.url}, database ${db.name}`);
  const client = new pg.Client({ connectionString: db.url });
  await client.connect();
  try {
    const hash = await bcrypt.hash(PASSWORD, 12);
    const adminToken = await login(service.url, ADMIN.email, ADMIN.password);
    let seeded = 0;
    for (const size of SIZES) {
      const growStarted = Date.now();
      await grow(client, seeded, size, hash);
      seeded = size;
      results.seeding[size] = round((Date.now() - growStarted) / 1000, 1);
      // The machine is shared: its load says how much of a latency is other work's.
      log(`${size} users seeded (+${results.seeding[size]} s); load average ${loadavg().map((load) => round(load, 1)).join(' ')}`);

      const { rows } = await client.query(
        `SELECT id, email FROM users WHERE id = ANY($1::int[]) AND is_active`,
        [Array.from({ length: MEASURED_USERS }, (_, k) => 2 + Math.floor((k * (size - 1)) / MEASURED_USERS))],
      );
      const users = rows.map(({ id, email }) => ({ id, email, token: accessToken(secret, id) }));
      const probe = await call(service.url, 'GET', '/users', { token: users.at(-1).token });
      if (probe.status !== 200) throw new Error(`a signed token answered ${probe.status}: ${JSON.stringify(probe.body)}`);

      for (const { name, requests, explain, bcrypt: hashes } of cases({ users, adminToken, size })) {
        const first = await call(service.url, requests[0].method, requests[0].path, { token: requests[0].token, body: requests[0].body });
        if (first.status >= 300) throw new Error(`${name} answered ${first.status}: ${JSON.stringify(first.body)}`);
        if (!hashes) await wrk(service.url, requests, 1);
        const run = await wrk(service.url, requests, hashes ? 2 * SECONDS : SECONDS);
        if (hashes) await sleep(2000);
        (results.cases[name] ??= {})[size] = run;
        const matches = first.body?.total === undefined ? '' : `  total ${first.body.total}${first.body.total_is_capped ? '+' : ''}`;
        log(`${String(size).padStart(7)}  ${name.padEnd(38)} p50 ${run.p50} ms  p99 ${run.p99} ms  ${run.rps} req/s  non-2xx ${run.non2xx}${matches}`);
        if (explain) (results.explain[name] ??= {})[size] = await explainList(client, explain);
      }
    }
  } finally {
    await client.end();
  }
});

results.minutes = round((Date.now() - started) / 60000, 1);
const file = `${LOG_DIR}/scale-${new Date().toISOString().replace(/[:.]/g, '-')}.json`;
writeFileSync(file, JSON.stringify(results, null, 2));
printTables();
console.log(`\n${results.minutes} min; figures in ${file}`);

function printTables() {
  const header = `| case | ${SIZES.map((size) => `${size.toLocaleString('en')}: p50 / p99 ms, req/s`).join(' | ')} |`;
  console.log(`\n${header}\n|${' --- |'.repeat(SIZES.length + 1)}`);
  for (const [name, bySize] of Object.entries(results.cases)) {
    const cells = SIZES.map((size) => {
      const run = bySize[size];
      const failures = run.non2xx + run.errors ? ` (${run.non2xx + run.errors} failed)` : '';
      return `${run.p50} / ${run.p99}, ${run.rps}${failures}`;
    });
    console.log(`| ${name} | ${cells.join(' | ')} |`);
  }
  console.log('\nEXPLAIN ANALYZE of the list statements (page, then the bounded count), ms in the database:');
  for (const [name, bySize] of Object.entries(results.explain)) {
    for (const size of SIZES) {
      const { page, count, total, capped } = bySize[size];
      console.log(`${name} @ ${size}: total ${total}${capped ? '+' : ''}\n  page  ${page.ms} ms  ${page.plan}\n  count ${count.ms} ms  ${count.plan}`);
    }
  }
}
