import { ApiParam } from '@nestjs/swagger';
import { INT4_MAX } from './id';

/** A path id as IdParamPipe takes it: a positive integer within PostgreSQL's integer. */
export const ApiIdParam = (name = 'id', description = "the user's id") =>
  ApiParam({ name, description, schema: { type: 'integer', minimum: 1, maximum: INT4_MAX } });

/** A path UUID as UuidParamPipe takes it (any case; answered in lower case). */
export const ApiUuidParam = (name = 'id', description = "the session's id") =>
  ApiParam({ name, description, schema: { type: 'string', format: 'uuid' } });
