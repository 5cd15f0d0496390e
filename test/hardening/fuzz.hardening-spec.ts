import * as bcrypt from 'bcrypt';
import fc from 'fast-check';
import { randomInt } from 'node:crypto';
import { appendFileSync } from 'node:fs';
import { domainToASCII } from 'node:url';
import { DataSource } from 'typeorm';
import { ApiClient, ApiResponse } from '../support/api-client';
import { expectNoSecrets } from '../support/secrets';
import { onPostgresServer } from '../support/test-database';
import { ADMIN, startTestApp, TestApp } from '../support/test-app';
import { RequestSpec, requestSpec, ROUTE_NAMES, RouteName, WORKING_FORMS } from './support/fuzz-arbitraries';
import { Context, describeWire, Identity, materialize, Row, Slot, suspect, Wire } from './support/fuzz-requests';

// Fuzzing every route with fast-check: malformed and hostile requests, with a USER token, an
// ADMIN token or none. Each run uses a new seed (printed); FUZZ_SEED=<seed> replays one, and
// FUZZ_REQUESTS changes how many requests a run sends (at least 5,000 count).
//
// A batch sends BATCH requests at once, each in its own slot: a user and an admin of its own
// that no other request of the batch may touch, so that the slot's rows, read before and after
// the batch, tell exactly what each request changed. A slot whose accounts a request changed,
// deleted or logged out gets new accounts before the next batch.
//
// A 2xx write is read back: it stored what it sent, as the service normalises it. And each route
// gets at least a share of 2xx answers, so that refusing valid requests cannot pass unseen.

const BATCH = 8;
const MIN_REQUESTS = 5_000;
const REQUESTS = Math.max(MIN_REQUESTS, Number(process.env.FUZZ_REQUESTS) || 5_200);
const SEED = process.env.FUZZ_SEED ? Number.parseInt(process.env.FUZZ_SEED, 10) : randomInt(2 ** 31 - 1);
const REQUEST_TIMEOUT_MS = 15_000;
/** FUZZ_TRACE=<file>: every request and its answer, appended to that file. */
const TRACE = process.env.FUZZ_TRACE;

/** Routes behind a valid access token; the admin ones also need role ADMIN. */
const PROTECTED = new Set<RouteName>(['profile-get', 'profile-put', 'profile-delete', 'password', 'admin-list', 'admin-create', 'admin-get', 'admin-put', 'admin-delete']);
const ADMIN_ONLY = new Set<RouteName>(['admin-list', 'admin-create', 'admin-get', 'admin-put', 'admin-delete']);

const PROFILE_COLUMNS = ['email', 'username', 'name', 'firstname', 'lastname', 'phone_number', 'image_path', 'locale'];
const BOOKKEEPING = ['updated_at', 'version'];
const VIEW_FIELDS = [...PROFILE_COLUMNS, 'role', 'is_active'];

/**
 * The columns a successful write of a route may change on its target row. A delete may also
 * rewrite email and username (one way to free them); it may not touch the rest.
 */
const WRITABLE: Partial<Record<RouteName, string[]>> = {
  // An owner's new email waits as pending_email for its link.
  'profile-put': [...PROFILE_COLUMNS.filter((column) => column !== 'email'), 'pending_email', ...BOOKKEEPING],
  password: ['password_hash', ...BOOKKEEPING],
  'profile-delete': ['deleted_at', 'email', 'username', ...BOOKKEEPING],
  // A new email is unverified, and drops the owner's pending change.
  'admin-put': [...PROFILE_COLUMNS, 'password_hash', 'role', 'is_active', 'email_verified', 'pending_email', ...BOOKKEEPING],
  'admin-delete': ['deleted_at', 'email', 'username', ...BOOKKEEPING],
};
/** Routes whose refusal must leave the target row as it was. */
const WRITES = new Set<RouteName>(['profile-put', 'password', 'profile-delete', 'admin-put', 'admin-delete']);

/**
 * The least share of 2xx answers a route must get: at most 2/3 of the lowest share measured
 * over eight seeds and 4 standard deviations under the mean, so that a validation that starts
 * refusing valid requests fails the run instead of passing it with fewer writes checked. `odd`
 * has none: its 2xx are HEAD and OPTIONS answers, no valid input.
 */
const MIN_2XX_SHARE: Partial<Record<RouteName, number>> = {
  register: 0.09, // measured 14.3% to 18.0%
  login: 0.18, // 27.0% to 32.2%
  refresh: 0.05, // 13.8% to 18.1%
  logout: 0.26, // 40.2% to 48.6%
  'profile-get': 0.55, // 75.6% to 79.9%
  'profile-put': 0.08, // 13.1% to 17.3%
  'profile-delete': 0.03, // 8.5% to 16.7%: so wide a spread that 3% is only 3 deviations under
  password: 0.08, // 13.8% to 20.8%
  'admin-list': 0.19, // 28.4% to 33.4%
  'admin-create': 0.13, // 19.8% to 25.0%
  'admin-get': 0.23, // 35.5% to 44.8%
  'admin-put': 0.18, // 28.2% to 33.7%
  'admin-delete': 0.17, // 26.8% to 36.2%
  health: 0.9, // 100%
  ready: 0.9, // 100%
};

/** The body fields each route takes, as its DTO declares them; any other is refused by name. */
const BODY_FIELDS: Partial<Record<RouteName, string[]>> = {
  register: ['email', 'password', 'name', 'username', 'locale'],
  login: ['email', 'username', 'password'],
  refresh: ['refresh_token'],
  logout: ['refresh_token'],
  'profile-put': ['email', 'current_password', 'name', 'username', 'image_path', 'firstname', 'lastname', 'phone_number', 'locale'],
  'profile-delete': ['current_password'],
  password: ['current_password', 'new_password'],
  'admin-create': ['email', 'password', 'name', 'username', 'firstname', 'lastname', 'phone_number', 'locale', 'role', 'is_active', 'image_path'],
  'admin-put': ['username', 'email', 'password', 'password_hash', 'firstname', 'lastname', 'name', 'phone_number', 'locale', 'role', 'is_active', 'image_path', 'profileImage', 'id'],
};
/** At most this many field errors in a 400, and an unknown field is reported alone. */
const MAX_FIELD_ERRORS = 10;
const UNKNOWN_FIELD = /is not a field of this request\.$|cannot be changed/;

/** The email stored for one sent: trimmed, NFKC, its domain in ASCII, lower case. */
function storedEmail(sent: string): string {
  const text = sent.trim().normalize('NFKC');
  const at = text.lastIndexOf('@');
  return `${text.slice(0, at)}@${domainToASCII(text.slice(at + 1))}`.toLowerCase();
}

interface Stored {
  column: string;
  /** The JSON types the field takes. */
  types: string[];
  stored: (value: any) => string | null;
}
const asSent = (value: string | null) => value;
const trimmedOrNull = (value: string | null) => value?.trim() || null;

/**
 * Where a field a 2xx write took is stored, and as what. A password (or the seed's
 * password_hash, plain text too) is stored as a hash of it.
 */
const STORED: Record<string, Stored | 'password' | 'not stored'> = {
  email: { column: 'email', types: ['string'], stored: storedEmail },
  username: { column: 'username', types: ['string'], stored: asSent },
  name: { column: 'name', types: ['string'], stored: (value: string) => value.trim() },
  firstname: { column: 'firstname', types: ['string', 'null'], stored: trimmedOrNull },
  lastname: { column: 'lastname', types: ['string', 'null'], stored: trimmedOrNull },
  phone_number: { column: 'phone_number', types: ['string', 'null'], stored: asSent },
  image_path: { column: 'image_path', types: ['string'], stored: asSent },
  profileImage: { column: 'image_path', types: ['string'], stored: asSent },
  locale: { column: 'locale', types: ['string'], stored: asSent },
  role: { column: 'role', types: ['string'], stored: asSent },
  is_active: { column: 'is_active', types: ['boolean'], stored: String },
  password: 'password',
  password_hash: 'password',
  new_password: 'password',
  // The path's id wins over a body id; a current password is only compared.
  id: 'not stored',
  current_password: 'not stored',
};
/** Writes whose 2xx must have stored every field sent as STORED says; a delete must mark its row. */
const STORING = new Set<RouteName>(['register', 'profile-put', 'password', 'admin-create', 'admin-put', 'profile-delete', 'admin-delete']);

/** The body a request sent as the service's JSON parser reads it (which drops a leading BOM). */
function sentObject(wire: Wire): Record<string, unknown> | undefined {
  try {
    const value: unknown = JSON.parse(wire.body?.toString('utf8').replace(/^\ufeff/, '') ?? '');
    return typeof value === 'object' && value !== null && !Array.isArray(value) ? (value as Record<string, unknown>) : undefined;
  } catch {
    return undefined;
  }
}

/** What is wrong with the field errors of a 400 VALIDATION_FAILED, if anything. */
function fieldErrorsProblem(errors: unknown, route: RouteName, wire: Wire): string | undefined {
  // Some refusals (a URL the router cannot read) carry no field errors.
  if (!Array.isArray(errors)) return undefined;
  if (errors.length > MAX_FIELD_ERRORS) return `${errors.length} field errors, more than ${MAX_FIELD_ERRORS}`;
  const unknown = errors.filter((error) => UNKNOWN_FIELD.test(String(error?.message)));
  if (unknown.length === 0) return undefined;
  if (errors.length > 1) return `an unknown field among ${errors.length} field errors: it must be reported alone`;
  const fields = BODY_FIELDS[route];
  const sent = sentObject(wire);
  if (!fields || !sent) return undefined;
  const first = Object.keys(sent).find((key) => !fields.includes(key));
  return unknown[0].field === first ? undefined : `reports the unknown field ${JSON.stringify(unknown[0].field)}, not the first one sent, ${JSON.stringify(first)}`;
}

interface Answer {
  status: number;
  headers: Headers;
  text: string;
  body: any;
}

interface Violation {
  kind: string;
  route: RouteName;
  detail: string;
  repro: string;
}

describe(`fuzzing every route (seed ${SEED}, ${REQUESTS} requests, ${onPostgresServer ? 'PostgreSQL' : 'PGlite'})`, () => {
  let testApp: TestApp;
  let api: ApiClient;
  let dataSource: DataSource;
  let adminToken: string;
  /** Rows no fuzzed request may change: the seeded admin, which makes the slot admins, and the decoy. */
  let seededAdminId: number;
  let decoy: Identity;
  const tag = (SEED >>> 0).toString(36);
  let counter = 0;
  const next = () => ++counter;

  const statusCounts = new Map<string, number>();
  const routeCounts = new Map<string, Map<string, number>>();
  const violations: Violation[] = [];
  const passwordsEver = new Set<string>([ADMIN.password]);
  const answerTexts: string[] = [];
  let fuzzed = 0;
  let helperRequests = 0;
  /** Refused writes whose target row was compared before and after. */
  let refusedWritesChecked = 0;
  /** 2xx writes whose row was read back and compared with what they sent. */
  let storedWritesChecked = 0;

  beforeAll(async () => {
    testApp = await startTestApp({
      RATE_LIMIT_AUTH_PER_MINUTE: '100000000',
      LOGIN_MAX_FAILURES: '100000000',
    });
    api = testApp.api;
    dataSource = testApp.app.get(DataSource);
    adminToken = await api.login(ADMIN.email, ADMIN.password);
    seededAdminId = (await api.get('/users', { token: adminToken })).body.id;
  });

  afterAll(async () => {
    await testApp?.close();
  });

  // ------------------------------------------------------------ accounts

  async function helper(method: string, path: string, token: string | undefined, body: unknown): Promise<ApiResponse> {
    helperRequests++;
    return api.request(method, path, { token, body });
  }

  async function newUser(): Promise<Identity> {
    const n = next();
    const password = `Slot-user-pw-${tag}-${n}`;
    passwordsEver.add(password);
    const response = await helper('POST', '/auth/register', undefined, { email: `slot-${tag}-${n}@example.com`, password, name: 'Slot User' });
    if (response.status !== 201) throw new Error(`register failed: ${response.status} ${response.text}`);
    const { user, access_token, refresh_token } = response.body;
    return { id: user.id, email: user.email, username: user.username, password, token: access_token, refresh: refresh_token };
  }

  async function newAdmin(): Promise<Identity> {
    const n = next();
    const password = `Slot-admin-pw-${tag}-${n}`;
    passwordsEver.add(password);
    const email = `slot-admin-${tag}-${n}@example.com`;
    const created = await helper('POST', '/api/users', adminToken, { email, password, name: 'Slot Admin', role: 'ADMIN' });
    if (created.status !== 201) {
      const rows = await dataSource.query('SELECT id, email, role, is_active, deleted_at, version, updated_at FROM users WHERE id = 1');
      const sessions = await dataSource.query('SELECT * FROM sessions WHERE user_id = 1');
      throw new Error(`admin create failed: ${created.status} ${created.text}\n${JSON.stringify(rows)}\n${JSON.stringify(sessions)}`);
    }
    const login = await helper('POST', '/auth/login', undefined, { email, password });
    if (login.status !== 200) throw new Error(`admin login failed: ${login.status} ${login.text}`);
    return {
      id: created.body.id,
      email,
      username: created.body.username,
      password,
      token: login.body.access_token,
      refresh: login.body.refresh_token,
    };
  }

  async function readRows(ids: number[]): Promise<Map<number, Row>> {
    const rows: Record<string, unknown>[] = await dataSource.query('SELECT * FROM users WHERE id = ANY($1::int[])', [ids]);
    const byId = new Map<number, Row>();
    for (const row of rows) {
      const normalized: Row = {};
      for (const [column, value] of Object.entries(row)) {
        normalized[column] = value === null ? null : value instanceof Date ? value.toISOString() : String(value);
      }
      byId.set(Number(row.id), normalized);
    }
    return byId;
  }

  interface StoredCheck {
    route: RouteName;
    wire: Wire;
    /** The row the write was for: the slot account, or the one it created. */
    id: number | undefined;
    report: (kind: string, detail: string) => void;
  }

  /** That a 2xx write stored each field it sent, as the service's rules normalise it. */
  async function checkStored({ route, wire, report }: StoredCheck, row: Row | undefined): Promise<void> {
    storedWritesChecked++;
    if (!row) return report('stored', 'a 2xx write left no row to read back');
    if (route === 'profile-delete' || route === 'admin-delete') {
      if (row.deleted_at === null) report('stored', 'a 2xx delete left the row live');
      return;
    }
    const sent = sentObject(wire);
    if (!sent) return report('stored', 'a 2xx write of a body that is not a JSON object');
    if (route === 'register' && row.role !== 'USER') report('mass-assignment', `stored the role ${row.role} at sign-up`);
    for (const [field, value] of Object.entries(sent)) {
      let rule = BODY_FIELDS[route]?.includes(field) ? STORED[field] : undefined;
      // An owner's new email waits for its link; the current one sent again drops the wait.
      if (route === 'profile-put' && field === 'email' && rule !== undefined && rule !== 'password' && rule !== 'not stored') {
        rule = row.email === rule.stored(value) ? { ...rule, stored: () => null, column: 'pending_email' } : { ...rule, column: 'pending_email' };
      }
      if (rule === undefined) {
        report('stored', `${field}: a 2xx with a field the route does not take`);
      } else if (rule === 'password') {
        // Never stored as sent: the stored hash must be of the text sent.
        const hash = row.password_hash ?? '';
        if (typeof value !== 'string' || hash === value || !(await bcrypt.compare(value, hash))) {
          report('stored', `${field}: the stored password_hash is not a hash of the ${typeof value} sent`);
        }
      } else if (rule !== 'not stored') {
        const type = value === null ? 'null' : typeof value;
        const expected = rule.types.includes(type) ? rule.stored(value) : undefined;
        if (expected === undefined) report('stored', `${field}: a 2xx for a ${type}`);
        else if (row[rule.column] !== expected) {
          report('stored', `${field}: sent ${JSON.stringify(value)}, stored ${JSON.stringify(row[rule.column])}, expected ${JSON.stringify(expected)}`);
        }
      }
    }
  }

  function changedColumns(before: Row | undefined, after: Row | undefined): string[] {
    if (!before || !after) return before === after ? [] : ['<row>'];
    return Object.keys({ ...before, ...after }).filter((column) => before[column] !== after[column]);
  }

  // ------------------------------------------------------------ one request

  async function send(wire: Wire): Promise<Answer | { error: string }> {
    try {
      const response = await fetch(api.baseUrl + wire.path, {
        method: wire.method,
        headers: wire.headers,
        body: wire.body === undefined ? undefined : new Uint8Array(wire.body),
        signal: AbortSignal.timeout(REQUEST_TIMEOUT_MS),
      });
      const text = await response.text();
      let body: unknown;
      try {
        body = JSON.parse(text);
      } catch {
        body = undefined;
      }
      return { status: response.status, headers: response.headers, text, body };
    } catch (error) {
      const cause = (error as { cause?: { code?: string; message?: string } }).cause;
      return { error: `${String(error)}${cause ? ` (cause: ${cause.code ?? ''} ${cause.message ?? ''})` : ''}` };
    }
  }

  function count(route: RouteName, key: string): void {
    statusCounts.set(key, (statusCounts.get(key) ?? 0) + 1);
    const perRoute = routeCounts.get(route) ?? new Map<string, number>();
    const bucket = /^\d+$/.test(key) ? `${key[0]}xx` : key;
    perRoute.set(bucket, (perRoute.get(bucket) ?? 0) + 1);
    routeCounts.set(route, perRoute);
  }

  function secretsFound(answer: Answer, wire: Wire, slot: Slot): string | undefined {
    // expectNoSecrets leaves out the API description (/docs*), which names password fields by design.
    if (wire.path.startsWith('/docs')) return undefined;
    const probe = new ApiClient(api.baseUrl);
    probe.seen.push({ path: wire.path, status: answer.status, headers: answer.headers, body: answer.body, text: answer.text });
    try {
      expectNoSecrets(probe, [...wire.passwords, slot.user.password, slot.admin.password, ADMIN.password]);
      return undefined;
    } catch (error) {
      return String((error as Error).message).slice(0, 800);
    }
  }

  function problemShapeError(answer: Answer, method: string): string | undefined {
    const type = answer.headers.get('content-type') ?? '';
    if (!/^application\/problem\+json\b/.test(type)) {
      const fastifyCode = typeof answer.body?.code === 'string' ? ` (${answer.body.code})` : '';
      return `${answer.status}${fastifyCode} with content-type ${JSON.stringify(type)}`;
    }
    if (method === 'HEAD') return undefined;
    const problem = answer.body;
    if (typeof problem !== 'object' || problem === null || Array.isArray(problem)) return 'the body is not a JSON object';
    for (const field of ['type', 'title', 'detail', 'code']) {
      if (typeof problem[field] !== 'string' || problem[field] === '') return `${field} is ${JSON.stringify(problem[field])}`;
    }
    if (problem.status !== answer.status) return `status field ${JSON.stringify(problem.status)} differs from ${answer.status}`;
    if (!/^[A-Z][A-Z_]*$/.test(problem.code)) return `code ${JSON.stringify(problem.code)} is not upper case`;
    return undefined;
  }

  // ------------------------------------------------------------ one batch

  let slots: Slot[] = [];

  async function runBatch(specs: RequestSpec[]): Promise<void> {
    const guarded = [seededAdminId, decoy.id];
    const ids = [...slots.flatMap(({ user, admin }) => [user.id, admin.id]), ...guarded];
    const before = await readRows(ids);
    const wires = specs.map((spec, index) => {
      const ctx: Context = { slot: slots[index], other: slots[(index + 1) % slots.length].user, decoy: decoy.id, rows: before, tag, next };
      return materialize(spec, ctx);
    });
    for (const wire of wires) for (const password of wire.passwords) passwordsEver.add(password);
    const answers = await Promise.all(wires.map(send));
    const after = await readRows(ids);
    const dirty = new Set<number>();
    const storedChecks: StoredCheck[] = [];

    specs.forEach((spec, index) => {
      const wire = wires[index];
      const answer = answers[index];
      const slot = slots[index];
      const report = (kind: string, detail: string) =>
        violations.push({
          kind,
          route: spec.route,
          detail,
          repro: `${describeWire(wire)}\n  → ${'error' in answer ? answer.error : `${answer.status} ${answer.headers.get('content-type') ?? ''} ${answer.text.slice(0, 500)}`}`,
        });
      fuzzed++;
      if (TRACE) {
        const outcome = 'error' in answer ? answer.error : `${answer.status} ${answer.text.slice(0, 300)}`;
        appendFileSync(TRACE, `#${fuzzed} slot ${index} user ${slot.user.id} admin ${slot.admin.id}\n    ${describeWire(wire, 300)}\n  → ${outcome}\n`);
      }
      if ('error' in answer) {
        count(spec.route, 'no answer');
        report('dropped', answer.error);
        return;
      }
      count(spec.route, String(answer.status));
      answerTexts.push(answer.text);
      const { status } = answer;
      const ok = status >= 200 && status < 300;
      if (status >= 500) report('5xx', `${status}, suspect ${suspect(wire)}`);
      else if (!ok && (status < 400 || status >= 500)) report('status', `${status} is neither 2xx nor 4xx`);
      if (status >= 400) {
        const shape = problemShapeError(answer, wire.method);
        if (shape) report('problem+json', shape);
      }
      if (status === 400 && answer.body?.code === 'VALIDATION_FAILED') {
        const problem = fieldErrorsProblem(answer.body.errors, spec.route, wire);
        if (problem) report('field-errors', problem);
      }
      const leak = secretsFound(answer, wire, slot);
      if (leak) report('secret', leak);

      // Who the request really was.
      const token = spec.auth.kind === 'token' && WORKING_FORMS.includes(spec.auth.form) ? spec.auth.who : undefined;
      if (ok && PROTECTED.has(spec.route) && token === undefined) report('auth', `${status} without a valid access token`);
      if (ok && ADMIN_ONLY.has(spec.route) && token === 'user') report('auth', `${status} on an admin route with a USER token`);
      // Another spelling of an id (01, +7, 0x1f, 7.0, %20 7) is refused, never read as that id.
      if (wire.alias && (ok || status === 404)) report('path-id', `${status} for a path id that is not a plain decimal (it reads as id ${decoy.id})`);
      if (ok && spec.route === 'register' && answer.body?.user?.role !== 'USER') report('mass-assignment', `registered as ${answer.body?.user?.role}`);

      // Which slot row the request may have changed, and which columns of it.
      const target = spec.route.startsWith('admin-') ? (token === 'admin' ? wire.pathTarget : undefined) : token;
      const writable = ok && target ? WRITABLE[spec.route] ?? [] : [];
      const rowTarget = spec.route.startsWith('admin-') ? wire.pathTarget : wire.tokenOf;
      if (!ok && WRITES.has(spec.route) && rowTarget) refusedWritesChecked++;
      for (const who of ['user', 'admin'] as const) {
        const { id } = slot[who];
        const changed = changedColumns(before.get(id), after.get(id));
        if (changed.length > 0) dirty.add(id);
        const allowed = who === target ? writable : [];
        const wrong = changed.filter((column) => !allowed.includes(column));
        if (wrong.length > 0) {
          const diff = wrong.map((column) => `${column}: ${JSON.stringify(before.get(id)?.[column])} → ${JSON.stringify(after.get(id)?.[column])}`);
          report('row-changed', `${status} changed the slot ${who}'s row (id ${id}): ${diff.join('; ')}`);
        }
      }

      // What a 2xx write stored, read back once every answer of the batch is in.
      if (ok && STORING.has(spec.route)) {
        const created = spec.route === 'register' ? answer.body?.user?.id : spec.route === 'admin-create' ? answer.body?.id : undefined;
        storedChecks.push({ route: spec.route, wire, id: typeof created === 'number' ? created : target && slot[target].id, report });
      }

      // A successful update answers the row as it is now, with its version as ETag.
      if (ok && (spec.route === 'profile-put' || spec.route === 'admin-put') && target) {
        const row = after.get(slot[target].id);
        const mismatch = VIEW_FIELDS.filter((field) => row && String(answer.body?.[field] ?? null) !== String(row[field] ?? null));
        if (mismatch.length > 0) report('answer-vs-row', `the answer differs from the row in ${mismatch.join(', ')}`);
        if (row && answer.headers.get('etag') !== `"${row.version}"`) report('answer-vs-row', `ETag ${answer.headers.get('etag')} but version ${row.version}`);
      }

      // Sessions this request may have ended: the slot gets new accounts.
      const ending = ok && !['GET', 'HEAD', 'OPTIONS'].includes(wire.method) && !['login', 'register', 'admin-create'].includes(spec.route);
      if (ending) {
        if (wire.tokenOf) dirty.add(slot[wire.tokenOf].id);
        if (wire.pathTarget) dirty.add(slot[wire.pathTarget].id);
        for (const who of wire.refreshOf) dirty.add(slot[who].id);
      }
      if (status === 401 && token && answer.body?.code === 'UNAUTHORIZED') dirty.add(slot[token].id);
    });

    const created = storedChecks.flatMap(({ id }) => (id !== undefined && !after.has(id) ? [id] : []));
    const rows = created.length > 0 ? new Map([...after, ...(await readRows(created))]) : after;
    for (const check of storedChecks) await checkStored(check, check.id === undefined ? undefined : rows.get(check.id));

    for (const id of guarded) {
      const changed = changedColumns(before.get(id), after.get(id));
      if (changed.length === 0) continue;
      const culprits = specs.map((spec, index) => ({ spec, wire: wires[index], answer: answers[index] })).filter(({ wire }) => wire.alias);
      const diff = changed.map((column) => `${column}: ${JSON.stringify(before.get(id)?.[column])} → ${JSON.stringify(after.get(id)?.[column])}`).join('; ');
      violations.push({
        kind: 'row-changed',
        route: culprits[0]?.spec.route ?? 'odd',
        detail: `a batch changed ${id === decoy.id ? 'the decoy' : 'the seeded admin'} (id ${id}), which no request names by its id: ${diff}`,
        repro: culprits.map(({ wire, answer }) => `${describeWire(wire)}\n  → ${'error' in answer ? answer.error : answer.status}`).join('\n  ') || '(no alias id in the batch)',
      });
    }
    const decoyRow = after.get(decoy.id);
    if (!decoyRow || decoyRow.deleted_at !== null || decoyRow.is_active !== 'true') decoy = await newUser();

    const health = await send({ method: 'GET', path: '/health', headers: {}, passwords: [], refreshOf: new Set() });
    helperRequests++;
    if ('error' in health || health.status !== 200) {
      violations.push({ kind: 'health', route: 'health', detail: 'GET /health after a batch', repro: JSON.stringify(health).slice(0, 500) });
    }

    slots = await Promise.all(
      slots.map(async (slot) => ({
        user: dirty.has(slot.user.id) ? await newUser() : slot.user,
        admin: dirty.has(slot.admin.id) ? await newAdmin() : slot.admin,
      })),
    );
  }

  // ------------------------------------------------------------ the run

  it(
    'answers every request with a 2xx or a 4xx problem+json, never a 5xx, a dropped connection, a changed row after a refusal, or a secret',
    async () => {
      const started = performance.now();
      console.log(`fuzz seed ${SEED} (replay with FUZZ_SEED=${SEED}); ${REQUESTS} requests in batches of ${BATCH}`);
      decoy = await newUser();
      slots = await Promise.all(Array.from({ length: BATCH }, async () => ({ user: await newUser(), admin: await newAdmin() })));

      await fc.assert(
        fc.asyncProperty(fc.array(requestSpec, { minLength: BATCH, maxLength: BATCH }), runBatch),
        { seed: SEED, numRuns: Math.ceil(REQUESTS / BATCH), endOnFailure: true },
      );

      // The set-up answers (sign-ups, admin accounts, logins) carry no hash, key or secret either.
      const setUp = new ApiClient(api.baseUrl);
      setUp.seen.push(...api.seen);
      try {
        expectNoSecrets(setUp);
      } catch (error) {
        violations.push({ kind: 'secret', route: 'odd', detail: 'a set-up answer carries a secret', repro: String((error as Error).message).slice(0, 800) });
      }
      // Every answer against every password any request carried.
      const scanStarted = performance.now();
      const forms = [...passwordsEver].flatMap((password) => {
        const escaped = JSON.stringify(password).slice(1, -1);
        return escaped === password ? [password] : [password, escaped];
      });
      for (const text of [...answerTexts, ...api.seen.map((answer) => answer.text)]) {
        const found = forms.find((form) => text.includes(form));
        if (found) violations.push({ kind: 'secret', route: 'odd', detail: `an answer carries a password a request sent: ${found}`, repro: text.slice(0, 500) });
      }
      const scanSeconds = ((performance.now() - scanStarted) / 1000).toFixed(1);

      const seconds = ((performance.now() - started) / 1000).toFixed(1);
      const byStatus = [...statusCounts.entries()].sort(([a], [b]) => a.localeCompare(b));
      const table = byStatus.map(([status, n]) => `  ${status.padEnd(10)} ${String(n).padStart(6)}`).join('\n');
      const shares = ROUTE_NAMES.map((route) => {
        const counts = routeCounts.get(route) ?? new Map<string, number>();
        const total = [...counts.values()].reduce((sum, n) => sum + n, 0);
        const share = total === 0 ? 0 : (counts.get('2xx') ?? 0) / total;
        return { route, counts, share, floor: MIN_2XX_SHARE[route] };
      });
      const percent = (share: number) => `${(share * 100).toFixed(1)}%`;
      const routes = shares
        .map(({ route, counts, share, floor }) => {
          const buckets = [...counts.entries()].sort().map(([bucket, n]) => `${bucket} ${n}`).join(', ');
          return `  ${route.padEnd(15)} ${buckets.padEnd(40)} 2xx share ${percent(share).padStart(6)}${floor === undefined ? '' : ` (floor ${percent(floor)})`}`;
        })
        .join('\n');
      console.log(
        `fuzz seed ${SEED}: ${fuzzed} fuzzed requests in ${seconds} s on ${onPostgresServer ? 'PostgreSQL' : 'PGlite'} (+ ${helperRequests} set-up and /health requests); ` +
          `${refusedWritesChecked} refused writes left their target row unchanged or were reported; ` +
          `${storedWritesChecked} 2xx writes were read back and compared with what they sent; ` +
          `${answerTexts.length + api.seen.length} answers scanned for ${passwordsEver.size} passwords in ${scanSeconds} s\n` +
          `answers by status:\n${table}\n  ${'total'.padEnd(10)} ${String(fuzzed).padStart(6)}\nby route:\n${routes}`,
      );

      // One reproduction per kind of failure, route and message.
      const distinct = new Map<string, { examples: Violation[]; times: number }>();
      for (const violation of violations) {
        const key = `[${violation.kind}] ${violation.route}: ${violation.detail.split(': ')[0].replace(/\d+/g, 'N').slice(0, 120)}`;
        const entry = distinct.get(key) ?? { examples: [], times: 0 };
        entry.times++;
        if (entry.examples.length < 3) entry.examples.push(violation);
        distinct.set(key, entry);
      }
      if (violations.length > 0) {
        console.log(
          `fuzz seed ${SEED}: ${violations.length} violations, ${distinct.size} distinct\n\n` +
            [...distinct.values()]
              .slice(0, 60)
              .map(({ examples, times }) => `[${examples[0].kind}] ${examples[0].route} (${times}×): ${examples[0].detail}\n  ${examples.map(({ repro }) => repro).join('\n  ')}`)
              .join('\n\n'),
        );
      }

      expect(fuzzed).toBeGreaterThanOrEqual(MIN_REQUESTS);
      for (const route of ROUTE_NAMES) expect([route, routeCounts.has(route)]).toEqual([route, true]);
      expect([...distinct.keys()]).toEqual([]);
      // Too few 2xx: valid requests are being refused (or the arbitraries stopped making them).
      const under = shares.filter(({ share, floor }) => floor !== undefined && share < floor);
      expect(under.map(({ route, share, floor }) => `${route}: ${percent(share)} 2xx, under the floor of ${percent(floor!)}`)).toEqual([]);
    },
    10 * 60_000,
  );
});
