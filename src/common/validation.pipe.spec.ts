import { ArgumentMetadata } from '@nestjs/common';
import { IsString } from 'class-validator';
import { problemFrom } from '../../test/support/problem-from';
import { StrictValidationPipe } from './validation.pipe';

class NameDto {
  @IsString() name: string;
}

const body: ArgumentMetadata = { type: 'body', metatype: NameDto };
const query: ArgumentMetadata = { type: 'query', metatype: NameDto };
const pipe = new StrictValidationPipe();

describe('StrictValidationPipe', () => {
  it.each([
    ['a body field', { name: 'Ja\u0000ne' }, body, 'name'],
    ['a nested value', { name: 'ok', extra: { deep: ['x', 'a\u0000'] } }, body, 'extra.deep.1'],
    ['a query parameter', { name: '%\u0000' }, query, 'name'],
  ])('refuses a NUL character in %s with 400 naming where it is', async (_case, value, metadata, field) => {
    const problem = await problemFrom(pipe.transform(value, metadata));
    expect(problem.getStatus()).toBe(400);
    expect(problem.errors).toEqual([{ field, message: expect.stringContaining('NUL') }]);
  });

  it('reads a missing body as {} and names the missing fields', async () => {
    const problem = await problemFrom(pipe.transform(undefined, body));
    expect(problem.errors).toEqual([{ field: 'name', message: expect.any(String) }]);
  });

  it.each([['an array', [{ name: 'x' }]], ['null', null], ['a string', 'name']])('refuses %s as a body', async (_case, value) => {
    const problem = await problemFrom(pipe.transform(value, body));
    expect(problem.detail).toBe('The request body must be a JSON object.');
  });

  it('refuses an unknown field by name and lets a good body through', async () => {
    expect((await problemFrom(pipe.transform({ name: 'x', role: 'ADMIN' }, body))).errors).toEqual([
      { field: 'role', message: expect.stringContaining('role') },
    ]);
    await expect(pipe.transform({ name: 'Jane' }, body)).resolves.toEqual({ name: 'Jane' });
  });
});
