import { render } from '../i18n/translator';
import * as emailAddress from './email-address';
import { normalizeEmail } from './email-address';

/** Why the address is refused, as an English answer says it. */
const emailProblem = (email: string) => {
  const problem = emailAddress.emailProblem(email);
  return problem && render('en', problem);
};

describe('normalizeEmail', () => {
  it.each([
    ['  Jane.Doe@Example.COM ', 'jane.doe@example.com'],
    ['ａｄｍｉｎ@ｅｘａｍｐｌｅ.com', 'admin@example.com'],
    ['admin@münchen.de', 'admin@xn--mnchen-3ya.de'],
    ['admin@MÜNCHEN.DE', 'admin@xn--mnchen-3ya.de'],
    ['jose\u0301@example.com', 'jos\u00e9@example.com'],
    // One script to a label is no look-alike, whichever script it is.
    ['admin@\u03c0\u03b1\u03c1\u03ac\u03b4\u03b5\u03b9\u03b3\u03bc\u03b1.gr', 'admin@xn--hxajbheg2az3al.gr'],
    ['admin@\u043f\u0440\u0438\u043c\u0435\u0440.example', 'admin@xn--e1afmkfd.example'],
  ])('turns %p into %p', (input, stored) => {
    expect(normalizeEmail(input)).toBe(stored);
  });

  it('leaves what it cannot normalise for emailProblem to name', () => {
    expect(normalizeEmail(' admin\u200b@example.com ')).toBe('admin\u200b@example.com');
    expect(normalizeEmail('admin@exa\u00admple.com')).toBe('admin@exa\u00admple.com');
    // Latin with a Cyrillic "а", or a Greek "α" or "ο", in one label.
    expect(normalizeEmail('admin@ex\u0430mple.com')).toBe('admin@ex\u0430mple.com');
    expect(normalizeEmail('admin@ex\u03b1mple.com')).toBe('admin@ex\u03b1mple.com');
    expect(normalizeEmail('admin@mail.g\u03bf\u03bfgle.com')).toBe('admin@mail.g\u03bf\u03bfgle.com');
  });
});

describe('emailProblem', () => {
  it.each(['jane.doe@example.com', 'a+tag@sub.example.co.uk', 'admin@xn--mnchen-3ya.de'])('takes %p', (email) => {
    expect(emailProblem(email)).toBeUndefined();
  });

  it.each([
    ['a zero-width space', 'admin\u200b@example.com', /invisible/],
    ['a soft hyphen in the domain', 'admin@exa\u00admple.com', /invisible/],
    ['a right-to-left override', 'admin\u202e@example.com', /invisible/],
    ['a control character', 'admin\u0007@example.com', /invisible/],
    ['a quoted name', '"admin"@example.com', /valid/],
    ['a Cyrillic letter in the name', '\u0430dmin@example.com', /valid/],
    ['an accented name (after NFKC)', 'jos\u00e9@example.com', /valid/],
    ['a domain mixing Latin and Cyrillic', 'admin@ex\u0430mple.com', /valid/],
    ['a domain mixing Latin and Greek', 'admin@ex\u03b1mple.com', /valid/],
    ['a subdomain mixing Latin and Greek', 'admin@mail.g\u03bf\u03bfgle.com', /valid/],
    ['a domain mixing Latin and Greek, in capitals', 'admin@EX\u0391MPLE.COM', /valid/],
    ['no domain', 'admin@', /valid/],
    ['255 characters', `${'a'.repeat(64)}@${'b'.repeat(186)}.com`, /254/],
  ])('refuses %s', (_case, email, message) => {
    expect(emailProblem(normalizeEmail(email))).toMatch(message);
  });
});
