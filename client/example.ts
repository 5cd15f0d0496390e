/**
 * A small typed client over fetch for frontend teams, built only on the types that
 * `npm run client` generates from openapi.json into client/api.d.ts. It needs no runtime
 * package: copy it, or generate api.d.ts in your own project with openapi-typescript.
 *
 *   const api = createClient('http://localhost:3000');
 *   const { access_token, user } = await api.register({ email, password, name });
 *   const updated = await api.updateProfile(access_token, { name: 'Jane Q. Doe' });
 *
 * Every error answer is application/problem+json: it is thrown as an ApiError whose `problem`
 * carries the stable `code` (EMAIL_TAKEN, VALIDATION_FAILED, ...).
 */
import type { components, paths } from './api';

export type RegisterBody = paths['/auth/register']['post']['requestBody']['content']['application/json'];
export type RegisterResult = paths['/auth/register']['post']['responses']['201']['content']['application/json'];
export type LoginBody = paths['/auth/login']['post']['requestBody']['content']['application/json'];
/** A login's answer: the token pair, or, for an account with a second factor, `mfa_required` and an `mfa_token`. */
export type LoginResult = paths['/auth/login']['post']['responses']['200']['content']['application/json'];
export type MfaVerifyBody = paths['/auth/mfa/verify']['post']['requestBody']['content']['application/json'];
export type Tokens = paths['/auth/mfa/verify']['post']['responses']['200']['content']['application/json'];
export type ProfileChanges = paths['/users']['put']['requestBody']['content']['application/json'];
export type User = paths['/users']['put']['responses']['200']['content']['application/json'];
/** An open session, as the list of one's devices shows it. */
export type Session = paths['/users/sessions']['get']['responses']['200']['content']['application/json'][number];
/** The one part of a picture upload, by name ("file"); its value is the picture, a Blob or File. */
export type AvatarPart = keyof paths['/users/avatar']['put']['requestBody']['content']['multipart/form-data'];
export type Problem = components['schemas']['ProblemDetailsDto'];
export type Provider = paths['/auth/providers']['get']['responses']['200']['content']['application/json'][number];
/** A provider return's exchange: tokens, `mfa_required`, or (a linking) the identity linked. */
export type ExchangeResult = paths['/auth/oauth/exchange']['post']['responses']['200']['content']['application/json'];
export type Identity = paths['/users/identities']['get']['responses']['200']['content']['application/json'][number];

/** A non-2xx answer; `problem` is its problem+json body when it had one. */
export class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly problem: Problem | undefined,
  ) {
    super(problem ? `${status} ${problem.code}: ${problem.detail}` : `HTTP ${status}`);
    this.name = 'ApiError';
  }
}

interface Call {
  method: 'GET' | 'POST' | 'PUT' | 'DELETE';
  /** A path of the document; one with its parameter filled in for a session's. */
  path: keyof paths | `/users/sessions/${string}` | `/users/identities/${string}`;
  body: unknown;
  token?: string;
  headers?: Record<string, string>;
}

export interface Client {
  /** POST /auth/register: the new user and its tokens (201). */
  register(body: RegisterBody): Promise<RegisterResult>;
  /** POST /auth/login with email or username, and password: tokens, or `mfa_required` (200). */
  login(body: LoginBody): Promise<LoginResult>;
  /** POST /auth/mfa/verify: the login's mfa_token with a code of the app or a recovery code; tokens (200). */
  verifyMfa(body: MfaVerifyBody): Promise<Tokens>;
  /** PUT /users: changes only the fields sent; `ifMatch` is the ETag last read (412 when stale). */
  updateProfile(token: string, changes: ProfileChanges, ifMatch?: string): Promise<User>;
  /** PUT /users/avatar: the picture (JPEG, PNG, WebP or GIF); the user, whose image_path shows it. */
  uploadAvatar(token: string, picture: Blob): Promise<User>;
  /** GET /users/sessions: where you are signed in, the current session marked. */
  sessions(token: string): Promise<Session[]>;
  /** DELETE /users/sessions/{id}: signs that device out at once (204). */
  endSession(token: string, id: Session['id']): Promise<void>;
  /** GET /auth/providers: the sign-in buttons to show; each is a navigation to GET /auth/oauth/{id}. */
  providers(): Promise<Provider[]>;
  /** POST /auth/oauth/exchange: the return's ?code=; with the token of the account that began a linking. */
  exchangeProviderCode(code: string, token?: string): Promise<ExchangeResult>;
  /** POST /users/identities/{id}: where to send the browser to link that provider (a login within 10 minutes, or the password). */
  linkProvider(token: string, provider: Provider['id'], redirectTo?: string): Promise<string>;
  /** GET /users/identities: the providers linked to the account. */
  identities(token: string): Promise<Identity[]>;
}

export function createClient(baseUrl: string, fetchImpl: typeof fetch = fetch): Client {
  async function call<T>({ method, path, body, token, headers = {} }: Call): Promise<T> {
    // A FormData body is sent as multipart/form-data, with the boundary fetch chooses; no body,
    // no content type (an empty JSON body is refused).
    const form = body instanceof FormData;
    const json = body !== undefined && !form;
    const response = await fetchImpl(baseUrl + path, {
      method,
      headers: {
        accept: 'application/json',
        ...(json ? { 'content-type': 'application/json' } : {}),
        ...(token ? { authorization: `Bearer ${token}` } : {}),
        ...headers,
      },
      body: form ? body : json ? JSON.stringify(body) : null,
    });
    const text = await response.text();
    const parsed: unknown = text ? JSON.parse(text) : undefined;
    if (!response.ok) throw new ApiError(response.status, parsed as Problem | undefined);
    return parsed as T;
  }

  return {
    register: (body) => call<RegisterResult>({ method: 'POST', path: '/auth/register', body }),
    login: (body) => call<LoginResult>({ method: 'POST', path: '/auth/login', body }),
    verifyMfa: (body) => call<Tokens>({ method: 'POST', path: '/auth/mfa/verify', body }),
    updateProfile: (token, changes, ifMatch) =>
      call<User>({
        method: 'PUT',
        path: '/users',
        body: changes,
        token,
        headers: ifMatch ? { 'if-match': ifMatch } : {},
      }),
    sessions: (token) => call<Session[]>({ method: 'GET', path: '/users/sessions', body: undefined, token }),
    endSession: (token, id) =>
      call<void>({ method: 'DELETE', path: `/users/sessions/${encodeURIComponent(id)}`, body: undefined, token }),
    providers: () => call<Provider[]>({ method: 'GET', path: '/auth/providers', body: undefined }),
    exchangeProviderCode: (code, token) => call<ExchangeResult>({ method: 'POST', path: '/auth/oauth/exchange', body: { code }, ...(token ? { token } : {}) }),
    linkProvider: async (token, provider, redirectTo) => {
      const body = redirectTo === undefined ? {} : { redirect_to: redirectTo };
      const path = `/users/identities/${encodeURIComponent(provider)}` as const;
      return (await call<{ authorization_url: string }>({ method: 'POST', path, body, token })).authorization_url;
    },
    identities: (token) => call<Identity[]>({ method: 'GET', path: '/users/identities', body: undefined, token }),
    uploadAvatar: (token, picture) => {
      const part: AvatarPart = 'file';
      const body = new FormData();
      body.append(part, picture);
      return call<User>({ method: 'PUT', path: '/users/avatar', body, token });
    },
  };
}

/**
 * Never called: calls that break the contract, each of which must fail to type-check
 * (test/client/client-types.e2e-spec.ts proves both that this file compiles and that every
 * line below is an error without its directive).
 */
export async function _callsThatDoNotTypeCheck(api: Client): Promise<void> {
  const token = 'a token';
  // @ts-expect-error the role is an administrator's business: not in PUT /users
  await api.updateProfile(token, { role: 'ADMIN' });
  // @ts-expect-error a name is a string
  await api.updateProfile(token, { name: 42 });
  // @ts-expect-error sign-up needs a password
  await api.register({ email: 'jane.doe@example.com', name: 'Jane Doe' });
  // @ts-expect-error sign-up needs an email
  await api.register({ password: 'correct-horse-battery', name: 'Jane Doe' });
  // @ts-expect-error login needs a password
  await api.login({ email: 'jane.doe@example.com' });

  const user = await api.updateProfile(token, { name: 'Jane Doe' });
  // @ts-expect-error the password hash is never in a user
  void user.password_hash;
  // @ts-expect-error an id is a number
  const id: string = user.id;
  void id;
  const login = await api.login({ email: 'jane.doe@example.com', password: 'correct-horse-battery' });
  // @ts-expect-error a login may answer mfa_required instead of tokens: tell them apart first
  void login.access_token;
  // @ts-expect-error login answers tokens only, not the user
  if (!('mfa_required' in login)) void login.user;
  // @ts-expect-error the second step needs the login's mfa_token
  await api.verifyMfa({ code: '123456' });
  const exchanged = await api.exchangeProviderCode('a code');
  // @ts-expect-error an exchange may answer mfa_required or a linked identity: tell them apart first
  void exchanged.access_token;
  // @ts-expect-error a linked identity's provider account is named by its provider, not a number
  const linkedProvider: number = (await api.identities(token))[0]!.provider;
  void linkedProvider;
  // @ts-expect-error a picture is a Blob, not a path
  await api.uploadAvatar(token, '/images/me.jpg');
  const [session] = await api.sessions(token);
  // @ts-expect-error a session's device is a label, not a number
  const device: number | undefined = session?.device;
  void device;
}
