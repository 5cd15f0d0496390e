import Ajv, { ValidateFunction } from 'ajv';
import addFormats from 'ajv-formats';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';

/**
 * The committed OpenAPI document as a contract: every response the end-to-end suite sees is
 * checked against the operation and status the document gives it: the status is declared, the
 * body matches its schema, a problem's code is one the document lists for it, and each header
 * the document declares required for that status is there; so the document cannot drift from
 * the behaviour.
 */
type Schema = Record<string, unknown>;
type Reference = { $ref: string };
interface Header {
  required?: boolean;
}
interface Operation {
  responses: Record<
    string,
    {
      content?: Record<string, { schema: Schema; examples?: Record<string, unknown> }>;
      headers?: Record<string, Header | Reference>;
    }
  >;
}

const document = JSON.parse(readFileSync(join(__dirname, '..', '..', 'openapi.json'), 'utf8')) as {
  paths: Record<string, Record<string, Operation>>;
  components: { schemas: Record<string, Schema>; headers?: Record<string, Header> };
};

/** A response's headers as fetch gives them, or as a plain object (any case). */
export type ResponseHeaders = Headers | Record<string, string | string[] | undefined>;

function hasHeader(headers: ResponseHeaders, name: string): boolean {
  if (headers instanceof Headers) return headers.has(name);
  return Object.entries(headers).some(([key, value]) => key.toLowerCase() === name.toLowerCase() && value !== undefined);
}

/** The headers the document requires on a response: a `$ref` is resolved in components.headers. */
function requiredHeaders(declared: Record<string, Header | Reference> = {}): string[] {
  return Object.entries(declared)
    .filter(([, header]) => ('$ref' in header ? document.components.headers?.[header.$ref.split('/').pop()!] : header)?.required)
    .map(([name]) => name);
}

/** OpenAPI 3.0's `nullable` is not JSON Schema: `{type: t, nullable: true}` becomes `[t, 'null']`. */
function toJsonSchema(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(toJsonSchema);
  if (typeof value !== 'object' || value === null) return value;
  const { nullable, ...rest } = value as Schema;
  const converted = Object.fromEntries(Object.entries(rest).map(([key, inner]) => [key, toJsonSchema(inner)]));
  if (nullable === true && typeof converted.type === 'string') converted.type = [converted.type, 'null'];
  if (nullable === true && Array.isArray(converted.enum)) converted.enum = [...converted.enum, null];
  return converted;
}

const ajv = new Ajv({ strict: false, allErrors: true });
addFormats(ajv);
ajv.addSchema({ $id: 'openapi', components: toJsonSchema(document.components) }, 'openapi');

const routes = Object.entries(document.paths).map(([template, operations]) => ({
  pattern: new RegExp(`^${template.replace(/\{[^}]+\}/g, '[^/]+')}$`),
  operations,
}));
const validators = new Map<string, ValidateFunction>();

function validator(schema: Schema): ValidateFunction {
  const key = JSON.stringify(schema);
  let validate = validators.get(key);
  if (!validate) {
    const resolved = JSON.parse(key.replaceAll('"#/components/', '"openapi#/components/'));
    validate = ajv.compile(toJsonSchema(resolved) as Schema);
    validators.set(key, validate);
  }
  return validate;
}

/**
 * What is wrong with a response by the document, or undefined when it conforms. A path or
 * method the document does not describe (Swagger UI's files, an unknown route, a preflight)
 * is no operation of the API and is not checked. Headers are checked when they are given.
 */
export function contractViolation(
  method: string,
  url: string,
  status: number,
  contentType: string | null,
  body: unknown,
  headers?: ResponseHeaders,
): string | undefined {
  const path = new URL(url, 'http://x').pathname;
  const operation = routes.find(({ pattern }) => pattern.test(path))?.operations[method.toLowerCase()];
  if (!operation) return undefined;
  const where = `${method} ${path} → ${status}`;
  const response = operation.responses[String(status)];
  if (!response) return `${where}: the document lists no such status`;
  const missing = headers ? requiredHeaders(response.headers).filter((name) => !hasHeader(headers, name)) : [];
  if (missing.length > 0) return `${where}: no ${missing.join(', ')} header, which the document declares required`;
  if (!response.content) return undefined;
  const mediaType = contentType?.split(';')[0].trim() ?? '';
  const content = response.content[mediaType];
  if (!content) return `${where}: the document has no ${mediaType || 'body'} for it`;
  const validate = validator(content.schema);
  if (!validate(body)) return `${where}: ${ajv.errorsText(validate.errors)}`;
  // A problem's examples list every code the route documents for that status.
  const code = (body as { code?: unknown } | null)?.code;
  if (content.examples && typeof code === 'string' && !(code in content.examples)) {
    return `${where}: the document lists no ${code} example (${Object.keys(content.examples).join(', ')})`;
  }
  return undefined;
}
