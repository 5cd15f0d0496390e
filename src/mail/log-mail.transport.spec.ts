import { Logger } from '@nestjs/common';
import { LogMailTransport } from './log-mail.transport';

describe('LogMailTransport (MAIL_TRANSPORT=log)', () => {
  it('writes one line a mail: recipient, subject, kind and its links, once each', async () => {
    const log = jest.spyOn(Logger.prototype, 'log').mockImplementation(() => undefined);
    const link = 'http://localhost:3000/reset-password?token=abc';
    await new LogMailTransport().send({
      id: 1,
      kind: 'reset-password',
      recipient: 'jane@example.com',
      subject: 'Reset your password',
      text: `Hello,\n\n${link}\n\nOr paste ${link}.`,
      html: '<p>x</p>',
      created_at: new Date(),
    });
    expect(log).toHaveBeenCalledTimes(1);
    expect(log).toHaveBeenCalledWith({
      mail: { to: 'jane@example.com', subject: 'Reset your password', kind: 'reset-password', links: [link] },
    });
    log.mockRestore();
  });
});
