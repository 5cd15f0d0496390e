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

  describe('in Spanish', () => {
    it.each([
      ['verification', verifyEmailMail({ name: 'Ana', link: LINK, validSeconds: 86_400, locale: 'es' }), 'Confirma tu dirección de correo', '24 horas'],
      ['reset', resetPasswordMail({ name: 'Ana', link: LINK, validSeconds: 3_600, locale: 'es' }), 'Restablece tu contraseña', '1 hora'],
      ['invitation', invitationMail({ name: 'Ana', link: LINK, validSeconds: 604_800, locale: 'es' }), 'Tu cuenta nueva', '7 días'],
      ['email change', emailChangeMail({ link: LINK, validSeconds: 60, locale: 'es' }), 'Confirma tu nueva dirección de correo', '1 minuto'],
      [
        'change notice',
        emailChangeNoticeMail({ name: 'Ana', newEmail: 'nueva@example.com', link: LINK, validSeconds: 1_800, locale: 'es' }),
        'Se está cambiando tu dirección de correo',
        '30 minutos',
      ],
    ])('the %s mail is in Spanish, with its link in both parts and its lifetime', (_kind, mail, subject, validity) => {
      expect(mail.subject).toBe(subject);
      expect(mail.text).toContain(`\n${LINK}\n`);
      expect(mail.text).toContain(`durante ${validity}`);
      expect(mail.html).toContain(`href="${escapeHtml(LINK)}"`);
      expect(mail.html).toContain('<html lang="es">');
      expect(mail.html).toContain('O pega esta dirección en tu navegador');
      // No English sentence left: the words every English mail has.
      expect(`${mail.subject}${mail.text}${mail.html}`).not.toMatch(/\b(Hello|the link|your|paste)\b/i);
    });

    it('greets by name, or not, as in English', () => {
      expect(verifyEmailMail({ name: 'Ana', link: LINK, validSeconds: 60, locale: 'es' }).text).toMatch(/^Hola, Ana:\n/);
      expect(verifyEmailMail({ link: LINK, validSeconds: 60, locale: 'es' }).text).toMatch(/^Hola:\n/);
      const change = emailChangeMail({ name: 'Ana', link: LINK, validSeconds: 60, locale: 'es' });
      expect(`${change.text}${change.html}`).not.toContain('Ana');
    });

    it("tells the old address of an administrator's change in Spanish", () => {
      const mail = emailChangedMail({ name: 'Ana', newEmail: 'nueva@example.com', locale: 'es' });
      expect(mail.subject).toBe('Se cambió tu dirección de correo');
      expect(mail.text).toContain('Un administrador cambió la dirección de correo de tu cuenta a nueva@example.com.');
    });

    it('escapes a name in the HTML part of a Spanish mail too', () => {
      const mail = verifyEmailMail({ name: '<b>Ana</b>', link: LINK, validSeconds: 60, locale: 'es' });
      expect(mail.html).not.toContain('<b>');
      expect(mail.text).toContain('Hola, <b>Ana</b>:');
    });

    it.each([
      [60, '1 minuto'],
      [90, '2 minutos'],
      [3_600, '1 hora'],
      [86_400, '24 horas'],
      [172_800, '2 días'],
    ])('says %i seconds as "%s"', (seconds, text) => {
      expect(lifetime(seconds, 'es')).toBe(text);
    });
  });
});
