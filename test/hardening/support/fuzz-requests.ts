import { decode, withPayload } from './attack-tokens';
import type { Auth, Body, EmailStyle, IfMatch, Json, Ref, RequestSpec, Who } from './fuzz-arbitraries';

/** An account the fuzzer holds a session of. */
export interface Identity {
  id: number;
  email: string;
  username: string;
  password: string;
  token: string;
  refresh: string;
}

/** The accounts one request of a batch may touch: its own user and admin, and no one else's. */
export interface Slot {
  user: Identity;
  admin: Identity;
}

/** A users row as read through the DataSource, every column as text. */
export type Row = Record<string, string | null>;

export interface Context {
  slot: Slot;
  /** Another slot's user, for conflicts. */
  other: Identity;
  /** The account that alias path ids name, which no request may change. */
  decoy: number;
  /** The rows of the slot's accounts as they were before the batch. */
  rows: Map<number, Row>;
  /** A per-run tag that keeps fresh emails, usernames and passwords unique and recognisable. */
  tag: string;
  next(): number;
}

export interface Wire {
  method: string;
  path: string;
  headers: Record<string, string>;
  body?: Buffer;
  /** Every password the request carried, to be looked for in every answer. */
  passwords: string[];
  /** Whose token it carried, whatever its form. */
  tokenOf?: 'user' | 'admin';
  /** The slot account a path id names. */
  pathTarget?: 'user' | 'admin';
  /** The slot accounts whose refresh tokens it sent. */
  refreshOf: Set<'user' | 'admin'>;
  /** The path id is another spelling of the decoy's id. */
  alias?: boolean;
}

const utf8 = (text: string) => Buffer.from(text, 'utf8');

/** At most `bytes` bytes of UTF-8, cut between code points. */
function cutToBytes(text: string, bytes: number): string {
  let out = '';
  for (const point of text) {
    if (Buffer.byteLength(out + point) > bytes) break;
    out += point;
  }
  return out;
}

export function materialize(spec: RequestSpec, ctx: Context): Wire {
  const passwords: string[] = [];
  const refreshOf = new Set<'user' | 'admin'>();
  const tokenOf = spec.auth.kind === 'token' ? spec.auth.who : undefined;
  const pathTarget = spec.id?.kind === 'slot' ? spec.id.who : undefined;
  const identity = (who: Who): Identity => {
    switch (who) {
      case 'self':
        return ctx.slot[tokenOf ?? 'user'];
      case 'target':
        return ctx.slot[pathTarget ?? tokenOf ?? 'user'];
      case 'other':
        return ctx.other;
      default:
        return ctx.slot[who];
    }
  };
  const whoIs = (who: Who): 'user' | 'admin' | undefined => {
    const found = identity(who);
    return found === ctx.slot.user ? 'user' : found === ctx.slot.admin ? 'admin' : undefined;
  };

  const resolve = (ref: Ref): string => {
    switch (ref.kind) {
      case 'email':
        return spell(identity(ref.who).email, ref.style);
      case 'username': {
        const { username } = identity(ref.who);
        return ref.style === 'upper' ? username.toUpperCase() : username;
      }
      case 'password': {
        const { password } = identity(ref.who);
        passwords.push(password);
        return password;
      }
      case 'refresh': {
        const who = whoIs(ref.who);
        if (who) refreshOf.add(who);
        return identity(ref.who).refresh;
      }
      case 'fresh-email': {
        const email = `fz-${ctx.tag}-${ctx.next()}@example.com`;
        return ref.style === 'idn' ? email.replace(/@example\.com$/, '@bücher.example') : spell(email, ref.style);
      }
      case 'fresh-username':
        return `fz_${ctx.tag}_${ctx.next()}`;
      case 'fresh-password': {
        const password = `${cutToBytes(ref.prefix, 40)}~pw-${ctx.tag}-${ctx.next()}`;
        passwords.push(password);
        return password;
      }
    }
  };

  const text = (value: Json): string => {
    if (value === null || typeof value !== 'object') return JSON.stringify(value) ?? 'null';
    switch (value.kind) {
      case 'array':
        return `[${value.items.map(text).join(',')}]`;
      case 'object':
        return `{${value.entries.map(([key, item]) => `${JSON.stringify(key)}:${text(item)}`).join(',')}}`;
      case 'literal':
        return value.text;
      case 'poison': {
        const inner = value.value;
        const plain = typeof inner === 'string' ? inner : inner !== null && typeof inner === 'object' && isRef(inner) ? resolve(inner) : undefined;
        if (plain === undefined) return text(inner);
        const at = Math.floor(plain.length * value.at);
        return JSON.stringify(plain.slice(0, at) + value.char + plain.slice(at));
      }
      default:
        return JSON.stringify(resolve(value));
    }
  };

  const body = spec.body === undefined ? undefined : encodeBody(spec.body, text);
  const headers: Record<string, string> = {};
  for (const [name, value] of spec.headers ?? []) headers[name] = value;
  const authorization = authHeader(spec.auth, ctx);
  if (authorization !== undefined) headers.authorization = authorization;
  if (body !== undefined && spec.contentType !== null) headers['content-type'] = spec.contentType;
  if (spec.ifMatch !== undefined) {
    const row = ctx.rows.get(identity('target').id);
    headers['if-match'] = ifMatchHeader(spec.ifMatch, Number(row?.version ?? 1));
  }
  let path = spec.path;
  if (spec.id?.kind === 'slot') path += String(ctx.slot[spec.id.who].id);
  if (spec.id?.kind === 'raw') path += spec.id.text;
  if (spec.id?.kind === 'alias') {
    const { decoy } = ctx;
    path += spec.id.form
      .replace('{d}', String(decoy))
      .replace('{x}', decoy.toString(16))
      .replace('{b}', decoy.toString(2))
      .replace('{o}', decoy.toString(8));
  }
  if (spec.query !== undefined) path += `?${spec.query}`;
  return { method: spec.method, path, headers, body, passwords, tokenOf, pathTarget, refreshOf, alias: spec.id?.kind === 'alias' };
}

/** An email as a client may spell it; each form is stored as the plain one. */
function spell(email: string, style: EmailStyle): string {
  switch (style) {
    case 'plain':
      return email;
    case 'upper':
      return email.toUpperCase();
    case 'padded':
      return ` ${email}\t `;
    case 'fullwidth':
      // NFKC folds U+FF01..U+FF5E back to ASCII.
      return email.replace(/[!-~]/g, (char) => String.fromCharCode(char.charCodeAt(0) + 0xfee0));
  }
}

const REF_KINDS = new Set<string>(['email', 'username', 'password', 'refresh', 'fresh-email', 'fresh-username', 'fresh-password']);
const isRef = (value: { kind: string }): value is Ref => REF_KINDS.has(value.kind);

function encodeBody(body: Body, text: (value: Json) => string): Buffer {
  switch (body.kind) {
    case 'json':
      return utf8((body.prefix ?? '') + text(body.value) + (body.suffix ?? ''));
    case 'truncated': {
      const whole = text(body.value);
      return utf8(whole.slice(0, Math.floor(whole.length * body.fraction)));
    }
    case 'trailing-comma': {
      const whole = text(body.value);
      const last = Math.max(whole.lastIndexOf('}'), whole.lastIndexOf(']'));
      return utf8(last < 0 ? `${whole},` : `${whole.slice(0, last)},${whole.slice(last)}`);
    }
    case 'bad-utf8': {
      const whole = text(body.value);
      const inString = whole.indexOf('":"');
      const at = inString >= 0 ? inString + 3 : whole.length;
      return Buffer.concat([utf8(whole.slice(0, at)), Buffer.from(body.bytes), utf8(whole.slice(at))]);
    }
    case 'utf16':
      return Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from(text(body.value), 'utf16le')]);
    case 'text':
      return utf8(body.text);
    case 'bytes':
      return Buffer.from(body.bytes);
  }
}

function authHeader(auth: Auth, ctx: Context): string | undefined {
  if (auth.kind === 'none') return undefined;
  if (auth.kind === 'raw') return auth.value;
  const token = ctx.slot[auth.who].token;
  switch (auth.form) {
    case 'exact':
      return `Bearer ${token}`;
    case 'lower-scheme':
      return `bearer ${token}`;
    case 'double-space':
      return `Bearer  ${token}`;
    case 'append-x':
      return `Bearer ${token}x`;
    case 'truncate':
      return `Bearer ${token.slice(0, -1)}`;
    case 'no-scheme':
      return token;
    case 'other-sub':
      // The payload of another account's token under this token's signature.
      return `Bearer ${withPayload(token, { ...decode(token).payload, sub: String(ctx.other.id) })}`;
  }
}

function ifMatchHeader(ifMatch: IfMatch, version: number): string {
  if (typeof ifMatch === 'object') return ifMatch.raw;
  switch (ifMatch) {
    case 'current':
      return `"${version}"`;
    case 'stale':
      return `"${version - 1}"`;
    case 'listed':
      return `"${version + 7}", "${version}"`;
    case 'weak':
      return `W/"${version}"`;
  }
}

/** The request as a reproduction: method, path, headers and the exact body bytes. */
export function describeWire(wire: Wire, limit = 600): string {
  const lines = [`${wire.method} ${wire.path.length > limit ? `${wire.path.slice(0, limit)}… (${wire.path.length} chars)` : wire.path}`];
  for (const [name, value] of Object.entries(wire.headers)) {
    lines.push(`${name}: ${value.length > 200 ? `${value.slice(0, 200)}… (${value.length} chars)` : value}`);
  }
  if (wire.body !== undefined) {
    const valid = Buffer.from(wire.body.toString('utf8'), 'utf8').equals(wire.body);
    const shown = wire.body.subarray(0, limit);
    const more = wire.body.length > limit ? ` … (${wire.body.length} bytes in all)` : '';
    lines.push(
      valid
        ? `body (UTF-8, as a JS string literal): ${JSON.stringify(shown.toString('utf8'))}${more}`
        : `body (hex, not valid UTF-8): ${shown.toString('hex')}${more}`,
    );
  }
  return lines.join('\n    ');
}

/** What in a request is likely to have caused a 5xx: a first guess for the report, no more. */
export function suspect(wire: Wire): string {
  const body = wire.body?.toString('utf8') ?? '';
  let depth = 0;
  let deepest = 0;
  let inString = false;
  for (let i = 0; i < body.length; i++) {
    const char = body[i];
    if (inString) {
      if (char === '\\') i++;
      else if (char === '"') inString = false;
    } else if (char === '"') inString = true;
    else if (char === '[' || char === '{') deepest = Math.max(deepest, ++depth);
    else if (char === ']' || char === '}') depth--;
  }
  const guesses: string[] = [];
  if (deepest > 500) guesses.push(`nesting ${deepest} deep`);
  if (/\\u[dD][89abAB][0-9a-fA-F]{2}(?!\\u[dD][c-fC-F])|(?<!\\u[dD][89abAB][0-9a-fA-F]{2})\\u[dD][c-fC-F][0-9a-fA-F]{2}/.test(body)) guesses.push('a lone surrogate');
  if (body.includes('\\u0000') || body.includes('\u0000') || wire.path.includes('%00')) guesses.push('a NUL character');
  return guesses.length > 0 ? guesses.join(', ') : 'nothing in the request itself (a concurrent request of its batch?)';
}
