import { open, seal, secretBoxKey } from './secret-box';

describe('the secret box', () => {
  const key = secretBoxKey('a configured key of at least thirty-two bytes');
  const secret = Buffer.from('12345678901234567890');

  it('derives a 32-byte key, the same from the same configuration', () => {
    expect(key).toHaveLength(32);
    expect(secretBoxKey('a configured key of at least thirty-two bytes').equals(key)).toBe(true);
    expect(secretBoxKey('another configured key, also long enough').equals(key)).toBe(false);
    // Each purpose its own key: a sealed signing key does not open as a TOTP secret.
    expect(secretBoxKey('a configured key of at least thirty-two bytes', 'signing keys').equals(key)).toBe(false);
  });

  it('opens what it sealed for the same account, and never shows the secret in the sealed form', () => {
    const sealed = seal(key, 'user:7', secret);
    expect(sealed).toMatch(/^v1\.[\w-]+\.[\w-]+\.[\w-]+$/);
    expect(sealed).not.toContain(secret.toString('base64url'));
    expect(open(key, 'user:7', sealed)?.equals(secret)).toBe(true);
    // A new IV each time: the same secret seals differently.
    expect(seal(key, 'user:7', secret)).not.toBe(sealed);
  });

  it("opens nothing sealed for another account, under another key, damaged or of another version", () => {
    const sealed = seal(key, 'user:7', secret);
    const [version, iv, tag, ciphertext] = sealed.split('.');
    const flipped = Buffer.from(ciphertext, 'base64url');
    flipped[0] ^= 1;
    expect(open(key, 'user:8', sealed)).toBeUndefined();
    expect(open(secretBoxKey('another configured key, also long enough'), 'user:7', sealed)).toBeUndefined();
    expect(open(key, 'user:7', [version, iv, tag, flipped.toString('base64url')].join('.'))).toBeUndefined();
    expect(open(key, 'user:7', ['v2', iv, tag, ciphertext].join('.'))).toBeUndefined();
    expect(open(key, 'user:7', `${sealed}.extra`)).toBeUndefined();
    expect(open(key, 'user:7', 'v1.short')).toBeUndefined();
    expect(open(key, 'user:7', '')).toBeUndefined();
  });
});
