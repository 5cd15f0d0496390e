import { performance } from 'node:perf_hooks';
import { setTimeout as sleep } from 'node:timers/promises';
import { bearer } from '../../support/api-client';

/** A user that one sequential writer renames again and again. */
export interface LoadUser {
  id: number;
  email: string;
  token: string;
}

/** A row of `users` as the verification reads it from the database. */
export interface UserRow {
  id: number;
  email: string;
  name: string;
  version: number;
  deleted_at: Date | string | null;
  /** Whether the user has a session (every sign-up opens one). */
  has_session?: boolean;
}

/** How one request ended: an HTTP status, or the network error / timeout that came instead. */
export type Outcome = number | `net:${string}` | 'timeout';

export interface RequestRecord {
  kind: 'register' | 'update';
  /** The phase of the load when the request was sent and when it ended. */
  sentIn: string;
  endedIn: string;
  outcome: Outcome;
  ms: number;
  /** For a non-2xx HTTP answer: its content type and problem code. */
  contentType?: string | null;
  code?: string;
}

interface UpdaterState {
  user: LoadUser;
  label: string;
  /** The counter of the last PUT sent (whatever became of it). */
  lastAttempted: number;
  /** The counter and ETag version of the last PUT answered 2xx. */
  lastAcked: number;
  ackedVersion: number;
}

interface Registration {
  email: string;
  name: string;
  id?: number;
}

export interface LoadOptions {
  /** Concurrent writers that sign new users up, one request at a time each. */
  registrationWriters: number;
  /** Prefix of every email this load registers (lower case, short: usernames come from it). */
  emailPrefix: string;
  /** When a request counts as hung. */
  requestTimeoutMs?: number;
  /** Pause after a failed request, so that a dead service is not spun on. */
  pauseAfterFailureMs?: number;
}

const PASSWORD = 'load-password-1';
const NAME_PATTERN = /^(.*) #(\d+)$/;

/** An undici `fetch failed` names its reason in `cause`. */
function networkOutcome(error: unknown): Outcome {
  const { name, cause } = error as { name?: string; cause?: { code?: string; name?: string; message?: string } };
  if (name === 'TimeoutError' || name === 'AbortError') return 'timeout';
  const reason = cause?.code ?? cause?.name ?? (error as Error).message;
  return `net:${reason}`;
}

/** A 2xx: the service says the write was done (and so must keep it). */
export const isAck = (outcome: Outcome) => typeof outcome === 'number' && outcome >= 200 && outcome < 300;

/**
 * A steady write load on the service: registrations (POST /auth/register) and profile updates
 * (PUT /users, one sequential writer per user, the name carrying a counter). It records every
 * request and what each acknowledged one wrote, so that the database can be checked afterwards
 * for every write that got a 2xx.
 */
export class WriteLoad {
  /** Named by the test as the scenario goes (`before`, `down`, `after`, ...). */
  phase = 'before';
  readonly records: RequestRecord[] = [];
  readonly anomalies: string[] = [];
  private readonly updaters: UpdaterState[];
  /** Acknowledged registrations, and those whose answer never came or was not 2xx. */
  readonly registered: Registration[] = [];
  readonly unacknowledged: Array<Registration & { outcome: Outcome }> = [];
  private running = false;
  private writers: Promise<void>[] = [];
  private readonly timeoutMs: number;
  private readonly pauseMs: number;

  constructor(
    private readonly baseUrl: string,
    users: LoadUser[],
    private readonly options: LoadOptions,
  ) {
    this.updaters = users.map((user, index) => ({
      user,
      label: `Updater ${index}`,
      lastAttempted: 0,
      lastAcked: 0,
      ackedVersion: 0,
    }));
    this.timeoutMs = options.requestTimeoutMs ?? 10_000;
    this.pauseMs = options.pauseAfterFailureMs ?? 25;
  }

  /** Signs `count` users up for the updaters (before the load starts; every one must succeed). */
  static async prepareUsers(baseUrl: string, count: number, prefix: string): Promise<LoadUser[]> {
    return Promise.all(
      Array.from({ length: count }, async (_, index) => {
        const email = `${prefix}-u${index}@example.com`;
        const response = await fetch(`${baseUrl}/auth/register`, {
          method: 'POST',
          headers: { 'content-type': 'application/json' },
          body: JSON.stringify({ email, password: PASSWORD, name: `Updater ${index} #0` }),
        });
        const body = (await response.json()) as { user: { id: number }; access_token: string };
        if (response.status !== 201) throw new Error(`preparing ${email}: ${response.status} ${JSON.stringify(body)}`);
        return { id: body.user.id, email, token: body.access_token };
      }),
    );
  }

  start(): void {
    this.running = true;
    this.writers = [
      ...this.updaters.map((state) => this.updateLoop(state)),
      ...Array.from({ length: this.options.registrationWriters }, (_, writer) => this.registerLoop(writer)),
    ];
  }

  /** Stops sending and waits until every writer's last request has ended. */
  async stop(): Promise<void> {
    this.running = false;
    await Promise.all(this.writers);
  }

  /** Resolves once every kind of writer had a 2xx sent in `phase`, or rejects after `withinMs`. */
  async waitForAcks(phase: string, withinMs: number): Promise<number> {
    const started = performance.now();
    for (;;) {
      const acked = (kind: RequestRecord['kind']) =>
        this.records.some((record) => record.kind === kind && record.sentIn === phase && isAck(record.outcome));
      if (acked('update') && (this.options.registrationWriters === 0 || acked('register'))) {
        return performance.now() - started;
      }
      if (performance.now() - started > withinMs) {
        throw new Error(`no acknowledged write of every kind in phase "${phase}" within ${withinMs} ms: ${this.summary()}`);
      }
      await sleep(50);
    }
  }

  private async send(kind: RequestRecord['kind'], method: string, path: string, body: unknown, token?: string) {
    const sentIn = this.phase;
    const started = performance.now();
    let outcome: Outcome;
    let json: any;
    let etag: string | null = null;
    const record: RequestRecord = { kind, sentIn, endedIn: sentIn, outcome: 0, ms: 0 };
    try {
      const response = await fetch(this.baseUrl + path, {
        method,
        headers: { 'content-type': 'application/json', ...(token ? bearer(token) : {}) },
        body: JSON.stringify(body),
        signal: AbortSignal.timeout(this.timeoutMs),
      });
      const text = await response.text();
      outcome = response.status;
      etag = response.headers.get('etag');
      try {
        json = JSON.parse(text);
      } catch {
        json = undefined;
      }
      if (!isAck(outcome)) {
        record.contentType = response.headers.get('content-type');
        record.code = json?.code;
      }
    } catch (error) {
      outcome = networkOutcome(error);
    }
    record.outcome = outcome;
    record.ms = performance.now() - started;
    record.endedIn = this.phase;
    this.records.push(record);
    return { outcome, json, etag };
  }

  private async pauseIfFailed(outcome: Outcome): Promise<void> {
    if (!isAck(outcome)) await sleep(this.pauseMs);
  }

  private async updateLoop(state: UpdaterState): Promise<void> {
    while (this.running) {
      const counter = ++state.lastAttempted;
      const name = `${state.label} #${counter}`;
      const { outcome, json, etag } = await this.send('update', 'PUT', '/users', { name }, state.user.token);
      if (isAck(outcome)) {
        if (json?.id !== state.user.id || json?.name !== name) {
          this.anomalies.push(`PUT /users "${name}" answered ${outcome} with ${JSON.stringify(json)}`);
        }
        state.lastAcked = counter;
        state.ackedVersion = Number(/^"(\d+)"$/.exec(etag ?? '')?.[1] ?? 0);
      }
      await this.pauseIfFailed(outcome);
    }
  }

  private async registerLoop(writer: number): Promise<void> {
    for (let n = 1; this.running; n++) {
      const registration: Registration = { email: `${this.options.emailPrefix}-r${writer}n${n}@example.com`, name: `Registrant ${writer}-${n}` };
      const { outcome, json } = await this.send('register', 'POST', '/auth/register', {
        email: registration.email,
        password: PASSWORD,
        name: registration.name,
      });
      if (isAck(outcome)) {
        if (json?.user?.email !== registration.email || json?.user?.name !== registration.name) {
          this.anomalies.push(`POST /auth/register ${registration.email} answered ${outcome} with ${JSON.stringify(json)}`);
        }
        this.registered.push({ ...registration, id: json?.user?.id });
      } else {
        this.unacknowledged.push({ ...registration, outcome });
      }
      await this.pauseIfFailed(outcome);
    }
  }

  /** Requests by outcome, e.g. `{ 200: 812, 201: 390, 503: 41, "net:ECONNREFUSED": 96 }`. */
  outcomes(filter: (record: RequestRecord) => boolean = () => true): Record<string, number> {
    const counts: Record<string, number> = {};
    for (const record of this.records.filter(filter)) counts[record.outcome] = (counts[record.outcome] ?? 0) + 1;
    return counts;
  }

  get acknowledgedUpdates(): number {
    return this.records.filter((record) => record.kind === 'update' && isAck(record.outcome)).length;
  }

  summary(): string {
    return JSON.stringify({
      acknowledged: { registrations: this.registered.length, updates: this.acknowledgedUpdates },
      outcomes: this.outcomes(),
    });
  }

  /**
   * Every acknowledged write against the rows of the database; answers what is missing or wrong
   * (empty when nothing acknowledged was lost) and how many unacknowledged registrations were
   * applied anyway (allowed: their answer was lost or failed, not their write necessarily).
   */
  verify(rows: UserRow[]): {
    problems: string[];
    unacknowledgedApplied: Array<{ email: string; outcome: Outcome; hasSession?: boolean }>;
  } {
    const problems = [...this.anomalies];
    const byEmail = new Map<string, UserRow>();
    for (const row of rows) {
      if (row.deleted_at !== null) continue;
      if (byEmail.has(row.email)) problems.push(`two live rows for ${row.email}`);
      byEmail.set(row.email, row);
    }
    for (const { email, name, id } of this.registered) {
      const row = byEmail.get(email);
      if (!row) problems.push(`acknowledged registration of ${email} (id ${id}) is not in the database`);
      else if (Number(row.id) !== id || row.name !== name) {
        problems.push(`acknowledged registration of ${email} reads ${JSON.stringify(row)}, expected id ${id}, name "${name}"`);
      }
    }
    for (const { user, label, lastAcked, lastAttempted, ackedVersion } of this.updaters) {
      const row = byEmail.get(user.email);
      if (!row) {
        problems.push(`user ${user.email} (id ${user.id}) is not in the database`);
        continue;
      }
      const [, rowLabel, counter] = NAME_PATTERN.exec(row.name) ?? [];
      const stored = Number(counter);
      // Sequential writes of one writer: the stored name is the last acknowledged one, or one
      // sent after it whose answer was lost; never an older one, never one not sent.
      if (rowLabel !== label || !(stored >= lastAcked && stored <= lastAttempted)) {
        problems.push(
          `${user.email} has name "${row.name}": expected "${label} #n" with ${lastAcked} <= n <= ${lastAttempted} (last acknowledged ${lastAcked})`,
        );
      }
      if (Number(row.version) < ackedVersion) {
        problems.push(`${user.email} has version ${row.version}, below the acknowledged ETag "${ackedVersion}"`);
      }
    }
    const unacknowledgedApplied = this.unacknowledged
      .filter(({ email }) => byEmail.has(email))
      .map(({ email, outcome }) => ({ email, outcome, hasSession: byEmail.get(email)!.has_session }));
    return { problems, unacknowledgedApplied };
  }
}
