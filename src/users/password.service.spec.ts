import * as bcrypt from 'bcrypt';
import type { AppConfig } from '../config/app-config';
import { PasswordService } from './password.service';

// bcrypt itself, with compare observable: the service's own import must see the spy.
jest.mock('bcrypt', () => {
  const actual = jest.requireActual('bcrypt');
  return { ...actual, compare: jest.fn((data: string, hash: string) => actual.compare(data, hash)) };
});

const withRounds = (bcryptRounds: number) => new PasswordService({ bcryptRounds } as AppConfig);

// Cost 4, bcrypt's lowest, keeps these tests fast.
const HASH_AT_4 = bcrypt.hashSync('correct horse', 4);

describe('PasswordService.needsRehash', () => {
  it('is true for a hash made at a lower cost than BCRYPT_ROUNDS', () => {
    expect(withRounds(5).needsRehash(HASH_AT_4)).toBe(true);
  });

  it('is false for a hash made at BCRYPT_ROUNDS', () => {
    expect(withRounds(4).needsRehash(HASH_AT_4)).toBe(false);
  });

  it('is false for a hash made at a higher cost, which is never lowered', () => {
    const hashAt5 = bcrypt.hashSync('correct horse', 5);
    expect(withRounds(4).needsRehash(hashAt5)).toBe(false);
  });
});

describe('PasswordService.verify', () => {
  const passwords = withRounds(4);

  it('is true for the right password', async () => {
    await expect(passwords.verify('correct horse', HASH_AT_4)).resolves.toBe(true);
  });

  it('is false for a wrong password', async () => {
    await expect(passwords.verify('wrong horse', HASH_AT_4)).resolves.toBe(false);
  });

  it('is false without a hash (no such account), whatever the password', async () => {
    await expect(passwords.verify('correct horse', undefined)).resolves.toBe(false);
    await expect(passwords.verify('', undefined)).resolves.toBe(false);
  });

  it('is false for an invited account that has no password yet, even for an empty one', async () => {
    await expect(passwords.verify('', null)).resolves.toBe(false);
    await expect(passwords.verify('correct horse', null)).resolves.toBe(false);
  });

  it('still does the bcrypt work without a hash, against a decoy at BCRYPT_ROUNDS', async () => {
    const compare = bcrypt.compare as unknown as jest.Mock;
    compare.mockClear();
    await withRounds(5).verify('x', undefined);
    expect(compare).toHaveBeenCalledTimes(1);
    const decoy = compare.mock.calls[0][1] as string;
    expect(decoy).toHaveLength(60);
    expect(bcrypt.getRounds(decoy)).toBe(5);
  });
});

describe('PasswordService.hash', () => {
  it('hashes at BCRYPT_ROUNDS, never answering the password itself', async () => {
    const hash = await withRounds(4).hash('correct horse');
    expect(hash).not.toContain('correct horse');
    expect(bcrypt.getRounds(hash)).toBe(4);
    await expect(withRounds(4).verify('correct horse', hash)).resolves.toBe(true);
  });
});
