// The floor: GET /users and PUT /users with no framework, doing the service's work by hand.
//
//   PORT=3100 DATABASE_URL=postgres://... [JWT_SECRET=...] node bench/floor.mjs
//
// Same checks (the access token's signature under the key its kid names, EdDSA or ES256 from the
// service's signing_keys table, or HS256 under JWT_SECRET; its expiry; a verified token
// remembered until then, as the service does; the session still open, the account live and
// active; the body's fields by the rules of src/users/dto/user-fields.ts), same SQL as
// UsersService (the statements of src/users/users.repository.ts, copied), same JSON view
// as src/users/user-view.ts, same response headers (Helmet's, ETag, X-Request-Id). What it
// leaves out is the framework: routing, DI, guards, pipes, class-transformer/validator, ORM.
import { createHmac, createPublicKey, createSecretKey, randomUUID, timingSafeEqual, verify } from 'node:crypto';
import { createServer } from 'node:http';
import pg from 'pg';

const { PORT = '3100', DATABASE_URL, JWT_SECRET, FLOOR_POOL_SIZE = '10' } = process.env;
if (!DATABASE_URL) {
  console.error('floor: DATABASE_URL must be set');
  process.exit(1);
}

// The service's pool is TypeORM's `poolSize: 10` (src/database/data-source-options.ts).
const pool = new pg.Pool({ connectionString: DATABASE_URL, max: Number(FLOOR_POOL_SIZE) });
const jwtKey = JWT_SECRET && createSecretKey(Buffer.from(JWT_SECRET, 'utf8'));
const BODY_LIMIT_BYTES = 100 * 1024;

// ------------------------------------------------------------------ the access token

const INT4_MAX = 2_147_483_647;
const ID = /^[1-9][0-9]{0,9}$/;
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
// `Bearer <jwt>` and nothing else, as src/auth/tokens/jwt.strategy.ts reads it.
const BEARER = /^Bearer +([A-Za-z0-9_-]+\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]*)$/i;

// The service's public keys by kid, read again (at most once a second) when a token names another.
let publicKeys = new Map();
let keysReadAt = 0;
async function publicKeyOf(kid) {
  if (!publicKeys.has(kid) && Date.now() - keysReadAt > 1000) {
    keysReadAt = Date.now();
    const { rows } = await pool.query('SELECT kid, algorithm, public_jwk FROM signing_keys WHERE retires_at IS NULL OR retires_at > now()');
    publicKeys = new Map(rows.map((row) => [row.kid, { algorithm: row.algorithm, key: createPublicKey({ key: row.public_jwk, format: 'jwk' }) }]));
  }
  return publicKeys.get(kid);
}

/** Whether `signature` signs `input` under the key the header names, by its algorithm. */
async function signatureHolds(header, input, signature) {
  if (header.alg === 'HS256') {
    if (!jwtKey) return false;
    const expected = createHmac('sha256', jwtKey).update(input).digest();
    return signature.length === expected.length && timingSafeEqual(signature, expected);
  }
  const key = typeof header.kid === 'string' ? await publicKeyOf(header.kid) : undefined;
  if (!key || key.algorithm !== header.alg) return false;
  if (header.alg === 'EdDSA') return verify(null, Buffer.from(input), key.key, signature);
  return verify('sha256', Buffer.from(input), { key: key.key, dsaEncoding: 'ieee-p1363' }, signature);
}

// Verified tokens until their exp, 10,000 at most: the service's VerifiedTokens.
const verified = new Map();

/** The caller of a token verified before and unexpired, without a promise: the common case. */
function rememberedCaller(authorization) {
  const token = authorization && BEARER.exec(authorization)?.[1];
  const known = token && verified.get(token);
  return known && Date.now() < known.expiresAt ? known.caller : undefined;
}

/** The caller of a valid access token ({ id, sessionId }), or undefined. */
async function authenticate(authorization) {
  const token = authorization && BEARER.exec(authorization)?.[1];
  if (!token) return undefined;
  const [header, payload, signature] = token.split('.');
  try {
    if (!(await signatureHolds(JSON.parse(Buffer.from(header, 'base64url').toString()), `${header}.${payload}`, Buffer.from(signature, 'base64url')))) {
      return undefined;
    }
    const claims = JSON.parse(Buffer.from(payload, 'base64url').toString());
    const now = Math.floor(Date.now() / 1000);
    if (typeof claims.exp !== 'number' || now >= claims.exp) return undefined;
    if (claims.nbf !== undefined && (typeof claims.nbf !== 'number' || now < claims.nbf)) return undefined;
    const { sub, sid } = claims;
    if (typeof sub !== 'string' || !ID.test(sub) || Number(sub) > INT4_MAX) return undefined;
    if (typeof sid !== 'string' || !UUID.test(sid)) return undefined;
    const caller = { id: Number(sub), sessionId: sid };
    if (verified.size >= 10_000) verified.delete(verified.keys().next().value);
    verified.set(token, { caller, expiresAt: claims.exp * 1000 });
    return caller;
  } catch {
    return undefined;
  }
}

// ------------------------------------------------------------------ the body (UpdateProfileDto)

const USERNAME = /^[A-Za-z0-9_.-]{3,30}$/;
const E164 = /^\+[0-9]{8,15}$/;
const HTTP_URL = /^https?:\/\/[^\s/?#]+[^\s]*$/i;
const RELATIVE_PATH = /^(?!\/\/)(?![A-Za-z][A-Za-z0-9+.-]*:)[A-Za-z0-9._~!$&'()*+,;=:@/-]+$/;
const DOT_DOT_SEGMENT = /(^|\/)\.\.(\/|$)/;
// A plain address check; the service uses validator.js's isEmail, which is stricter.
const EMAIL = /^[^\s@]+@[^\s@]+\.[^\s@]+$/;
const JSON_TYPE = /^application\/(?:[\w.+-]+\+)?json\s*(?:;|$)/i;

/** Length as validator.js's isLength counts it (class-validator's Length, MaxLength). */
function length(text) {
  const pairs = text.match(/[\uD800-\uDBFF][\uDC00-\uDFFF]/g)?.length ?? 0;
  const selectors = text.match(/\uFE0F|\uFE0E/g)?.length ?? 0;
  return text.length - pairs - selectors;
}

const personalName = (field) => (value) => {
  if (value === null) return [null];
  if (typeof value !== 'string') return [undefined, `${field} must be a string or null.`];
  const trimmed = value.trim() || null;
  if (trimmed === null) return [null];
  if (length(trimmed) > 100) return [undefined, `${field} must be at most 100 characters.`];
  return [trimmed];
};

/** Each field of PUT /users: its value as stored, or [undefined, the message of the rule broken]. */
const FIELDS = {
  name(value) {
    const text = typeof value === 'string' ? value.trim() : value;
    if (typeof text !== 'string') return [undefined, 'name must be a string.'];
    const size = length(text);
    if (size < 1 || size > 100) return [undefined, 'name must be 1 to 100 characters.'];
    return [text];
  },
  email(value) {
    const text = typeof value === 'string' ? value.trim().toLowerCase() : value;
    if (typeof text !== 'string') return [undefined, 'email must be a string.'];
    if (length(text) > 254) return [undefined, 'email must be at most 254 characters.'];
    if (!EMAIL.test(text)) return [undefined, 'email must be a valid email address.'];
    return [text];
  },
  username(value) {
    if (typeof value !== 'string') return [undefined, 'username must be a string.'];
    if (!USERNAME.test(value)) {
      return [undefined, 'username must be 3 to 30 characters of letters, digits, "_", "." or "-".'];
    }
    return [value];
  },
  image_path(value) {
    const ok =
      typeof value === 'string' &&
      value.length <= 512 &&
      (HTTP_URL.test(value) || (RELATIVE_PATH.test(value) && !DOT_DOT_SEGMENT.test(value)));
    return ok
      ? [value]
      : [undefined, 'image_path must be at most 512 characters: a relative path without ".." segments or an http(s) URL.'];
  },
  firstname: personalName('firstname'),
  lastname: personalName('lastname'),
  phone_number(value) {
    if (value === null) return [null];
    if (typeof value !== 'string') return [undefined, 'phone_number must be a string or null.'];
    if (!E164.test(value)) return [undefined, 'phone_number must be in E.164 form: "+" and 8 to 15 digits.'];
    return [value];
  },
};

/** The dotted path of the first string inside `value` that holds a NUL (validation.pipe.ts). */
function pathToNul(value, path = '') {
  if (typeof value === 'string') return value.includes('\u0000') ? path : undefined;
  if (typeof value !== 'object' || value === null) return undefined;
  for (const [key, inner] of Object.entries(value)) {
    const found = pathToNul(inner, path ? `${path}.${key}` : key);
    if (found !== undefined) return found;
  }
  return undefined;
}

/** The columns to write, or the field errors, as the service's ValidationPipe finds them. */
function checkProfile(body) {
  const nul = pathToNul(body);
  if (nul !== undefined) return { errors: [{ field: nul, message: `${nul || 'the body'} must not contain NUL characters.` }] };
  if (typeof body !== 'object' || body === null || Array.isArray(body)) {
    return { errors: [{ field: '', message: 'The request body must be a JSON object.' }] };
  }
  const values = {};
  const errors = [];
  for (const [field, value] of Object.entries(body)) {
    const rule = FIELDS[field];
    if (!rule) {
      errors.push({ field, message: `${field} is not a field of this request.` });
      continue;
    }
    const [stored, message] = rule(value);
    if (message) errors.push({ field, message });
    else values[field] = stored;
  }
  if (errors.length === 0 && Object.keys(values).length === 0) {
    errors.push({ field: '', message: 'At least one field must be provided.' });
  }
  return errors.length ? { errors } : { values };
}

/** The If-Match versions, as src/users/etag.ts reads them. */
function acceptedVersions(ifMatch) {
  if (ifMatch === undefined || ifMatch.trim() === '*') return undefined;
  const versions = ifMatch
    .split(',')
    .map((tag) => /^"([1-9][0-9]{0,8})"$/.exec(tag.trim())?.[1])
    .filter((version) => version !== undefined)
    .map(Number);
  return versions.length > 0 ? versions : [0];
}

// ------------------------------------------------------------------ SQL (src/users/users.repository.ts)

const CALLER_CONDITION = (id, sid) =>
  `users.id = ${id} AND users.deleted_at IS NULL AND users.is_active AND EXISTS ` +
  `(SELECT 1 FROM sessions s WHERE s.id = ${sid} AND s.user_id = users.id AND s.revoked_at IS NULL)`;

/** selectUser() for a caller: every column of the row, the session checked in it. */
const SELECT_USER = `SELECT * FROM users WHERE ${CALLER_CONDITION('$1', '$2')}`;

/**
 * updateUser() for a caller: one UPDATE ... RETURNING *, the session checked in it, and the
 * audit event of the change written by the same statement (the service's profile.updated).
 */
function updateStatement(values, caller, versions, origin) {
  const columns = Object.keys(values);
  const params = columns.map((column) => values[column]);
  const set = columns.map((column, i) => `${column} = $${i + 1}`).join(', ');
  const id = `$${params.push(caller.id)}`;
  const sid = `$${params.push(caller.sessionId)}`;
  let sql =
    `UPDATE users SET ${set}, version = version + 1, updated_at = CURRENT_TIMESTAMP ` +
    `WHERE ${CALLER_CONDITION(id, sid)}`;
  if (versions) sql += ` AND users.version IN (${versions.map((v) => `$${params.push(v)}`).join(', ')})`;
  const event = [caller.id, origin.ip, origin.requestId, JSON.stringify({ fields: columns })].map((value) => `$${params.push(value)}`);
  const audited =
    `INSERT INTO audit_events (action, actor_id, user_id, ip, request_id, details) ` +
    `SELECT 'profile.updated', ${event[0]}, updated.id, ${event[1]}, ${event[2]}, ${event[3]}::jsonb FROM updated`;
  return { text: `WITH updated AS (${sql} RETURNING *), audited AS (${audited}) SELECT * FROM updated`, values: params };
}

const CONFLICTS = {
  users_email_live_key: ['EMAIL_TAKEN', 'An account with this email already exists.'],
  users_username_live_key: ['USERNAME_TAKEN', 'This username is taken.'],
};

// ------------------------------------------------------------------ responses

// Helmet's headers as the service sends them (src/app.factory.ts).
const SECURITY_HEADERS = {
  'content-security-policy':
    "default-src 'self';base-uri 'self';font-src 'self' https: data:;form-action 'self';frame-ancestors 'none';" +
    "img-src 'self' data:;object-src 'none';script-src 'self';script-src-attr 'none';style-src 'self' 'unsafe-inline';" +
    'upgrade-insecure-requests',
  'cross-origin-opener-policy': 'same-origin',
  'cross-origin-resource-policy': 'same-origin',
  'origin-agent-cluster': '?1',
  'referrer-policy': 'no-referrer',
  'strict-transport-security': 'max-age=31536000; includeSubDomains',
  'x-content-type-options': 'nosniff',
  'x-dns-prefetch-control': 'off',
  'x-download-options': 'noopen',
  'x-frame-options': 'SAMEORIGIN',
  'x-permitted-cross-domain-policies': 'none',
  'x-xss-protection': '0',
  // src/common/http/security-headers.hook.ts: answers carry account data, which no cache may keep.
  'cache-control': 'no-store',
};

/** src/users/user-view.ts: fields picked, never spread. */
function toUserView(user) {
  return {
    id: user.id,
    email: user.email,
    username: user.username,
    name: user.name,
    firstname: user.firstname,
    lastname: user.lastname,
    phone_number: user.phone_number,
    image_path: user.image_path,
    role: user.role,
    is_active: user.is_active,
    email_verified: user.email_verified,
    pending_email: user.pending_email,
    locale: user.locale,
    mfa: { totp: user.mfa_totp, passkeys: user.mfa_passkeys },
    created_at: new Date(user.created_at).toISOString(),
    updated_at: new Date(user.updated_at).toISOString(),
  };
}

function send(res, status, type, body, extra) {
  const text = JSON.stringify(body);
  res.writeHead(status, {
    ...SECURITY_HEADERS,
    ...extra,
    'x-request-id': res.requestId,
    'content-type': `${type}; charset=utf-8`,
    'content-length': Buffer.byteLength(text),
  });
  res.end(text);
}

const sendUser = (res, user) => send(res, 200, 'application/json', toUserView(user), { etag: `"${user.version}"` });

const TITLES = { 400: 'Bad Request', 401: 'Unauthorized', 404: 'Not Found', 409: 'Conflict', 412: 'Precondition Failed', 413: 'Payload Too Large', 415: 'Unsupported Media Type', 500: 'Internal Server Error' };

function problem(res, status, code, detail, errors) {
  const slug = code.toLowerCase().replaceAll('_', '-');
  const body = { type: `/problems/${slug}`, title: TITLES[status], status, detail, code };
  if (errors) body.errors = errors;
  send(res, status, 'application/problem+json', body);
}

const unauthorized = (res) => problem(res, 401, 'UNAUTHORIZED', 'A valid access token is required.');

function validationFailed(res, errors) {
  const detail = errors.length === 1 ? errors[0].message : 'The request has invalid fields.';
  problem(res, 400, 'VALIDATION_FAILED', detail, errors);
}

// ------------------------------------------------------------------ routes

async function getProfile(req, res) {
  const caller = rememberedCaller(req.headers.authorization) ?? (await authenticate(req.headers.authorization));
  if (!caller) return unauthorized(res);
  const { rows } = await pool.query(SELECT_USER, [caller.id, caller.sessionId]);
  if (rows.length === 0) return unauthorized(res);
  sendUser(res, rows[0]);
}

async function updateProfile(req, res, raw) {
  const caller = rememberedCaller(req.headers.authorization) ?? (await authenticate(req.headers.authorization));
  if (!caller) return unauthorized(res);
  let body;
  try {
    body = JSON.parse(raw);
  } catch {
    return problem(res, 400, 'MALFORMED_JSON', 'The request body is not valid JSON.');
  }
  const { values, errors } = checkProfile(body ?? {});
  if (errors) return validationFailed(res, errors);
  const versions = acceptedVersions(req.headers['if-match']);
  let rows;
  try {
    ({ rows } = await pool.query(updateStatement(values, caller, versions, { ip: req.socket.remoteAddress, requestId: res.requestId })));
  } catch (error) {
    const conflict = error.code === '23505' && CONFLICTS[error.constraint];
    if (!conflict) throw error;
    return problem(res, 409, ...conflict);
  }
  if (rows.length > 0) return sendUser(res, rows[0]);
  if (versions && (await pool.query(SELECT_USER, [caller.id, caller.sessionId])).rows.length > 0) {
    return problem(res, 412, 'PRECONDITION_FAILED', 'The user changed since the ETag given in If-Match. Read it again and retry.');
  }
  unauthorized(res);
}

/** The body as text, within the limit; undefined once a 413 or 415 has been answered. */
function readBody(req, res) {
  const { 'content-length': size, 'transfer-encoding': encoding, 'content-type': type } = req.headers;
  if (((size !== undefined && size !== '0') || encoding !== undefined) && !JSON_TYPE.test(type ?? '')) {
    problem(res, 415, 'UNSUPPORTED_MEDIA_TYPE', 'The request body must be sent as application/json.');
    return Promise.resolve(undefined);
  }
  if (Number(size) > BODY_LIMIT_BYTES) {
    problem(res, 413, 'PAYLOAD_TOO_LARGE', 'The request body is larger than 100 kB.');
    return Promise.resolve(undefined);
  }
  return new Promise((resolve, reject) => {
    const chunks = [];
    let received = 0;
    req.on('data', (chunk) => {
      received += chunk.length;
      if (received > BODY_LIMIT_BYTES) {
        problem(res, 413, 'PAYLOAD_TOO_LARGE', 'The request body is larger than 100 kB.');
        req.destroy();
        resolve(undefined);
      } else chunks.push(chunk);
    });
    req.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')));
    req.on('error', reject);
  });
}

async function handle(req, res) {
  res.requestId = randomUUID();
  const path = req.url.split('?')[0];
  if (path === '/health/ready') return send(res, 200, 'application/json', { status: 'ok' });
  if (path !== '/users') return problem(res, 404, 'NOT_FOUND', `Cannot ${req.method} ${path}`);
  if (req.method === 'GET') return getProfile(req, res);
  if (req.method === 'PUT') {
    const raw = await readBody(req, res);
    if (raw !== undefined) await updateProfile(req, res, raw || '{}');
    return;
  }
  problem(res, 404, 'NOT_FOUND', `Cannot ${req.method} ${path}`);
}

const server = createServer((req, res) => {
  handle(req, res).catch((error) => {
    console.error(error);
    if (!res.headersSent) problem(res, 500, 'INTERNAL', 'Something went wrong.');
  });
});
// Fastify's keep-alive timeout, which the service's responses announce (keep-alive: timeout=72).
server.keepAliveTimeout = 72_000;
server.listen(Number(PORT), '127.0.0.1', () => console.log(`floor listening on ${PORT}`));

for (const signal of ['SIGTERM', 'SIGINT']) {
  process.once(signal, () => {
    server.close();
    server.closeAllConnections();
    pool.end().finally(() => process.exit(0));
  });
}
