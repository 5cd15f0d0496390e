import { ArgumentMetadata } from '@nestjs/common';
import { IsString, MaxLength } from 'class-validator';
import { problemFrom } from '../../../test/support/problem-from';
import { toProblem } from '../problems/to-problem';
import { fieldMessage, messageOf } from './field-message';
import { StrictValidationPipe } from './validation.pipe';

class NicknameDto {
  @IsString({ message: fieldMessage('validation.field.notString', { field: 'nickname' }) })
  @MaxLength(5, { message: fieldMessage('validation.field.maxLength', { field: 'nickname', max: 5 }) })
  nickname: string;
}

const body: ArgumentMetadata = { type: 'body', metatype: NicknameDto };
const pipe = new StrictValidationPipe();

describe('fieldMessage', () => {
  it("gives class-validator the rule's English text, and the pipe's problem its message", async () => {
    const refused = await problemFrom(pipe.transform({ nickname: 'far too long' }, body));
    expect(refused.errors).toEqual([{ field: 'nickname', message: 'nickname must be at most 5 characters.' }]);
    expect(toProblem(refused, 'es')).toMatchObject({
      detail: 'nickname debe tener como máximo 5 caracteres.',
      errors: [{ field: 'nickname', message: 'nickname debe tener como máximo 5 caracteres.' }],
    });
  });

  it('maps a text back to its message once it was made, and leaves any other text as it is', () => {
    const made = fieldMessage('validation.field.notUuid', { field: 'token_id' })();
    expect(made).toBe('token_id must be a UUID.');
    expect(messageOf(made)).toEqual({ key: 'validation.field.notUuid', params: { field: 'token_id' } });
    expect(messageOf('nested property x must be either object or array')).toBe('nested property x must be either object or array');
  });

  it('renders nothing until a rule is broken', () => {
    const lazy = fieldMessage('validation.field.notUuid', { field: 'never_broken' });
    expect(messageOf('never_broken must be a UUID.')).toBe('never_broken must be a UUID.');
    expect(lazy()).toBe('never_broken must be a UUID.');
    expect(messageOf('never_broken must be a UUID.')).toEqual({ key: 'validation.field.notUuid', params: { field: 'never_broken' } });
  });
});
