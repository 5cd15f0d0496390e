import { ErrorCode } from '../common/problems/error-code.enum';
import { entityTagHeader } from '../common/http/entity-tag';
import { acceptedVersions, preconditionFailed, taggedUserView, userEtag } from './etag';
import type { User } from './user.entity';

describe('userEtag', () => {
  it("is the row's version as a strong entity tag", () => {
    expect(userEtag({ version: 3 })).toBe('"3"');
    expect(userEtag({ version: 12 })).toBe('"12"');
  });
});

describe('acceptedVersions (If-Match)', () => {
  it('accepts any version when the header is absent', () => {
    expect(acceptedVersions(undefined)).toBeUndefined();
  });

  it('accepts any current version for "*"', () => {
    expect(acceptedVersions('*')).toBeUndefined();
    expect(acceptedVersions(' * ')).toBeUndefined();
  });

  it('reads one strong tag', () => {
    expect(acceptedVersions('"3"')).toEqual([3]);
  });

  it('reads a list of strong tags', () => {
    expect(acceptedVersions('"3", "4"')).toEqual([3, 4]);
    expect(acceptedVersions('"3","4"')).toEqual([3, 4]);
  });

  it('reads back the tag that userEtag wrote', () => {
    expect(acceptedVersions(userEtag({ version: 41 }))).toEqual([41]);
  });

  it('never matches a weak tag (strong comparison)', () => {
    expect(acceptedVersions('W/"3"')).toEqual([0]);
  });

  it('keeps the strong tags of a list that also has weak ones', () => {
    expect(acceptedVersions('W/"3", "4"')).toEqual([4]);
    // Strong comparison is character for character: nothing else stands for "3".
    for (const near of ['"03"', 'w/"3"', 'x"3"y', '"3', '3', '" 3"']) expect(acceptedVersions(near)).toEqual([0]);
  });

  it.each([
    ['a bare number', '3'],
    ['a non-numeric tag', '"abc"'],
    ['an empty tag', '""'],
    ['an empty header', ''],
    ['a negative version', '"-3"'],
    ['a version of more than 9 digits', '"1234567890"'],
    ['text', 'garbage'],
  ])('matches nothing for %s', (_label, header) => {
    expect(acceptedVersions(header)).toEqual([0]);
  });
});

describe('preconditionFailed', () => {
  it('is 412 PRECONDITION_FAILED', () => {
    const problem = preconditionFailed();
    expect(problem.getStatus()).toBe(412);
    expect(problem.code).toBe(ErrorCode.PRECONDITION_FAILED);
  });
});

describe('taggedUserView', () => {
  it("answers the public view, without the password hash, carrying the row's ETag", () => {
    const user = {
      id: 1,
      email: 'a@example.com',
      username: 'abc',
      name: 'A',
      version: 7,
      created_at: new Date('2025-01-01T00:00:00Z'),
      updated_at: new Date('2025-01-02T00:00:00Z'),
      password_hash: '$2b$04$secret',
    } as User;
    const view = taggedUserView(user);
    expect(view).toMatchObject({ id: 1, email: 'a@example.com', updated_at: '2025-01-02T00:00:00.000Z' });
    expect(JSON.stringify(view)).not.toContain('secret');
    expect(JSON.stringify(view)).not.toContain('version');
    const header = jest.fn();
    entityTagHeader.call(undefined as never, {} as never, { header } as never, view, () => undefined);
    expect(header).toHaveBeenCalledWith('ETag', '"7"');
  });
});
