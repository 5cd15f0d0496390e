import { FieldError } from './problem.exception';

/** No request of this API nests deeper than a field holding a list: anything far deeper is hostile. */
const MAX_DEPTH = 16;

/** A lone surrogate: UTF-16 that no UTF-8 encoding (PostgreSQL's) can hold. */
const LONE_SURROGATE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/;

/**
 * What is wrong with a parsed body or query as a whole, before any DTO sees it: nesting deep
 * enough to exhaust the stack of the libraries that walk it, or text PostgreSQL cannot store
 * (NUL, lone surrogates). Walks iteratively, so that depth itself cannot hurt it.
 */
export function inputProblem(input: unknown): FieldError | undefined {
  const stack: { value: unknown; path: string; depth: number }[] = [{ value: input, path: '', depth: 0 }];
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
      for (const [key, inner] of Object.entries(value)) {
        stack.push({ value: inner, path: path ? `${path}.${key}` : key, depth: depth + 1 });
      }
    }
  }
  return undefined;
}
