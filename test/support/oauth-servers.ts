import { createHash, randomBytes } from 'node:crypto';
import { once } from 'node:events';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { decodeJwt, exportJWK, generateKeyPair, type JWK, SignJWT } from 'jose';
import Provider from 'oidc-provider';
import { freePort } from './free-port';

/** An account of a test provider: what it says of its user. */
export interface ProviderAccount {
  email?: string;
  email_verified?: boolean;
  name?: string;
}

/** Changes the claims of the ID token the provider's token endpoint answers; `key: 'other'` signs it with a key not in its JWKS. */
export type IdTokenTamper = (claims: Record<string, unknown>) => { claims: Record<string, unknown>; key?: 'other' };

async function listen(server: Server): Promise<string> {
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  return `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
}

async function body(request: IncomingMessage): Promise<URLSearchParams> {
  const chunks: Buffer[] = [];
  for await (const chunk of request) chunks.push(chunk as Buffer);
  return new URLSearchParams(Buffer.concat(chunks).toString());
}

/**
 * A real OpenID Connect provider (oidc-provider, the certified server for Node) on a loopback
 * port: one confidential client whose redirect_uri is the service's callback, accounts the test
 * adds, a login page (a form: any account name it knows), consent granted at login. `tamper`
 * rewrites the next ID tokens, re-signed with its own key or another, for the attacks.
 */
export class TestOidcProvider {
  readonly accounts = new Map<string, ProviderAccount>();
  tamper: IdTokenTamper | undefined;
  issuer = '';
  private server: Server | undefined;
  private provider!: Provider;
  private signingKey!: CryptoKey;
  private otherKey!: CryptoKey;
  private kid = 'test-key';

  constructor(
    readonly clientId: string,
    readonly clientSecret: string,
  ) {}

  async start(redirectUri: string): Promise<void> {
    const { privateKey } = await generateKeyPair('RS256', { extractable: true });
    this.signingKey = privateKey as CryptoKey;
    this.otherKey = (await generateKeyPair('RS256')).privateKey as CryptoKey;
    const jwk: JWK = { ...(await exportJWK(privateKey)), kid: this.kid, alg: 'RS256', use: 'sig' };
    // Made once its address is known; requests come only after that.
    this.server = createServer((request, response) => {
      if (request.url?.startsWith('/interaction/')) void this.interaction(this.provider, request, response);
      else this.provider.callback()(request, response);
    });
    this.issuer = await listen(this.server);
    const provider = new Provider(this.issuer, {
      clients: [
        {
          client_id: this.clientId,
          client_secret: this.clientSecret,
          redirect_uris: [redirectUri],
          token_endpoint_auth_method: 'client_secret_post',
        },
      ],
      jwks: { keys: [jwk] },
      cookies: { keys: [randomBytes(16).toString('hex')] },
      claims: { openid: ['sub'], email: ['email', 'email_verified'], profile: ['name'] },
      features: { devInteractions: { enabled: false } },
      interactions: { url: (_context: unknown, interaction: { uid: string }) => `/interaction/${interaction.uid}` },
      pkce: { required: () => true },
      findAccount: (_context: unknown, id: string) => {
        const account = this.accounts.get(id);
        return account && { accountId: id, claims: () => ({ sub: id, ...account }) };
      },
    });
    this.provider = provider;
    provider.use(async (context, next) => {
      await next();
      const tamper = this.tamper;
      const answer = context.body as { id_token?: string } | undefined;
      if (context.path === '/token' && tamper && answer?.id_token) {
        const { claims, key } = tamper(decodeJwt(answer.id_token));
        const signed = await new SignJWT(claims).setProtectedHeader({ alg: 'RS256', kid: this.kid }).sign(key === 'other' ? this.otherKey : this.signingKey);
        context.body = { ...answer, id_token: signed };
      }
    });
  }

  /** The login page: GET shows a form; POST logs the named account in and grants what the client asked. */
  private async interaction(provider: Provider, request: IncomingMessage, response: ServerResponse): Promise<void> {
    try {
      const details = await provider.interactionDetails(request, response);
      if (request.method === 'GET') {
        response.setHeader('content-type', 'text/html');
        response.end(`<!doctype html><title>Test provider</title><form method="post"><input name="login" autofocus><button>Sign in</button></form>`);
        return;
      }
      const accountId = (await body(request)).get('login') ?? '';
      if (!this.accounts.has(accountId)) {
        response.statusCode = 400;
        response.end('unknown account');
        return;
      }
      const grant = new provider.Grant({ accountId, clientId: details.params.client_id as string });
      grant.addOIDCScope(details.params.scope as string);
      const grantId = await grant.save();
      await provider.interactionFinished(request, response, { login: { accountId }, consent: { grantId } }, { mergeWithLastSubmission: false });
    } catch (error) {
      response.statusCode = 500;
      response.end(String(error));
    }
  }

  async stop(): Promise<void> {
    this.server?.closeAllConnections();
    this.server?.close();
  }
}

/** A GitHub user of the fake: its API's /user and its primary address. */
export interface GitHubUser {
  id: number;
  login: string;
  name?: string;
  email: string;
  verified: boolean;
}

/**
 * GitHub's OAuth 2 as a small local server: /login/oauth/authorize sends the browser straight back
 * (the user `nextUser` has already authorized the app), /login/oauth/access_token checks the
 * client, the code, the redirect_uri and the PKCE verifier, and the API answers /user and
 * /user/emails for its tokens.
 */
export class FakeGitHub {
  nextUser: GitHubUser | undefined;
  url = '';
  /** Token requests answered, and those refused. */
  readonly tokenRequests: { ok: boolean }[] = [];
  private readonly codes = new Map<string, { user: GitHubUser; challenge: string; redirectUri: string }>();
  private readonly tokens = new Map<string, GitHubUser>();
  private server: Server | undefined;

  constructor(
    readonly clientId: string,
    readonly clientSecret: string,
  ) {}

  async start(): Promise<void> {
    this.server = createServer((request, response) => void this.handle(request, response));
    this.url = await listen(this.server);
  }

  private async handle(request: IncomingMessage, response: ServerResponse): Promise<void> {
    const url = new URL(request.url ?? '/', this.url);
    const json = (status: number, value: unknown) => {
      response.statusCode = status;
      response.setHeader('content-type', 'application/json');
      response.end(JSON.stringify(value));
    };
    if (url.pathname === '/login/oauth/authorize') {
      const query = url.searchParams;
      if (query.get('client_id') !== this.clientId || query.get('code_challenge_method') !== 'S256' || !this.nextUser) return json(400, { error: 'bad request' });
      const code = randomBytes(10).toString('hex');
      this.codes.set(code, { user: this.nextUser, challenge: query.get('code_challenge') ?? '', redirectUri: query.get('redirect_uri') ?? '' });
      const back = new URL(query.get('redirect_uri') ?? '');
      back.searchParams.set('code', code);
      back.searchParams.set('state', query.get('state') ?? '');
      response.statusCode = 302;
      response.setHeader('location', back.href);
      return void response.end();
    }
    if (url.pathname === '/login/oauth/access_token' && request.method === 'POST') {
      const form = await body(request);
      const grant = this.codes.get(form.get('code') ?? '');
      this.codes.delete(form.get('code') ?? '');
      const verifier = form.get('code_verifier') ?? '';
      const ok =
        grant !== undefined &&
        form.get('client_id') === this.clientId &&
        form.get('client_secret') === this.clientSecret &&
        form.get('redirect_uri') === grant.redirectUri &&
        createHash('sha256').update(verifier).digest('base64url') === grant.challenge;
      this.tokenRequests.push({ ok });
      // GitHub answers its errors with 200 too.
      if (!ok) return json(200, { error: 'bad_verification_code' });
      const token = `gho_${randomBytes(16).toString('hex')}`;
      this.tokens.set(token, grant.user);
      return json(200, { access_token: token, token_type: 'bearer', scope: 'read:user,user:email' });
    }
    const user = this.tokens.get((request.headers.authorization ?? '').replace(/^Bearer /i, ''));
    if (!user) return json(401, { message: 'Bad credentials' });
    if (url.pathname === '/user') return json(200, { id: user.id, login: user.login, name: user.name ?? null });
    if (url.pathname === '/user/emails') return json(200, [{ email: user.email, primary: true, verified: user.verified, visibility: 'private' }]);
    json(404, { message: 'Not Found' });
  }

  async stop(): Promise<void> {
    this.server?.closeAllConnections();
    this.server?.close();
  }
}

/** Cookies by name, as a browser keeps them for one host (paths and expiry aside: a test's few requests). */
export class CookieJar {
  private readonly cookies = new Map<string, string>();

  take(response: Response): void {
    for (const line of response.headers.getSetCookie()) {
      const [pair] = line.split(';');
      const at = pair.indexOf('=');
      this.cookies.set(pair.slice(0, at).trim(), pair.slice(at + 1).trim());
    }
  }

  header(): string {
    return [...this.cookies].map(([name, value]) => `${name}=${value}`).join('; ');
  }

  get(name: string): string | undefined {
    return this.cookies.get(name);
  }
}

/** A GET without following redirects, sending and keeping `jar`'s cookies. */
export async function visit(url: string, jar: CookieJar, init: RequestInit = {}): Promise<Response> {
  const response = await fetch(url, { ...init, redirect: 'manual', headers: { ...(init.headers as Record<string, string>), cookie: jar.header() } });
  jar.take(response);
  return response;
}

/** Where a redirect goes, resolved against the address that answered it. */
export function location(response: Response, from: string): string {
  const target = response.headers.get('location');
  if (!target) throw new Error(`no redirect from ${from}: ${response.status}`);
  return new URL(target, from).href;
}

/** The two providers every provider suite signs in with, and the service's port that their redirect_uri names. */
export interface TestProviders {
  idp: TestOidcProvider;
  github: FakeGitHub;
  /** The port the service must listen on (PORT), known before it starts. */
  port(): number;
  /** The service's environment for them: PORT, PUBLIC_URL, AUTH_PROVIDERS. */
  env(): Record<string, string>;
}

/** For a describe block: the test OpenID Connect provider ("idp") and the fake GitHub ("github"), started before useApp() so that it can name them. */
export function useTestProviders(): TestProviders {
  const idp = new TestOidcProvider('accounts-service', 'idp-client-secret-0123456789');
  const github = new FakeGitHub('github-client', 'github-client-secret-0123456789');
  let port = 0;
  beforeAll(async () => {
    port = await freePort();
    await idp.start(`http://127.0.0.1:${port}/auth/oauth/idp/callback`);
    await github.start();
  });
  afterAll(async () => {
    await idp.stop();
    await github.stop();
  });
  return {
    idp,
    github,
    port: () => port,
    env: () => ({
      PORT: String(port),
      PUBLIC_URL: `http://127.0.0.1:${port}`,
      AUTH_PROVIDERS: JSON.stringify([
        { id: 'idp', type: 'oidc', name: 'Test IdP', client_id: idp.clientId, client_secret: idp.clientSecret, issuer: idp.issuer },
        {
          id: 'github',
          type: 'github',
          name: 'GitHub',
          client_id: github.clientId,
          client_secret: github.clientSecret,
          authorization_url: `${github.url}/login/oauth/authorize`,
          token_url: `${github.url}/login/oauth/access_token`,
          api_url: github.url,
        },
      ]),
    }),
  };
}

/** From a provider's authorization address to the service at `serviceUrl` (its callback): the test provider's login form when it shows one. */
export async function throughProvider(url: string, jar: CookieJar, account: string, serviceUrl: string): Promise<string> {
  for (let hop = 0; hop < 10; hop++) {
    if (url.startsWith(serviceUrl)) return url;
    let response = await visit(url, jar);
    if (url.includes('/interaction/') && response.status === 200) {
      response = await visit(url, jar, { method: 'POST', body: new URLSearchParams({ login: account }), headers: { 'content-type': 'application/x-www-form-urlencoded' } });
    }
    url = location(response, url);
  }
  throw new Error('the provider never returned');
}
