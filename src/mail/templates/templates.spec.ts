import { emailChangeMail } from './email-change';
import { emailChangeNoticeMail } from './email-change-notice';
import { emailChangedMail } from './email-changed';
import { invitationMail } from './invitation';
import { escapeHtml, lifetime } from './layout';
import { resetPasswordMail } from './reset-password';
import { verifyEmailMail } from './verify-email';

const LINK = 'https://app.example.com/verify-email?token=abc_DEF-123&x=1';

describe('mail templates', () => {
  it.each([
    ['verification', verifyEmailMail({ name: 'Jane', link: LINK, validSeconds: 86_400 }), '24 hours'],
    ['reset', resetPasswordMail({ name: 'Jane', link: LINK, validSeconds: 3_600 }), '1 hour'],
    ['invitation', invitationMail({ name: 'Jane', link: LINK, validSeconds: 604_800 }), '7 days'],
  ])('the %s mail carries its link in both parts and says how long it works', (_kind, mail, validity) => {
    expect(mail.subject).not.toBe('');
    expect(mail.text).toContain(`\n${LINK}\n`);
    expect(mail.text).toContain(validity);
    expect(mail.html).toContain(`href="${escapeHtml(LINK)}"`);
    expect(mail.html).not.toContain('&x=1');
    expect(`${mail.text}${mail.html}`).not.toMatch(/undefined|null|\$\{/);
  });

  it('escapes the names users chose in the HTML part, and keeps them as typed in the text part', () => {
    const mail = verifyEmailMail({ name: '<script>alert("x")</script>', link: LINK, validSeconds: 60 });
    expect(mail.html).not.toContain('<script>');
    expect(mail.html).toContain('&#60;script&#62;alert(&#34;x&#34;)&#60;/script&#62;');
    expect(mail.text).toContain('<script>alert("x")</script>');
  });

  it("tells the old address of an administrator's change, with no link in it", () => {
    const mail = emailChangedMail({ name: 'Jane', newEmail: 'new@example.com' });
    expect(mail.text).toContain('new@example.com');
    expect(`${mail.text}${mail.html}`).not.toMatch(/https?:|href=/);
  });

  it("greets by name only when given one: a mail to an unproven address says nothing the account chose", () => {
    expect(verifyEmailMail({ link: LINK, validSeconds: 60 }).text).toMatch(/^Hello,\n/);
    expect(resetPasswordMail({ name: 'Jane', link: LINK, validSeconds: 60 }).text).toMatch(/^Hello Jane,\n/);
    const change = emailChangeMail({ name: 'Jane', link: LINK, validSeconds: 60 });
    expect(`${change.text}${change.html}`).not.toContain('Jane');
  });

  it('tells the address a change leaves where the account goes, with the link that undoes it', () => {
    const mail = emailChangeNoticeMail({ name: 'Jane', newEmail: 'new@example.com', link: LINK, validSeconds: 604_800 });
    expect(mail.text).toContain('new@example.com');
    expect(mail.text).toContain(`\n${LINK}\n`);
    expect(mail.text).toContain('7 days');
  });

  it.each([
    [60, '1 minute'],
    [1_800, '30 minutes'],
    [3_600, '1 hour'],
    [7_200, '2 hours'],
    [86_400, '24 hours'],
    [172_800, '2 days'],
    [90, '2 minutes'],
  ])('says %i seconds as "%s"', (seconds, text) => {
    expect(lifetime(seconds)).toBe(text);
  });
});
