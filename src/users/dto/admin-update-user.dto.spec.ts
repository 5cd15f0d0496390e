import { plainToInstance } from 'class-transformer';
import { validate } from 'class-validator';
import { Role } from '../../access/role.enum';
import { AdminUpdateUserDto } from './admin-update-user.dto';

async function check(body: Record<string, unknown>) {
  const dto = plainToInstance(AdminUpdateUserDto, body);
  const errors = await validate(dto);
  return { dto, invalid: errors.map((error) => error.property) };
}

// 'é' is 2 bytes and '€' 3 bytes in UTF-8: a character count would let these through.
const BYTES_72 = 'é'.repeat(36);
const BYTES_73 = 'é'.repeat(36) + 'x';

describe('AdminUpdateUserDto', () => {
  it('drops a body id: the path id wins', async () => {
    const { dto, invalid } = await check({ id: 99, name: 'Jane' });
    expect(dto).not.toHaveProperty('id');
    expect(dto.name).toBe('Jane');
    expect(invalid).toEqual([]);
  });

  describe.each(['password', 'password_hash'])('%s (plain text, hashed by the server)', (field) => {
    it('takes 8 to 72 bytes of UTF-8', async () => {
      expect((await check({ [field]: 'x'.repeat(8) })).invalid).toEqual([]);
      expect((await check({ [field]: BYTES_72 })).invalid).toEqual([]);
      expect((await check({ [field]: '€'.repeat(24) })).invalid).toEqual([]);
    });

    it('refuses 73 bytes even when that is fewer than 72 characters', async () => {
      expect(BYTES_73.length).toBeLessThan(72);
      expect((await check({ [field]: BYTES_73 })).invalid).toEqual([field]);
      expect((await check({ [field]: '€'.repeat(24) + 'x' })).invalid).toEqual([field]);
    });

    it.each(['x'.repeat(7), 'pass\u0000word', null, 12345678])('refuses %p', async (value) => {
      expect((await check({ [field]: value })).invalid).toEqual([field]);
    });
  });

  describe('role', () => {
    it.each(Object.values(Role))('accepts %s', async (role) => {
      expect((await check({ role })).invalid).toEqual([]);
    });

    it.each(['admin', 'ROOT', null])('refuses %p', async (role) => {
      expect((await check({ role })).invalid).toEqual(['role']);
    });
  });

  describe('is_active', () => {
    it('accepts JSON booleans only', async () => {
      expect((await check({ is_active: false })).invalid).toEqual([]);
      expect((await check({ is_active: 'false' })).invalid).toEqual(['is_active']);
      expect((await check({ is_active: 0 })).invalid).toEqual(['is_active']);
    });
  });

  describe('profileImage (the seed name of image_path)', () => {
    it('follows the image_path rule', async () => {
      expect((await check({ profileImage: 'profile-pictures/a.jpg' })).invalid).toEqual([]);
      expect((await check({ profileImage: 'a/../b' })).invalid).toEqual(['profileImage']);
      expect((await check({ image_path: '//evil.com/x' })).invalid).toEqual(['image_path']);
    });
  });

  it('shares the profile rules for email, names and phone number', async () => {
    const { dto, invalid } = await check({
      email: ' Admin@Example.com ',
      firstname: '',
      lastname: '  Doe ',
      phone_number: null,
    });
    expect(invalid).toEqual([]);
    expect(dto).toMatchObject({ email: 'admin@example.com', firstname: null, lastname: 'Doe', phone_number: null });
    expect((await check({ phone_number: '0123456789' })).invalid).toEqual(['phone_number']);
  });
});
