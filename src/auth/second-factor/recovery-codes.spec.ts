import { newRecoveryCodes, normalizeRecoveryCode, RECOVERY_CODE_COUNT, recoveryCodeHash } from './recovery-codes';

describe('recovery codes', () => {
  it('makes 10 distinct codes of 10 characters from the unambiguous alphabet, shown as XXXXX-XXXXX', () => {
    const codes = newRecoveryCodes();
    expect(codes).toHaveLength(RECOVERY_CODE_COUNT);
    expect(new Set(codes).size).toBe(RECOVERY_CODE_COUNT);
    for (const code of codes) expect(code).toMatch(/^[0-9A-HJKMNP-TV-Z]{5}-[0-9A-HJKMNP-TV-Z]{5}$/);
  });

  it('reads a code as people type it, and refuses what cannot be one', () => {
    expect(normalizeRecoveryCode('abcde-fghjk')).toBe('ABCDEFGHJK');
    expect(normalizeRecoveryCode(' ABCDE FGHJK ')).toBe('ABCDEFGHJK');
    expect(normalizeRecoveryCode('o1l2i-34567')).toBe('01121' + '34567');
    for (const bad of ['', 'ABCDE-FGHJ', 'ABCDE-FGHJKM', 'ABCDE-FGHJU', 'ABCDE_FGHJK', 'ÀBCDE-FGHJK']) {
      expect(normalizeRecoveryCode(bad)).toBeUndefined();
    }
  });

  it('keeps a keyed hash: the same for the same key and code, another under another key', () => {
    const key = Buffer.alloc(32, 1);
    const hash = recoveryCodeHash(key, 'ABCDEFGHJK');
    expect(hash).toMatch(/^[0-9a-f]{64}$/);
    expect(recoveryCodeHash(key, 'ABCDEFGHJK')).toBe(hash);
    expect(recoveryCodeHash(Buffer.alloc(32, 2), 'ABCDEFGHJK')).not.toBe(hash);
    expect(recoveryCodeHash(key, 'ABCDEFGHJM')).not.toBe(hash);
  });
});
