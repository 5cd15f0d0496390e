import { Logger } from '@nestjs/common';
import { ThrottlerStorageService } from '@nestjs/throttler';
import type { AppConfig } from '../config/app-config';
import { MailBudget, MAILS_PER_RECIPIENT_HOUR } from './mail-budget';

function budget(maxPerHour = 1000) {
  return new MailBudget(new ThrottlerStorageService(), { mail: { maxPerHour } } as AppConfig);
}

afterEach(() => jest.restoreAllMocks());

describe('MailBudget', () => {
  it('lets MAILS_PER_RECIPIENT_HOUR mails of a kind go to one recipient, of that kind only', async () => {
    const mails = budget();
    const answers = [];
    for (let i = 0; i < MAILS_PER_RECIPIENT_HOUR + 2; i++) answers.push(await mails.spend('jane@example.com', 'reset-password'));
    expect(answers).toEqual([...Array(MAILS_PER_RECIPIENT_HOUR).fill(undefined), 'recipient', 'recipient']);
    expect(await mails.spend('jane@example.com', 'verify-email')).toBeUndefined();
    expect(await mails.spend('joe@example.com', 'reset-password')).toBeUndefined();
  });

  it('lets MAIL_MAX_PER_HOUR mails go in all, whoever they are to', async () => {
    const mails = budget(3);
    const answers = await Promise.all(['a', 'b', 'c', 'd', 'e'].map((name) => mails.spend(`${name}@example.com`, 'verify-email')));
    expect(answers.filter((answer) => answer === undefined)).toHaveLength(3);
    expect(answers.filter((answer) => answer === 'hourly')).toHaveLength(2);
  });

  it('tells its refusals in one line, counted by reason, without an address', async () => {
    const warn = jest.spyOn(Logger.prototype, 'warn').mockImplementation(() => undefined);
    const mails = budget(6);
    for (let i = 0; i < 8; i++) await mails.spend('jane@example.com', 'reset-password');
    for (let i = 0; i < 3; i++) await mails.spend(`other-${i}@example.com`, 'reset-password');
    expect(warn).not.toHaveBeenCalled();
    mails.onApplicationShutdown();
    expect(warn.mock.calls).toEqual([
      ['Mail budget: 5 mails not queued (3 over a recipient\'s 5 an hour, 2 over MAIL_MAX_PER_HOUR)'],
    ]);
    mails.onApplicationShutdown();
    expect(warn).toHaveBeenCalledTimes(1);
  });
});
