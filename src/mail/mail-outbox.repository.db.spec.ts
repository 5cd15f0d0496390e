import { migratedDatabase } from '../../test/support/migrated-database';
import type { AppDataSource } from '../database/app-data-source';
import type { OutgoingMail } from './mail-content';
import { MailOutboxRepository } from './mail-outbox.repository';

/** MailOutboxRepository's statements on a real (embedded) database, migrated as the service migrates it. */
describe('MailOutboxRepository on PGlite', () => {
  let dataSource: AppDataSource;
  let outbox: MailOutboxRepository;

  beforeAll(async () => {
    dataSource = await migratedDatabase();
    outbox = new MailOutboxRepository(dataSource);
  });

  afterAll(() => dataSource?.destroy());
  beforeEach(() => dataSource.query('DELETE FROM mail_outbox'));

  const mail = (to: string, kind = 'verify-email'): OutgoingMail => ({
    kind,
    to,
    subject: 'Confirm your email address',
    text: 'https://app.example.com/verify-email?token=secret',
    html: '<p>secret</p>',
  });
  const row = async (recipient: string) =>
    (await dataSource.query('SELECT * FROM mail_outbox WHERE recipient = $1', [recipient]))[0];

  it('writes a mail only when the transaction that queued it commits', async () => {
    await expect(
      dataSource.transaction(async (manager) => {
        await outbox.on(manager).insert(mail('rolled-back@example.com'));
        throw new Error('the change failed');
      }),
    ).rejects.toThrow('the change failed');
    await dataSource.transaction((manager) => outbox.on(manager).insert(mail('committed@example.com')));
    expect(await row('rolled-back@example.com')).toBeUndefined();
    expect(await row('committed@example.com')).toMatchObject({ attempts: 0, sent_at: null, failed_at: null });
  });

  it('claims each due mail once for the lease, counting the try; a second claim gets nothing', async () => {
    await outbox.insert(mail('a@example.com'));
    await outbox.insert(mail('b@example.com'));
    const claimed = await outbox.claimDue(10, 60);
    expect(claimed.map((m) => m.recipient).sort()).toEqual(['a@example.com', 'b@example.com']);
    expect(claimed.every((m) => m.attempts === 1 && m.text !== null)).toBe(true);
    expect(await outbox.claimDue(10, 60)).toEqual([]);
  });

  it('claims no more than the limit, and again once the lease is over', async () => {
    for (const to of ['1@example.com', '2@example.com', '3@example.com']) await outbox.insert(mail(to));
    expect(await outbox.claimDue(2, 60)).toHaveLength(2);
    const [last] = await outbox.claimDue(2, 0);
    expect(last.attempts).toBe(1);
    // A zero lease is over at once: the row is due again (a worker that died mid-send).
    expect((await outbox.claimDue(2, 60)).map((m) => [m.recipient, m.attempts])).toEqual([[last.recipient, 2]]);
  });

  it('forgets the body of a sent mail, which may carry a token', async () => {
    await outbox.insert(mail('sent@example.com'));
    const [claimed] = await outbox.claimDue(1, 60);
    await outbox.markSent(claimed.id);
    expect(await row('sent@example.com')).toMatchObject({ text: null, html: null, last_error: null, failed_at: null });
    expect((await row('sent@example.com')).sent_at).toBeInstanceOf(Date);
    expect(await outbox.claimDue(1, 0)).toEqual([]);
  });

  it('schedules the next try with its error, and keeps a given-up mail for an operator, without its body', async () => {
    await outbox.insert(mail('retry@example.com'));
    const [claimed] = await outbox.claimDue(1, 0);
    await outbox.retryLater(claimed.id, 3600, '421 try later');
    expect(await outbox.claimDue(1, 60)).toEqual([]);
    expect(await row('retry@example.com')).toMatchObject({ last_error: '421 try later', text: claimed.text });
    await outbox.giveUp(claimed.id, '550 no such user');
    expect(await row('retry@example.com')).toMatchObject({ last_error: '550 no such user', text: null, html: null, sent_at: null });
    expect((await row('retry@example.com')).failed_at).toBeInstanceOf(Date);
  });
});
