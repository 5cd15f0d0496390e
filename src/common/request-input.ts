import { FieldError } from './problem.exception';

/** No request of this API nests deeper than a field holding a list: anything far deeper is hostile. */
const MAX_DEPTH = 16;

/**
 * The largest route takes a dozen fields: a body or query with more keys than this, counted at
 * every depth, is refused before anything walks it further (validating thousands of keys costs
 * the event loop hundreds of milliseconds).
 */
export const MAX_KEYS = 100;

/** A lone surrogate: UTF-16 that no UTF-8 encoding (PostgreSQL's) can hold. */
const LONE_SURROGATE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/;

/**
 * What is wrong with a parsed body or query as a whole, before any DTO sees it: more keys or
 * deeper nesting than any request of this API has, or text PostgreSQL cannot store (NUL, lone
 * surrogates). Walks iteratively and stops at the first problem, so that neither depth nor
 * size can make it expensive.
 */
export function inputProblem(input: unknown): FieldError | undefined {
  const stack: { value: unknown; path: string; depth: number }[] = [{ value: input, path: '', depth: 0 }];
  let keys = 0;
  while (stack.length > 0) {
    const { value, path, depth } = stack.pop()!;
    if (typeof value === 'string') {
      if (value.includes('\u0000') || LONE_SURROGATE.test(value)) {
        return { field: path, message: `${path || 'the body'} must be well-formed Unicode text without NUL characters.` };
      }
    } else if (typeof value === 'object' && value !== null) {
      if (depth >= MAX_DEPTH) {
        return { field: path, message: `The request nests deeper than ${MAX_DEPTH} levels.` };
      }
      for (const key in value) {
        if (!Object.hasOwn(value, key)) continue;
        if (++keys > MAX_KEYS) return { field: '', message: `The request has more than ${MAX_KEYS} fields.` };
        stack.push({ value: (value as Record<string, unknown>)[key], path: path ? `${path}.${key}` : key, depth: depth + 1 });
      }
    }
  }
  return undefined;
}
