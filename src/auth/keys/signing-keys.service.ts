import { Injectable, Logger, OnModuleDestroy, OnModuleInit } from '@nestjs/common';
import { createPrivateKey, generateKeyPairSync, KeyObject } from 'node:crypto';
import { AuditAction } from '../../audit/audit-action.enum';
import { AuditContext, auditRecord } from '../../audit/audit-record';
import { entityTagOfText } from '../../common/http/entity-tag';
import { ErrorCode } from '../../common/problems/error-code.enum';
import { problem } from '../../common/problems/problem.exception';
import { open, seal, secretBoxKey } from '../../common/secret-box';
import { AppConfig } from '../../config/app-config';
import { AsymmetricAlgorithm, keyPairOf, KeyPair, PublicJwk, SigningAlgorithm } from '../../config/signing-keys';
import { NewKey, SigningKeysRepository, StoredKey } from './signing-keys.repository';

/** A key that verifies now: its pair, where it comes from, and its times. */
export interface LiveKey extends KeyPair {
  source: 'configuration' | 'database';
  publishedAt: Date | null;
  /** From when it signs (until a later key does); null: published only (a configured key after the first). */
  signsFrom: Date | null;
  retiresAt: Date | null;
}

/** Signing now; published, to sign later; no longer signing, still verifying: the order the JWKS lists them in. */
export type KeyStatus = 'signing' | 'next' | 'retiring';
const STATUS_ORDER: Record<KeyStatus, number> = { signing: 0, next: 1, retiring: 2 };

export function keyStatus(key: LiveKey, signingKid: string | undefined, now: number): KeyStatus {
  if (key.kid === signingKid) return 'signing';
  return key.signsFrom === null || key.signsFrom.getTime() > now ? 'next' : 'retiring';
}

/** Whether `key` still verifies at `now`: not past its retirement. */
function verifiesAt(key: LiveKey, now: number): boolean {
  return key.retiresAt === null || key.retiresAt.getTime() > now;
}

/** What signs a new token: an asymmetric key and its kid, or JWT_SECRET for HS256. */
export interface TokenSigner {
  algorithm: SigningAlgorithm;
  kid?: string;
  key: KeyObject;
}

/** The JWKS as served: its body made once per change of the keys, and its ETag. */
export interface JwksDocument {
  body: string;
  etag: string;
}

/** A second between two reloads forced by a kid nobody here knows: a flood of forged kids costs one query a second. */
const UNKNOWN_KID_RELOAD_MS = 1_000;
/** Clocks of instances differ a little: a retiring key is kept this much longer. */
const CLOCK_SKEW_SECONDS = 5;

/**
 * The keys that sign and verify access tokens, in memory by kid: JWT_SECRET's (HS256), the
 * configured ones (JWT_PRIVATE_KEYS), or the database's, made at the first start and reloaded
 * by every instance often enough to know a new key before it signs.
 *
 * A rotation publishes a new key, which signs from twice JWKS_MAX_AGE later (a verifier's cached
 * JWKS has it by then), and retires the key before it once the longest token that one can still
 * sign has expired (docs/operations.md).
 */
@Injectable()
export class SigningKeysService implements OnModuleInit, OnModuleDestroy {
  private readonly logger = new Logger(SigningKeysService.name);
  private readonly sealingKey: Buffer;
  private readonly reloadMs: number;
  private keys: LiveKey[] = [];
  private byKid = new Map<string, LiveKey>();
  private jwksDocument?: JwksDocument & { kids: string };
  private readonly removedListeners: Array<() => void> = [];
  private timer?: NodeJS.Timeout;
  private lastReload = 0;
  private reloading?: Promise<void>;

  constructor(
    private readonly config: AppConfig,
    private readonly repository: SigningKeysRepository,
  ) {
    this.sealingKey = secretBoxKey(config.mfa.encryptionKey, 'signing keys');
    this.reloadMs = Math.min(30_000, (config.jwt.jwksMaxAgeSeconds * 1000) / 2);
  }

  /** Where the keys come from: JWT_SECRET, JWT_PRIVATE_KEYS, or the database (rotatable). */
  get source(): 'secret' | 'configuration' | 'database' {
    if (this.config.jwt.hmacKey) return 'secret';
    return this.config.jwt.configuredKeys.length > 0 ? 'configuration' : 'database';
  }

  async onModuleInit(): Promise<void> {
    if (this.source === 'configuration') {
      this.use(this.config.jwt.configuredKeys.map((pair, index) => ({ ...pair, source: 'configuration', publishedAt: null, signsFrom: index === 0 ? new Date(0) : null, retiresAt: null })));
    }
    if (this.source !== 'database') return;
    const stored = await this.repository.live();
    if (stored.length === 0) await this.repository.addFirst(this.newKey());
    // At the start a key that does not open is fatal: this instance could not sign.
    await this.reload({ strict: true });
    this.timer = setInterval(() => void this.reload().catch((error: Error) => this.logger.error(`Reloading the signing keys failed: ${error.message}`)), this.reloadMs);
    this.timer.unref();
  }

  onModuleDestroy(): void {
    clearInterval(this.timer);
  }

  /** The key new tokens are signed with now: the live key whose time to sign came last. */
  signer(now = Date.now()): TokenSigner {
    const { hmacKey } = this.config.jwt;
    if (hmacKey) return { algorithm: 'HS256', key: hmacKey };
    let chosen = this.keys[0];
    for (const key of this.keys) if (key.signsFrom !== null && key.signsFrom.getTime() <= now) chosen = key;
    return { algorithm: chosen.algorithm, kid: chosen.kid, key: chosen.privateKey };
  }

  /**
   * The key that verifies a token of this header, or undefined: HS256's secret, or the live key
   * of its kid and algorithm. A kid unknown here makes the database's keys reload first (at most
   * once a second): another instance may have rotated at once.
   */
  async verifier(header: { alg?: unknown; kid?: unknown }, now = Date.now()): Promise<KeyObject | undefined> {
    const { hmacKey } = this.config.jwt;
    if (hmacKey) return header.alg === 'HS256' ? hmacKey : undefined;
    if (typeof header.kid !== 'string' || typeof header.alg !== 'string') return undefined;
    if (!this.byKid.has(header.kid) && this.source === 'database' && now - this.lastReload >= UNKNOWN_KID_RELOAD_MS) {
      await this.reload().catch(() => undefined);
    }
    const key = this.byKid.get(header.kid);
    if (!key || key.algorithm !== header.alg || !verifiesAt(key, now)) return undefined;
    return key.publicKey;
  }

  /** The keys that verify now, the signing one first, then the one waiting to sign, then the ones retiring. */
  live(now = Date.now()): LiveKey[] {
    const signing = this.signer(now).kid;
    const rank = (key: LiveKey) => STATUS_ORDER[keyStatus(key, signing, now)];
    return this.keys.filter((key) => verifiesAt(key, now)).sort((a, b) => rank(a) - rank(b));
  }

  /** GET /.well-known/jwks.json: the public keys of live(), nothing private, made again when they change. */
  jwks(now = Date.now()): JwksDocument {
    const live = this.live(now);
    const kids = live.map((key) => key.kid).join(' ');
    if (this.jwksDocument?.kids !== kids) {
      const body = JSON.stringify({ keys: live.map((key): PublicJwk => key.publicJwk) });
      this.jwksDocument = { kids, body, etag: entityTagOfText(body) };
    }
    return this.jwksDocument;
  }

  /** The algorithms of the keys that verify now (JWT_SECRET's HS256 alone, with it). */
  algorithms(now = Date.now()): SigningAlgorithm[] {
    if (this.config.jwt.hmacKey) return ['HS256'];
    return [...new Set(this.live(now).map((key) => key.algorithm))];
  }

  /** Calls `listener` when a key is removed: tokens verified with it must be forgotten. */
  onRemoved(listener: () => void): void {
    this.removedListeners.push(listener);
  }

  /**
   * Publishes a new key of JWT_ALGORITHM: it signs from twice JWKS_MAX_AGE on (at once when
   * `immediate`, after a key has leaked), and every earlier key retires when the longest token
   * it can still sign has expired. Audited.
   */
  async rotate(context: AuditContext, immediate = false): Promise<LiveKey> {
    this.assertRotatable();
    const { jwksMaxAgeSeconds, expiresInSeconds } = this.config.jwt;
    const lead = immediate ? 0 : 2 * jwksMaxAgeSeconds;
    // Until its next reload another instance may still sign with the old key.
    const retireAfter = expiresInSeconds + Math.ceil(this.reloadMs / 1000) + CLOCK_SKEW_SECONDS;
    const previous = this.signer().kid;
    const result = await this.repository.rotate(this.newKey(), lead, retireAfter, (added, retired) =>
      auditRecord(context, AuditAction.SIGNING_KEY_ROTATED, null, {
        kid: added.kid,
        algorithm: added.algorithm,
        signs_from: added.signsFrom.toISOString(),
        previous_kid: previous,
        retiring: retired,
        immediate,
      }),
    );
    if ('full' in result) throw problem(ErrorCode.TOO_MANY_SIGNING_KEYS);
    if ('waiting' in result) {
      throw problem(ErrorCode.ROTATION_PENDING, undefined, { extensions: { kid: result.waiting.kid, signs_from: result.waiting.signsFrom.toISOString() } });
    }
    await this.reload({ after: true });
    return this.byKid.get(result.added.kid) as LiveKey;
  }

  /** Removes a key that does not sign now: its tokens are refused at once here, within a reload elsewhere. Audited. */
  async remove(kid: string, context: AuditContext): Promise<void> {
    this.assertRotatable();
    const outcome = await this.repository.remove(kid, auditRecord(context, AuditAction.SIGNING_KEY_REMOVED, null, { kid }));
    if (outcome === 'unknown') throw problem(ErrorCode.SIGNING_KEY_NOT_FOUND);
    if (outcome === 'signing') throw problem(ErrorCode.SIGNING_KEY_IN_USE);
    await this.reload({ after: true });
  }

  private assertRotatable(): void {
    if (this.source !== 'database') throw problem(ErrorCode.SIGNING_KEYS_CONFIGURED);
  }

  /**
   * Reads the database's live keys again; one reload at a time, the callers of a running one wait
   * for it. `after` a change of this instance's: a reload that began before it is let finish, and
   * a new one read.
   */
  private async reload({ strict = false, after = false } = {}): Promise<void> {
    if (after) await this.reloading?.catch(() => undefined);
    this.reloading ??= this.load(strict).finally(() => (this.reloading = undefined));
    return this.reloading;
  }

  private async load(strict: boolean): Promise<void> {
    this.lastReload = Date.now();
    const keys = (await this.repository.live()).flatMap((stored) => {
      // A key known here keeps its key objects (and the signer and verifier made of them); its times may have changed.
      const known = this.byKid.get(stored.kid);
      if (known) return [{ ...known, publishedAt: stored.createdAt, signsFrom: stored.signsFrom, retiresAt: stored.retiresAt }];
      const key = this.opened(stored);
      if (key) return [key];
      const message = `The signing key ${stored.kid} does not open with MFA_ENCRYPTION_KEY: was the key changed?`;
      if (strict) throw new Error(message);
      this.logger.error(message);
      return [];
    });
    if (keys.length > 0) this.use(keys);
  }

  private use(keys: LiveKey[]): void {
    const removed = this.keys.some((key) => !keys.some((kept) => kept.kid === key.kid));
    this.keys = keys;
    this.byKid = new Map(keys.map((key) => [key.kid, key]));
    if (removed) for (const listener of this.removedListeners) listener();
  }

  /** A stored key opened, or undefined when its seal does not open or its parts disagree. */
  private opened(stored: StoredKey): LiveKey | undefined {
    const pkcs8 = open(this.sealingKey, stored.kid, stored.sealedPrivateKey);
    if (!pkcs8) return undefined;
    const pair = keyPairOf(createPrivateKey({ key: pkcs8, format: 'der', type: 'pkcs8' }));
    if (pair.kid !== stored.kid || pair.algorithm !== stored.algorithm) return undefined;
    return { ...pair, source: 'database', publishedAt: stored.createdAt, signsFrom: stored.signsFrom, retiresAt: stored.retiresAt };
  }

  /** A new key pair of JWT_ALGORITHM, its private part sealed for the database. */
  private newKey(): NewKey {
    const algorithm = this.config.jwt.algorithm as AsymmetricAlgorithm;
    const { privateKey } = algorithm === 'EdDSA' ? generateKeyPairSync('ed25519') : generateKeyPairSync('ec', { namedCurve: 'P-256' });
    const pair = keyPairOf(privateKey);
    const pkcs8 = privateKey.export({ format: 'der', type: 'pkcs8' });
    return { kid: pair.kid, algorithm, publicJwk: { ...pair.publicJwk }, sealedPrivateKey: seal(this.sealingKey, pair.kid, pkcs8) };
  }
}
