import { AppConfig } from '../../config/app-config';
import type { AuditRecord } from '../../audit/audit-record';
import type { NewKey, Rotation, SigningKeysRepository, StoredKey } from './signing-keys.repository';
import { SigningKeysService } from './signing-keys.service';

const CONTEXT = { actorId: 1, origin: { ip: '127.0.0.1', userAgent: null, requestId: 'r' } };

/** signing_keys in memory, as the repository's statements change it; `gate` holds live() back. */
class MemoryKeys {
  rows: StoredKey[] = [];
  gate?: Promise<void>;
  audits: AuditRecord[] = [];

  async live(): Promise<StoredKey[]> {
    const rows = this.rows.map((row) => ({ ...row }));
    await this.gate;
    return rows.filter((row) => row.retiresAt === null || row.retiresAt.getTime() > Date.now());
  }

  async addFirst(key: NewKey): Promise<void> {
    if (this.rows.length === 0) this.rows.push({ ...key, createdAt: new Date(), signsFrom: new Date(), retiresAt: null });
  }

  async rotate(key: NewKey, leadSeconds: number, retireSeconds: number, audit: (added: StoredKey, retired: string[]) => AuditRecord): Promise<Rotation> {
    const added = { ...key, createdAt: new Date(), signsFrom: new Date(Date.now() + leadSeconds * 1000), retiresAt: null };
    const retiring = this.rows.filter((row) => row.retiresAt === null);
    for (const row of retiring) row.retiresAt = new Date(added.signsFrom.getTime() + retireSeconds * 1000);
    this.rows.push(added);
    this.audits.push(audit(added, retiring.map((row) => row.kid)));
    return { added, retired: retiring.map((row) => row.kid) };
  }
}

async function started(keys: MemoryKeys, env: Record<string, string> = {}): Promise<SigningKeysService> {
  const service = new SigningKeysService(AppConfig.fromEnvironment({ JWKS_MAX_AGE: '1m', ...env }), keys as unknown as SigningKeysRepository);
  await service.onModuleInit();
  return service;
}

describe('SigningKeysService on keys of the database', () => {
  const services: SigningKeysService[] = [];
  const start = async (keys: MemoryKeys, env?: Record<string, string>) => {
    const service = await started(keys, env);
    services.push(service);
    return service;
  };
  afterEach(() => services.splice(0).forEach((service) => service.onModuleDestroy()));

  it('makes one Ed25519 key at the first start, sealed; a restart on the same rows signs with it again', async () => {
    const keys = new MemoryKeys();
    const first = await start(keys);
    expect(keys.rows).toHaveLength(1);
    expect(keys.rows[0]).toMatchObject({ algorithm: 'EdDSA', sealedPrivateKey: expect.stringMatching(/^v1\./) });
    expect(JSON.stringify(keys.rows[0])).not.toContain('"d"');
    const again = await start(keys);
    expect(again.signer().kid).toBe(first.signer().kid);
    expect(keys.rows).toHaveLength(1);
  });

  it('refuses to start when a stored key does not open with MFA_ENCRYPTION_KEY, naming its kid', async () => {
    const keys = new MemoryKeys();
    const kid = (await start(keys, { MFA_ENCRYPTION_KEY: 'one key of at least thirty-two bytes' })).signer().kid;
    await expect(started(keys, { MFA_ENCRYPTION_KEY: 'another key, also thirty-two bytes' })).rejects.toThrow(`The signing key ${kid} does not open`);
  });

  it('publishes a rotation at once, signs with it from its time, and stops verifying the old key at its retirement', async () => {
    const keys = new MemoryKeys();
    const service = await start(keys, { JWT_EXPIRES_IN: '15m' });
    const old = service.signer();
    const next = await service.rotate(CONTEXT);
    const signsAt = (next.signsFrom as Date).getTime();
    // 2 × JWKS_MAX_AGE of one minute.
    expect(signsAt - Date.now()).toBeGreaterThan(110_000);
    expect(service.jwks().body).toContain(next.kid);
    expect(service.signer().kid).toBe(old.kid);
    expect(service.signer(signsAt).kid).toBe(next.kid);
    const header = { alg: 'EdDSA', kid: old.kid };
    const retiresAt = (service.live().find((key) => key.kid === old.kid)?.retiresAt as Date).getTime();
    // The longest token of the old key, signed just before the switch, has expired by then.
    expect(retiresAt - signsAt).toBeGreaterThanOrEqual(900_000);
    expect(await service.verifier(header, retiresAt - 1)).toBeDefined();
    expect(await service.verifier(header, retiresAt)).toBeUndefined();
    expect(keys.audits).toEqual([expect.objectContaining({ actorId: 1, details: expect.objectContaining({ kid: next.kid, previous_kid: old.kid, retiring: [old.kid] }) })]);
  });

  it('answers the new key of a rotation made while a reload of the keys was under way', async () => {
    const keys = new MemoryKeys();
    const service = await start(keys);
    // A token of a kid unknown here starts a reload, held before it reads the rows.
    let release = () => undefined as void;
    keys.gate = new Promise((resolve) => (release = resolve));
    const unknown = service.verifier({ alg: 'EdDSA', kid: 'unknown-kid' }, Date.now() + 5_000);
    const rotated = service.rotate(CONTEXT, true);
    release();
    keys.gate = undefined;
    expect(await unknown).toBeUndefined();
    const key = await rotated;
    expect(key).toMatchObject({ kid: keys.rows[1].kid, source: 'database' });
    expect(service.signer().kid).toBe(key.kid);
  });

  it('keeps the key objects of a key it knows across reloads: the signer made of them is reused', async () => {
    const keys = new MemoryKeys();
    const service = await start(keys);
    const before = service.signer().key;
    await service.rotate(CONTEXT);
    expect(service.signer().key).toBe(before);
  });
});
