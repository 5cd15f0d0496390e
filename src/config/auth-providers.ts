/** An OpenID Connect provider: its endpoints and keys come from the issuer's discovery document. */
export interface OidcProviderSettings {
  id: string;
  type: 'oidc';
  /** What a login page shows ("Continue with Google"): `name`, else the id. */
  name: string;
  clientId: string;
  clientSecret: string;
  issuer: string;
  scopes: string[];
}

/** GitHub: OAuth 2 without OpenID Connect; its endpoints are overridable for tests and GitHub Enterprise. */
export interface GitHubProviderSettings {
  id: string;
  type: 'github';
  name: string;
  clientId: string;
  clientSecret: string;
  scopes: string[];
  authorizationUrl: string;
  tokenUrl: string;
  apiUrl: string;
}

export type ProviderSettings = OidcProviderSettings | GitHubProviderSettings;

const ID = /^[a-z0-9][a-z0-9-]{0,31}$/;
const COMMON_KEYS = ['id', 'type', 'name', 'client_id', 'client_secret', 'scopes'];
const KEYS = { oidc: [...COMMON_KEYS, 'issuer'], github: [...COMMON_KEYS, 'authorization_url', 'token_url', 'api_url'] };
const LOOPBACK = new Set(['localhost', '127.0.0.1', '[::1]']);

/**
 * AUTH_PROVIDERS: a JSON list of `{ id, type: "oidc" | "github", client_id, client_secret,
 * issuer (oidc), scopes?, name?, authorization_url?, token_url?, api_url? (github) }`. Throws a
 * message naming the entry and the field at fault; never repeats a secret.
 */
export function parseAuthProviders(text: string | undefined): ProviderSettings[] {
  if (text === undefined || text.trim() === '') return [];
  let entries: unknown;
  try {
    entries = JSON.parse(text);
  } catch {
    throw invalid('must be a JSON list');
  }
  if (!Array.isArray(entries)) throw invalid('must be a JSON list');
  const seen = new Set<string>();
  return entries.map((entry: unknown, index) => {
    const settings = providerSettings(entry, `entry ${index}`);
    if (seen.has(settings.id)) throw invalid(`id "${settings.id}" is used twice`);
    seen.add(settings.id);
    return settings;
  });
}

function providerSettings(entry: unknown, where: string): ProviderSettings {
  if (typeof entry !== 'object' || entry === null || Array.isArray(entry)) throw invalid(`${where} must be an object`);
  const fields = entry as Record<string, unknown>;
  const type = fields.type;
  if (type !== 'oidc' && type !== 'github') throw invalid(`${where}: type must be "oidc" or "github"`);
  const unknown = Object.keys(fields).find((key) => !KEYS[type].includes(key));
  if (unknown) throw invalid(`${where}: unknown field "${unknown}"`);
  const id = fields.id;
  if (typeof id !== 'string' || !ID.test(id)) throw invalid(`${where}: id must be 1 to 32 lower-case letters, digits or dashes`);
  const at = `provider "${id}"`;
  const text = (key: string, fallback?: string): string => {
    const value = fields[key] ?? fallback;
    if (typeof value !== 'string' || value.trim() === '') throw invalid(`${at}: ${key} must be a non-empty string`);
    return value;
  };
  const url = (key: string, fallback?: string): string => {
    const value = text(key, fallback);
    if (!isProviderUrl(value)) throw invalid(`${at}: ${key} must be an https:// URL (http:// only on loopback)`);
    return value.replace(/\/+$/, '');
  };
  const scopes = fields.scopes ?? (type === 'oidc' ? ['openid', 'email', 'profile'] : ['read:user', 'user:email']);
  if (!Array.isArray(scopes) || !scopes.every((scope) => typeof scope === 'string' && /^[\x21\x23-\x5b\x5d-\x7e]+$/.test(scope))) {
    throw invalid(`${at}: scopes must be a list of scope names`);
  }
  if (type === 'oidc' && !scopes.includes('openid')) throw invalid(`${at}: scopes must include "openid"`);
  const common = { id, name: text('name', id), clientId: text('client_id'), clientSecret: text('client_secret'), scopes };
  if (type === 'oidc') return { ...common, type, issuer: url('issuer') };
  return {
    ...common,
    type,
    authorizationUrl: url('authorization_url', 'https://github.com/login/oauth/authorize'),
    tokenUrl: url('token_url', 'https://github.com/login/oauth/access_token'),
    apiUrl: url('api_url', 'https://api.github.com'),
  };
}

/** https://, or http:// to this machine (a provider a test or a developer runs locally). */
export function isProviderUrl(text: string): boolean {
  try {
    const url = new URL(text);
    if (url.username || url.password || url.hash) return false;
    return url.protocol === 'https:' || (url.protocol === 'http:' && LOOPBACK.has(url.hostname));
  } catch {
    return false;
  }
}

function invalid(reason: string): Error {
  return new Error(`Invalid environment: AUTH_PROVIDERS ${reason}`);
}
