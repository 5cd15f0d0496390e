import { plainToInstance } from 'class-transformer';
import { validate } from 'class-validator';
import { UpdateProfileDto } from './update-profile.dto';

/** The DTO as the validation pipe builds it, and the names of the fields it refuses. */
async function check(body: Record<string, unknown>) {
  const dto = plainToInstance(UpdateProfileDto, body);
  const errors = await validate(dto);
  return { dto, invalid: errors.map((error) => error.property) };
}

const refuses = async (field: string, value: unknown) =>
  expect((await check({ [field]: value })).invalid).toEqual([field]);
const accepts = async (field: string, value: unknown) =>
  expect((await check({ [field]: value })).invalid).toEqual([]);

describe('UpdateProfileDto', () => {
  it('accepts an empty body (every field is optional here)', async () => {
    expect((await check({})).invalid).toEqual([]);
  });

  describe('image_path', () => {
    it.each([
      'profile-pictures/a.jpg',
      '/images/x.jpg',
      'https://cdn.example.com/a.png',
      'http://cdn.example.com/a.png?w=64',
      'a/...b/c.jpg',
      'x'.repeat(512),
    ])('accepts %p', (value) => accepts('image_path', value));

    it.each([
      '../x',
      'a/../b',
      'a/..',
      '..',
      '//evil.com/x',
      'javascript:alert(1)',
      'data:image/png;base64,AAAA',
      'profile pictures/a.jpg',
      '',
      'x'.repeat(513),
      `https://cdn.example.com/${'x'.repeat(490)}`,
    ])('refuses %p', (value) => refuses('image_path', value));

    it('refuses null and non-strings', async () => {
      await refuses('image_path', null);
      await refuses('image_path', 42);
    });
  });

  describe('phone_number (E.164)', () => {
    it.each(['+1234567890', '+12345678', '+123456789012345'])('accepts %p', (value) =>
      accepts('phone_number', value),
    );

    it('accepts null, which clears it', () => accepts('phone_number', null));

    it.each(['1234567890', '+1234567', '+1234567890123456', '+1 234 567 890', '+12345678a', '', 1234567890])(
      'refuses %p',
      (value) => refuses('phone_number', value),
    );
  });

  describe('firstname and lastname', () => {
    it.each(['firstname', 'lastname'])('%s: an empty or blank string becomes null', async (field) => {
      for (const value of ['', '   ']) {
        const { dto, invalid } = await check({ [field]: value });
        expect(invalid).toEqual([]);
        expect(dto[field as 'firstname']).toBeNull();
      }
    });

    it('is trimmed', async () => {
      expect((await check({ firstname: '  Jane ' })).dto.firstname).toBe('Jane');
    });

    it('takes 100 characters, not 101', async () => {
      await accepts('lastname', 'd'.repeat(100));
      await refuses('lastname', 'd'.repeat(101));
    });

    it('refuses non-strings (NUL characters are the validation pipe\'s: see validation.pipe.spec.ts)', async () => {
      await refuses('firstname', 42);
    });
  });

  describe('email', () => {
    it('is trimmed and lower-cased', async () => {
      const { dto, invalid } = await check({ email: '  Jane.Doe@Example.COM ' });
      expect(invalid).toEqual([]);
      expect(dto.email).toBe('jane.doe@example.com');
    });

    it.each(['not-an-email', '', null, 42, `${'a'.repeat(64)}@${'b'.repeat(186)}.com`])('refuses %p', (value) =>
      refuses('email', value),
    );
  });

  describe('name', () => {
    it('is trimmed and must keep 1 to 100 characters', async () => {
      expect((await check({ name: '  Jane Doe ' })).dto.name).toBe('Jane Doe');
      await refuses('name', '   ');
      await refuses('name', 'n'.repeat(101));
      await refuses('name', null);
    });
  });

  describe('username', () => {
    it.each(['abc', 'Jane_Doe.1-2', 'u'.repeat(30)])('accepts %p', (value) => accepts('username', value));
    it.each(['ab', 'u'.repeat(31), 'jane doe', 'jane@doe', null])('refuses %p', (value) =>
      refuses('username', value),
    );
  });
});
