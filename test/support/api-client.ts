import { contractViolation } from './contract';
import { uniqueEmail } from './unique';

export interface ApiResponse<T = any> {
  path: string;
  status: number;
  headers: Headers;
  /** The parsed JSON body, or undefined when there is none or it is not JSON. */
  body: T;
  text: string;
}

export interface RequestOptions {
  token?: string;
  /** Sent as JSON unless it is a string, FormData (multipart) or bytes, which are sent as they are. */
  body?: unknown;
  headers?: Record<string, string>;
}

/** The Authorization header that carries an access token, for requests made without ApiClient's `token`. */
export const bearer = (token: string) => ({ authorization: `Bearer ${token}` });

/**
 * A small HTTP client for the service under test. It keeps every response it saw and every
 * password it sent, so that a suite can check at the end that no response carried a secret.
 */
export class ApiClient {
  readonly seen: ApiResponse[] = [];
  readonly passwordsSent = new Set<string>();
  /** Responses that broke the OpenAPI document (see contract.ts). */
  readonly contractViolations: string[] = [];

  /** Set when the service under test listens. */
  constructor(public baseUrl = '') {}

  async request<T = any>(method: string, path: string, options: RequestOptions = {}) {
    const headers: Record<string, string> = { ...options.headers };
    if (options.token) Object.assign(headers, bearer(options.token));
    let body: string | FormData | Uint8Array | undefined;
    if (options.body instanceof FormData || options.body instanceof Uint8Array) {
      body = options.body;
    } else if (options.body !== undefined) {
      this.recordPasswords(options.body);
      body = typeof options.body === 'string' ? options.body : JSON.stringify(options.body);
      headers['content-type'] ??= 'application/json';
    }
    const response = await fetch(this.baseUrl + path, { method, headers, body: body as BodyInit | undefined });
    const text = await response.text();
    let parsed: T = undefined as T;
    try {
      parsed = JSON.parse(text) as T;
    } catch {
      // not JSON: the text is kept as it is
    }
    const result: ApiResponse<T> = { path, status: response.status, headers: response.headers, body: parsed, text };
    this.seen.push(result);
    const violation = contractViolation(method, path, response.status, response.headers.get('content-type'), parsed, response.headers);
    if (violation) this.contractViolations.push(violation);
    return result;
  }

  private recordPasswords(body: unknown): void {
    if (typeof body !== 'object' || body === null) return;
    for (const [key, value] of Object.entries(body)) {
      // Shorter values could not be anyone's password and would match by accident.
      if (/password/i.test(key) && typeof value === 'string' && value.length >= 8) this.passwordsSent.add(value);
    }
  }

  get = (path: string, options?: RequestOptions) => this.request('GET', path, options);
  post = (path: string, options?: RequestOptions) => this.request('POST', path, options);
  put = (path: string, options?: RequestOptions) => this.request('PUT', path, options);
  delete = (path: string, options?: RequestOptions) => this.request('DELETE', path, options);

  /** Signs a new user up; answers the response body (user and tokens) and the password used. */
  async register(fields: Record<string, unknown> = {}) {
    const password = (fields.password as string) ?? `pw-${Math.random().toString(36).slice(2)}`;
    const email = (fields.email as string) ?? uniqueEmail('user');
    const response = await this.post('/auth/register', {
      body: { name: 'Test User', ...fields, email, password },
    });
    if (response.status !== 201) throw new Error(`register failed: ${response.status} ${response.text}`);
    return { ...response.body, password, token: response.body.access_token as string };
  }

  async login(email: string, password: string): Promise<string> {
    const response = await this.post('/auth/login', { body: { email, password } });
    if (response.status !== 200) throw new Error(`login failed: ${response.status} ${response.text}`);
    return response.body.access_token;
  }

  /** Has the administrator of `adminToken` create another administrator (POST /api/users); answers the new account. */
  async createAdmin(adminToken: string, fields: { email: string; password: string; name: string }) {
    const response = await this.post('/api/users', { token: adminToken, body: { ...fields, role: 'ADMIN' } });
    if (response.status !== 201) throw new Error(`admin create failed: ${response.status} ${response.text}`);
    return response.body;
  }
}
