import { ArgumentMetadata } from '@nestjs/common';
import { IsString, Validate, ValidatorConstraint, ValidatorConstraintInterface } from 'class-validator';
import { problemFrom } from '../../../test/support/problem-from';
import { MAX_KEYS } from './request-input';
import { MAX_FIELD_ERRORS, StrictValidationPipe } from './validation.pipe';

class NameDto {
  @IsString() name: string;
}

/** A rule that answers a promise, as one that looked something up would. */
@ValidatorConstraint({ name: 'notTakenYet', async: true })
class NotTakenYet implements ValidatorConstraintInterface {
  validate(value: unknown): Promise<boolean> {
    return Promise.resolve(value !== 'taken');
  }
}

class AsyncRuleDto {
  @Validate(NotTakenYet, { message: 'name is taken.' }) name: string;
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

  it('still runs a rule that answers a promise (synchronous validation would skip it)', async () => {
    const asyncBody: ArgumentMetadata = { type: 'body', metatype: AsyncRuleDto };
    expect((await problemFrom(pipe.transform({ name: 'taken' }, asyncBody))).errors).toEqual([
      { field: 'name', message: 'name is taken.' },
    ]);
    await expect(pipe.transform({ name: 'free' }, asyncBody)).resolves.toEqual({ name: 'free' });
  });
});

describe('StrictValidationPipe: hostile bodies', () => {
  it.each(['constructor', 'toString', 'valueOf', 'hasOwnProperty', '__defineGetter__', 'isPrototypeOf'])(
    'refuses %s, a name of Object.prototype, as an unknown field',
    async (field) => {
      const problem = await problemFrom(pipe.transform(JSON.parse(`{"name":"x","${field}":"y"}`), body));
      expect(problem.errors).toEqual([{ field, message: `${field} is not a field of this request.` }]);
      await expect(problemFrom(pipe.transform({ name: 'x', [field]: 'y' }, query))).resolves.toHaveProperty('errors', [
        { field, message: expect.any(String) },
      ]);
    },
  );

  it('names only the first unknown field', async () => {
    const problem = await problemFrom(pipe.transform({ a: 1, name: 'x', b: 2, c: 3 }, body));
    expect(problem.errors).toEqual([{ field: 'a', message: 'a is not a field of this request.' }]);
  });

  it(`refuses more than ${MAX_KEYS} keys before any field is validated`, async () => {
    const keys = Object.fromEntries(Array.from({ length: 11_000 }, (_, i) => [`k${i}`, i]));
    const problem = await problemFrom(pipe.transform(keys, body));
    expect(problem.errors).toEqual([{ field: '', message: `The request has more than ${MAX_KEYS} fields.` }]);
  });

  it(`reports at most ${MAX_FIELD_ERRORS} field errors`, async () => {
    class ManyDto {
      @IsString() a0: string; @IsString() a1: string; @IsString() a2: string; @IsString() a3: string;
      @IsString() a4: string; @IsString() a5: string; @IsString() a6: string; @IsString() a7: string;
      @IsString() a8: string; @IsString() a9: string; @IsString() a10: string; @IsString() a11: string;
    }
    const problem = await problemFrom(pipe.transform({}, { type: 'body', metatype: ManyDto }));
    expect(problem.errors).toHaveLength(MAX_FIELD_ERRORS);
  });
});
