import type { FieldProblem } from '../problems/problem.exception';

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

const tooManyKeys: FieldProblem = { field: '', message: { key: 'validation.request.tooManyFields', params: { max: MAX_KEYS } } };
const tooDeep: FieldProblem = { field: '', message: { key: 'validation.request.tooDeep', params: { max: MAX_DEPTH } } };

const QUOTE = 0x22;
const BACKSLASH = 0x5c;

/**
 * The same limits as inputProblem, read off the raw bytes of a JSON body before it is parsed:
 * JSON.parse of an object of 11,000 keys costs the event loop 7 ms, a scan of its bytes a few
 * hundred microseconds. Counts object members (colons) and list items after the first
 * (commas in a list) outside strings, so it never refuses what inputProblem would take; what it
 * lets through is checked again, exactly, once parsed. UTF-8 never puts these ASCII bytes
 * inside a multi-byte character, so bytes can be read one by one.
 */
export function jsonShapeProblem(json: Uint8Array): FieldProblem | undefined {
  const inList: boolean[] = [];
  let keys = 0;
  for (let i = 0; i < json.length; i++) {
    switch (json[i]) {
      case QUOTE:
        // Skip the string: an escaped character is two bytes.
        for (i++; i < json.length && json[i] !== QUOTE; i++) if (json[i] === BACKSLASH) i++;
        break;
      case 0x7b: // {
      case 0x5b: // [
        if (inList.push(json[i] === 0x5b) > MAX_DEPTH) return tooDeep;
        break;
      case 0x7d: // }
      case 0x5d: // ]
        inList.pop();
        break;
      case 0x3a: // :
        if (++keys > MAX_KEYS) return tooManyKeys;
        break;
      case 0x2c: // ,
        if (inList.at(-1) && ++keys > MAX_KEYS) return tooManyKeys;
        break;
    }
  }
  return undefined;
}

/**
 * What is wrong with a parsed body or query as a whole, before any DTO sees it: more keys or
 * deeper nesting than any request of this API has, or text PostgreSQL cannot store (NUL, lone
 * surrogates). Walks iteratively and stops at the first problem, so that neither depth nor
 * size can make it expensive.
 */
export function inputProblem(input: unknown): FieldProblem | undefined {
  const stack: { value: unknown; path: string; depth: number }[] = [{ value: input, path: '', depth: 0 }];
  let keys = 0;
  while (stack.length > 0) {
    const { value, path, depth } = stack.pop()!;
    if (typeof value === 'string') {
      if (value.includes('\u0000') || LONE_SURROGATE.test(value)) {
        const message = path
          ? { key: 'validation.field.notUnicode' as const, params: { field: path } }
          : { key: 'validation.request.bodyNotUnicode' as const };
        return { field: path, message };
      }
    } else if (typeof value === 'object' && value !== null) {
      if (depth >= MAX_DEPTH) return { ...tooDeep, field: path };
      for (const key in value) {
        if (!Object.hasOwn(value, key)) continue;
        if (++keys > MAX_KEYS) return tooManyKeys;
        stack.push({ value: (value as Record<string, unknown>)[key], path: path ? `${path}.${key}` : key, depth: depth + 1 });
      }
    }
  }
  return undefined;
}
