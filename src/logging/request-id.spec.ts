import { requestId } from './request-id';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/;
const idFor = (incoming?: unknown) =>
  requestId({ headers: incoming === undefined ? {} : { 'x-request-id': incoming as string } });

describe('requestId', () => {
  it.each(['abc-123', 'A.b_c:9', 'x'.repeat(128)])('keeps a sane incoming X-Request-Id (%s)', (incoming) => {
    expect(idFor(incoming)).toBe(incoming);
  });

  it.each([
    ['too long', 'x'.repeat(129)],
    ['with a space', 'a b'],
    ['with a newline', 'a\nb'],
    ['empty', ''],
    ['with a quote', 'a"b'],
    ['repeated', ['a', 'b']],
  ])('replaces an incoming X-Request-Id that is %s with a UUID', (_label, incoming) => {
    expect(idFor(incoming)).toMatch(UUID);
  });

  it('makes a new UUID for every request that brings none', () => {
    expect(idFor()).toMatch(UUID);
    expect(idFor()).not.toBe(idFor());
  });
});
