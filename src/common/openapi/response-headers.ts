import type { HeaderObject } from '@nestjs/swagger';

/**
 * The response headers the service sends, as reusable OpenAPI header objects
 * (`components.headers`); complete-contract.ts says which answers carry each.
 */
export const RESPONSE_HEADERS = {
  'X-Request-Id': {
    description: 'The id of this request, in the log line of its answer: the caller\'s own X-Request-Id when it is a sane token (1 to 128 of `A-Za-z0-9._:-`), else a new UUID',
    required: true,
    schema: { type: 'string', maxLength: 128 },
  },
  // Problems' title and detail follow Accept-Language (en, es; English when none matches).
  'Content-Language': {
    description: 'The language of the problem\'s `title` and `detail`, from Accept-Language (English when it names no language the service has); `code` never changes',
    required: true,
    schema: { type: 'string', enum: ['en', 'es'] },
  },
  'WWW-Authenticate': {
    description: 'RFC 6750: `Bearer`, or `Bearer error="invalid_token"` when the access token sent is what failed',
    required: true,
    schema: { type: 'string', example: 'Bearer error="invalid_token"' },
  },
  'Retry-After': {
    description: 'Seconds to wait before trying again',
    required: true,
    schema: { type: 'integer', minimum: 0, example: 60 },
  },
  'Retry-After-AvatarBusy': {
    description: 'Seconds to wait before trying again: with AVATAR_BUSY (the picture decoder at capacity), not when a dependency is away',
    required: false,
    schema: { type: 'integer', minimum: 0, example: 5 },
  },
  ETag: {
    description: 'The strong entity tag of the user (its version), for If-Match on PUT /users and PUT /api/users/{id}',
    required: true,
    schema: { type: 'string', example: '"3"' },
  },
  'X-RateLimit-Limit': {
    description: 'RATE_LIMIT_AUTH_PER_MINUTE: the requests a minute one client address may make to the rate-limited routes',
    required: true,
    schema: { type: 'integer', minimum: 0 },
  },
  'X-RateLimit-Remaining': {
    description: 'What is left of that budget in the current minute',
    required: true,
    schema: { type: 'integer', minimum: 0 },
  },
  'X-RateLimit-Reset': {
    description: 'Seconds until the current minute ends and the budget is whole again',
    required: true,
    schema: { type: 'integer', minimum: 0 },
  },
  'Cache-Control': {
    description: 'Answers carry account data and tokens, which no cache may keep (a route whose answer may be cached says so instead)',
    required: true,
    schema: { type: 'string', enum: ['no-store'] },
  },
  Vary: {
    description: 'A problem\'s texts depend on Accept-Language (and, with CORS, an answer on Origin): a cache keeps one answer a language',
    required: false,
    schema: { type: 'string', example: 'Origin, Accept-Language' },
  },
  'Cache-Control-Immutable': {
    description: 'A picture\'s bytes never change under its name: any cache may keep it for good',
    required: true,
    schema: { type: 'string', enum: ['public, max-age=31536000, immutable'] },
  },
  'Cross-Origin-Resource-Policy': {
    description: 'A frontend on another origin may show the picture in an <img>',
    required: true,
    schema: { type: 'string', enum: ['cross-origin'] },
  },
  'ETag-Picture': {
    description: 'The picture\'s hash, quoted: send it as If-None-Match for a 304',
    required: true,
    schema: { type: 'string', example: '"5d41402abc4b2a76b9719d911017c592"' },
  },
  'Cache-Control-Public-Keys': {
    description: 'How long a verifier may keep the document (JWKS_MAX_AGE): a new key is published twice this long before it signs',
    required: true,
    schema: { type: 'string', example: 'public, max-age=300' },
  },
  'ETag-Public-Keys': {
    description: 'The document\'s hash, quoted: send it as If-None-Match for a 304 while the keys are the same',
    required: true,
    schema: { type: 'string', example: '"bV4bxcZ2NaG0hbc3AWw6ZU2ivSyvGsx"' },
  },
} satisfies Record<string, HeaderObject>;

export type ResponseHeaderName = keyof typeof RESPONSE_HEADERS;

/** A reference to one of RESPONSE_HEADERS, optional where only some answers of a status carry it. */
export function headerRef(name: ResponseHeaderName, { optional = false } = {}): HeaderObject | { $ref: string } {
  const $ref = `#/components/headers/${name}`;
  if (!optional || !RESPONSE_HEADERS[name].required) return { $ref };
  // A $ref allows no sibling: the optional variant is the header object itself.
  return { ...RESPONSE_HEADERS[name], required: false };
}
