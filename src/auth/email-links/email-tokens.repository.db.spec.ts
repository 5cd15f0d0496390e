import { createHash, randomBytes } from 'node:crypto';
import { migratedDatabase } from '../../../test/support/migrated-database';
import type { AppDataSource } from '../../database/app-data-source';
import { EmailTokenKind } from './email-token.entity';
import { EmailTokensRepository } from './email-tokens.repository';

const { VERIFY, RESET, INVITE } = EmailTokenKind;

/** EmailTokensRepository's statements on a real (embedded) database, migrated as the service migrates it. */
describe('EmailTokensRepository on PGlite', () => {
  let dataSource: AppDataSource;
  let tokens: EmailTokensRepository;
  let userId: number;

  beforeAll(async () => {
    dataSource = await migratedDatabase();
    tokens = new EmailTokensRepository(dataSource);
    [{ id: userId }] = await dataSource.query(
      `INSERT INTO users (email, username, name, password_hash) VALUES ('t@example.com', 'tokens_user', 'T', 'x') RETURNING id`,
    );
  });

  afterAll(() => dataSource?.destroy());

  const hash = () => createHash('sha256').update(randomBytes(32)).digest('hex');

  it('spends a token once, for its kinds only, answering whose it was and the address it went to', async () => {
    const token = hash();
    await tokens.issue(token, userId, VERIFY, 't@example.com', 3600);
    expect(await tokens.spend(token, [RESET, INVITE])).toBeUndefined();
    expect(await tokens.findUsable(token, [VERIFY])).toEqual({ user_id: userId, kind: VERIFY, email: 't@example.com' });
    expect(await tokens.spend(token, [VERIFY])).toEqual({ user_id: userId, kind: VERIFY, email: 't@example.com' });
    expect(await tokens.spend(token, [VERIFY])).toBeUndefined();
    expect(await tokens.findUsable(token, [VERIFY])).toBeUndefined();
  });

  it("reads a page's link in one statement: the token while usable for its kinds, and its account's language, used or not", async () => {
    const token = hash();
    const [{ id }] = await dataSource.query(
      `INSERT INTO users (email, username, name, locale) VALUES ('es@example.com', 'spanish_user', 'E', 'es') RETURNING id`,
    );
    await tokens.issue(token, id, VERIFY, 'es@example.com', 3600);
    const usable = { user_id: id, kind: VERIFY, email: 'es@example.com' };
    expect(await tokens.pageLink(token, [VERIFY])).toEqual({ usable, locale: 'es' });
    expect(await tokens.pageLink(token, [RESET, INVITE])).toEqual({ usable: undefined, locale: 'es' });
    await tokens.spend(token, [VERIFY]);
    expect(await tokens.pageLink(token, [VERIFY])).toEqual({ usable: undefined, locale: 'es' });
    expect(await tokens.pageLink(hash(), [VERIFY])).toEqual({});
    const expired = hash();
    await tokens.issue(expired, userId, RESET, 't@example.com', 0);
    expect(await tokens.pageLink(expired, [RESET])).toEqual({ usable: undefined, locale: 'en' });
  });

  it('knows no expired token', async () => {
    const token = hash();
    await tokens.issue(token, userId, RESET, 't@example.com', 0);
    expect(await tokens.findUsable(token, [RESET])).toBeUndefined();
    expect(await tokens.spend(token, [RESET])).toBeUndefined();
  });

  it('voids the older unused tokens of a kind when it issues a new one, and no other kind', async () => {
    const [older, other, newer] = [hash(), hash(), hash()];
    await tokens.issue(older, userId, RESET, 't@example.com', 3600);
    await tokens.issue(other, userId, VERIFY, 't@example.com', 3600);
    await tokens.issue(newer, userId, RESET, 't@example.com', 3600);
    expect(await tokens.spend(older, [RESET])).toBeUndefined();
    expect(await tokens.spend(newer, [RESET])).toMatchObject({ user_id: userId });
    expect(await tokens.spend(other, [VERIFY])).toMatchObject({ user_id: userId });
  });

  it('voids every unused token of the kinds given (a password changed)', async () => {
    const [reset, invite, verify] = [hash(), hash(), hash()];
    await tokens.issue(reset, userId, RESET, 't@example.com', 3600);
    await tokens.issue(invite, userId, INVITE, 't@example.com', 3600);
    await tokens.issue(verify, userId, VERIFY, 't@example.com', 3600);
    await tokens.voidAll(userId, [RESET, INVITE]);
    expect(await tokens.spend(reset, [RESET])).toBeUndefined();
    expect(await tokens.spend(invite, [INVITE])).toBeUndefined();
    expect(await tokens.spend(verify, [VERIFY])).toMatchObject({ user_id: userId });
  });

  it('lets one of two concurrent spends of a token win', async () => {
    const token = hash();
    await tokens.issue(token, userId, VERIFY, 't@example.com', 3600);
    const results = await Promise.all([tokens.spend(token, [VERIFY]), tokens.spend(token, [VERIFY])]);
    expect(results.filter(Boolean)).toHaveLength(1);
  });
});
