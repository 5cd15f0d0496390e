import { applyDecorators } from '@nestjs/common';
import { Transform } from 'class-transformer';
import { IsInt, Max, Min, ValidateBy, ValidateIf } from 'class-validator';
import { fieldMessage } from './field-message';

/** Query fields, shared by the list routes: numbers arrive as text and are converted here. */

export const toInt = Transform(({ value }) => (typeof value === 'string' && /^\d{1,9}$/.test(value) ? Number(value) : value));

/** The field's rules apply only when it is given. */
export const whenGiven = ValidateIf((_dto, value) => value !== undefined);

/** A whole number from `min` (to `max`), refused with one message naming the field. */
export const wholeNumber = (field: string, min: number, max?: number) => {
  const message = max
    ? fieldMessage('validation.field.wholeNumberBetween', { field, min, max })
    : fieldMessage('validation.field.wholeNumberFrom', { field, min });
  return applyDecorators(toInt, whenGiven, IsInt({ message }), Min(min, { message }), ...(max ? [Max(max, { message })] : []));
};

/** The most rows `page` may skip: past them, a page costs their reading. */
export const MAX_OFFSET = 10_000;
export const MAX_LIMIT = 100;

/**
 * `page` within MAX_OFFSET rows, given the object's `limit`; a page or a limit that is not a
 * number is reported by its own rule. `orCursor`: the message says to read on with a cursor.
 */
export const IsShallowPage = (orCursor: boolean) =>
  ValidateBy({
    name: 'isShallowPage',
    validator: {
      validate: (page, args) => {
        const { limit } = args?.object as { limit: number };
        const judged = Number.isInteger(page) && Number.isInteger(limit) && limit >= 1 && limit <= MAX_LIMIT;
        return !judged || ((page as number) - 1) * limit <= MAX_OFFSET;
      },
      defaultMessage: fieldMessage(orCursor ? 'validation.list.shallowPageOrCursor' : 'validation.list.shallowPage', { max: MAX_OFFSET }),
    },
  });
