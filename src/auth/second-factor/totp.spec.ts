import { acceptedStep, newTotpSecret, totpCode, totpStep, totpUri } from './totp';

describe('TOTP (RFC 6238)', () => {
  // RFC 6238 appendix B's SHA-1 secret and its 8-digit codes, of which these are the last 6.
  const rfcSecret = Buffer.from('12345678901234567890');

  it('computes the RFC 6238 test vectors', () => {
    expect(totpCode(rfcSecret, 59_000)).toBe('287082');
    expect(totpCode(rfcSecret, 1_111_111_109_000)).toBe('081804');
    expect(totpCode(rfcSecret, 1_234_567_890_000)).toBe('005924');
    expect(totpCode(rfcSecret, 20_000_000_000_000)).toBe('353130');
  });

  it('makes 20-byte secrets, each new, and the URI an authenticator app reads', () => {
    const secret = newTotpSecret();
    expect(secret).toHaveLength(20);
    expect(newTotpSecret().equals(secret)).toBe(false);
    const uri = new URL(totpUri(secret, 'jane@example.com', 'User accounts'));
    expect(uri.protocol).toBe('otpauth:');
    expect(uri.searchParams.get('issuer')).toBe('User accounts');
    expect(uri.searchParams.get('digits')).toBe('6');
    expect(uri.searchParams.get('period')).toBe('30');
    expect(uri.searchParams.get('secret')).toMatch(/^[A-Z2-7]{32}$/);
  });

  it('takes a code of its step or one step either side, and tells the step', () => {
    const now = 1_800_000_015_000;
    const step = totpStep(now);
    for (const offset of [-1, 0, 1]) {
      expect(acceptedStep(rfcSecret, totpCode(rfcSecret, now + offset * 30_000), now, null)).toBe(step + offset);
    }
    for (const offset of [-2, 2]) {
      expect(acceptedStep(rfcSecret, totpCode(rfcSecret, now + offset * 30_000), now, null)).toBeUndefined();
    }
  });

  it('takes a code once, and none older than the last one taken (no replay)', () => {
    const now = 1_800_000_015_000;
    const code = totpCode(rfcSecret, now);
    const step = acceptedStep(rfcSecret, code, now, null)!;
    expect(acceptedStep(rfcSecret, code, now, step)).toBeUndefined();
    expect(acceptedStep(rfcSecret, code, now + 10_000, step)).toBeUndefined();
    expect(acceptedStep(rfcSecret, totpCode(rfcSecret, now - 30_000), now, step)).toBeUndefined();
    expect(acceptedStep(rfcSecret, totpCode(rfcSecret, now + 30_000), now, step)).toBe(step + 1);
  });

  it('refuses anything but six digits', () => {
    const now = 1_800_000_015_000;
    const code = totpCode(rfcSecret, now);
    for (const bad of ['', '12345', '1234567', ` ${code}`, `${code}\n`, 'abcdef', '１２３４５６']) {
      expect(acceptedStep(rfcSecret, bad, now, null)).toBeUndefined();
    }
  });
});
