import { emailProblem, normalizeEmail } from './email-address';

describe('normalizeEmail', () => {
  it.each([
    ['  Jane.Doe@Example.COM ', 'jane.doe@example.com'],
    ['ａｄｍｉｎ@ｅｘａｍｐｌｅ.com', 'admin@example.com'],
    ['admin@münchen.de', 'admin@xn--mnchen-3ya.de'],
    ['admin@MÜNCHEN.DE', 'admin@xn--mnchen-3ya.de'],
    ['jose\u0301@example.com', 'jos\u00e9@example.com'],
  ])('turns %p into %p', (input, stored) => {
    expect(normalizeEmail(input)).toBe(stored);
  });

  it('leaves what it cannot normalise for emailProblem to name', () => {
    expect(normalizeEmail(' admin\u200b@example.com ')).toBe('admin\u200b@example.com');
    expect(normalizeEmail('admin@exa\u00admple.com')).toBe('admin@exa\u00admple.com');
    // Latin with a Cyrillic "а" in one label.
    expect(normalizeEmail('admin@ex\u0430mple.com')).toBe('admin@ex\u0430mple.com');
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
    ['no domain', 'admin@', /valid/],
    ['255 characters', `${'a'.repeat(64)}@${'b'.repeat(186)}.com`, /254/],
  ])('refuses %s', (_case, email, message) => {
    expect(emailProblem(normalizeEmail(email))).toMatch(message);
  });
});
