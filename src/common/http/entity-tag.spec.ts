import type { FastifyReply, FastifyRequest } from 'fastify';
import { entityTagHeader, withEntityTag } from './entity-tag';

/** Runs the hook on `payload`; the headers it set and the payload it passed on. */
function serialise(payload: unknown) {
  const header = jest.fn();
  let passed: unknown;
  entityTagHeader.call(
    undefined as never,
    {} as FastifyRequest,
    { header } as unknown as FastifyReply,
    payload,
    ((_error: unknown, value: unknown) => (passed = value)) as never,
  );
  return { header, passed };
}

describe('withEntityTag and its hook', () => {
  it('sets the ETag of a tagged body, and the tag never reaches the JSON', () => {
    const body = withEntityTag({ id: 1, name: 'A' }, '"7"');
    const { header, passed } = serialise(body);
    expect(header).toHaveBeenCalledWith('ETag', '"7"');
    expect(passed).toBe(body);
    expect(JSON.stringify(passed)).toBe('{"id":1,"name":"A"}');
  });

  it.each([[{ id: 1 }], [null], [[1, 2]], [{ type: '/problems/not-found', status: 404 }]])(
    'leaves any other body alone: %j',
    (payload) => {
      const { header, passed } = serialise(payload);
      expect(header).not.toHaveBeenCalled();
      expect(passed).toBe(payload);
    },
  );
});
