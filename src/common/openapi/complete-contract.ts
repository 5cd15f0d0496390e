import type { OpenAPIObject, OperationObject, ResponseObject, SchemaObject } from '@nestjs/swagger';
import { problemResponse, statusOf } from '../problems/api-problems.decorator';
import { ErrorCode } from '../problems/error-code.enum';
import { PUBLIC_MARK, RATE_LIMITED_MARK } from './operation-marks';
import { headerRef, RESPONSE_HEADERS, ResponseHeaderName } from './response-headers';

type Reference = { $ref: string };
type Header = ReturnType<typeof headerRef>;

const METHODS = ['get', 'put', 'post', 'delete', 'patch', 'options', 'head'] as const;
const PROBLEM_TYPE = 'application/problem+json';
/** 2xx bodies made by taggedUserView (users/etag.ts), which always carry the user's ETag. */
const TAGGED_BODIES = new Set(['#/components/schemas/UserView', '#/components/schemas/RegisterResponseDto']);

/**
 * What @nestjs/swagger cannot say per route, added to the whole document in one place, from how
 * the service answers (checked on every answer of the end-to-end suite, test/support/contract.ts):
 *
 * - security: a @Public() route takes no token (`[]`), or either a bearer token or none where it
 *   also declares the bearer (logout); any other route must declare the bearer;
 * - 415 on every operation (json-only.hook.ts refuses a body of another type on any route, GETs
 *   included) and 413 on every one whose body Fastify reads (any method but GET);
 * - request bodies refuse unknown fields (StrictValidationPipe): `additionalProperties: false`;
 * - the response headers: X-Request-Id and Cache-Control (no-store, unless the route says
 *   otherwise) on every answer; Content-Language and Vary on every problem;
 *   WWW-Authenticate on a bearer route's 401; Retry-After on 429 (and on 503 with AVATAR_BUSY);
 *   ETag with a user; X-RateLimit-* on a rate-limited route's answers past its guard.
 */
export function completeContract(document: OpenAPIObject): OpenAPIObject {
  document.components = { ...document.components, headers: RESPONSE_HEADERS };
  for (const [path, item] of Object.entries(document.paths)) {
    for (const method of METHODS) {
      const operation = item[method];
      if (operation) completeOperation(`${method.toUpperCase()} ${path}`, method, operation, document);
    }
  }
  for (const schema of Object.values(document.components.schemas ?? {})) collapseLoneAllOf(schema);
  return document;
}

function completeOperation(where: string, method: string, operation: OperationObject, document: OpenAPIObject): void {
  const marks = operation as unknown as Record<string, unknown>;
  const isPublic = marks[PUBLIC_MARK] === true;
  const rateLimited = marks[RATE_LIMITED_MARK] === true;
  delete marks[PUBLIC_MARK];
  delete marks[RATE_LIMITED_MARK];

  const bearer = (operation.security ?? []).some((requirement) => 'bearer' in requirement);
  if (isPublic) operation.security = bearer ? [{ bearer: [] }, {}] : [];
  else if (!bearer) throw new Error(`${where} is neither @Public() nor declares the bearer token it needs`);

  addProblem(operation, ErrorCode.UNSUPPORTED_MEDIA_TYPE);
  if (method !== 'get') addProblem(operation, ErrorCode.PAYLOAD_TOO_LARGE);

  for (const media of Object.values((operation.requestBody as { content?: object } | undefined)?.content ?? {})) {
    refuseUnknownFields((media as { schema?: SchemaObject | Reference }).schema, document);
  }

  for (const [status, response] of Object.entries(operation.responses) as [string, ResponseObject][]) {
    const code = Number(status);
    const headers: Record<string, Header> = { 'X-Request-Id': headerRef('X-Request-Id'), 'Cache-Control': headerRef('Cache-Control') };
    const set = (name: string, component: ResponseHeaderName, optional = false) => {
      headers[name] = headerRef(component, { optional });
    };
    if (response.content?.[PROBLEM_TYPE]) {
      set('Content-Language', 'Content-Language');
      set('Vary', 'Vary', true);
    }
    if (code === 401 && bearer && !isPublic) set('WWW-Authenticate', 'WWW-Authenticate');
    if (code === 429) set('Retry-After', 'Retry-After');
    if (code === 503 && ErrorCode.AVATAR_BUSY in (response.content?.[PROBLEM_TYPE]?.examples ?? {})) {
      set('Retry-After', 'Retry-After-AvatarBusy');
    }
    const body = response.content?.['application/json']?.schema as Reference | undefined;
    if (code >= 200 && code < 300 && body?.$ref && TAGGED_BODIES.has(body.$ref)) set('ETag', 'ETag');
    if (rateLimited) {
      // A 2xx has passed the rate limit; an error may have come before it (a missing token, a
      // body refused unread) or from it (429 with Retry-After alone).
      const passed = code >= 200 && code < 300;
      if (passed || ![413, 415].includes(code)) {
        for (const name of ['X-RateLimit-Limit', 'X-RateLimit-Remaining', 'X-RateLimit-Reset'] as const) set(name, name, !passed);
      }
    }
    // A copy: Nest shares one response object among the routes of a class-level decorator.
    // Headers a route declares itself (the picture's) stay; the common ones come first.
    operation.responses[status] = { ...response, headers: { ...headers, ...response.headers } };
  }
}

/** Adds `code` to the problems of its status, as ApiProblems would have. */
function addProblem(operation: OperationObject, code: ErrorCode): void {
  const status = String(statusOf(code));
  const existing = operation.responses[status] as ResponseObject | undefined;
  const examples = existing?.content?.[PROBLEM_TYPE]?.examples ?? {};
  if (code in examples) return;
  const codes = [...(Object.keys(examples) as ErrorCode[]), code];
  operation.responses[status] = problemResponse(Number(status), codes);
  // Keep the responses in status order, as the rest of the document has them.
  operation.responses = Object.fromEntries(Object.entries(operation.responses).sort(([a], [b]) => a.localeCompare(b)));
}

function refuseUnknownFields(schema: SchemaObject | Reference | undefined, document: OpenAPIObject): void {
  if (!schema) return;
  const target = '$ref' in schema ? document.components?.schemas?.[schema.$ref.split('/').pop()!] : schema;
  if (target && !('$ref' in target) && target.type === 'object') target.additionalProperties = false;
}

/** `{allOf: [X]}` with nothing beside it is X (Nest writes it for a bare enum reference). */
function collapseLoneAllOf(schema: SchemaObject | Reference): void {
  if ('$ref' in schema) return;
  for (const [name, property] of Object.entries(schema.properties ?? {})) {
    if ('allOf' in property && property.allOf?.length === 1 && Object.keys(property).length === 1) {
      schema.properties![name] = property.allOf[0];
    }
  }
}
