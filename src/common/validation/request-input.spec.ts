import { FieldProblem, renderText } from '../problems/problem.exception';
import * as requestInput from './request-input';
import { MAX_KEYS } from './request-input';

/** A field problem as an English answer shows it. */
const inEnglish = (problem: FieldProblem | undefined) => problem && { field: problem.field, message: renderText('en', problem.message) };
const inputProblem = (input: unknown) => inEnglish(requestInput.inputProblem(input));
const jsonShapeProblem = (json: Uint8Array) => inEnglish(requestInput.jsonShapeProblem(json));

describe('inputProblem', () => {
  it('lets ordinary input through, unicode included', () => {
    expect(inputProblem({ name: 'Zoë 🙂 ‏שלום', tags: ['a', { b: 1 }], n: null })).toBeUndefined();
    expect(inputProblem(undefined)).toBeUndefined();
  });

  it.each([
    ['a NUL', { name: 'a\u0000b' }, 'name'],
    ['a lone high surrogate', { email: '\ud800' }, 'email'],
    ['a lone low surrogate after other text', { firstname: 'é\udc00' }, 'firstname'],
    ['a reversed pair', { name: '\udc00\ud800' }, 'name'],
    ['a bad string deep inside', { a: [{ b: 'x\u0000' }] }, 'a.0.b'],
  ])('refuses %s, naming where it is', (_case, input, field) => {
    expect(inputProblem(input)).toEqual({ field, message: expect.stringContaining('well-formed') });
  });

  it('refuses nesting past 16 levels without exhausting the stack itself', () => {
    let deep: unknown = 'x';
    for (let i = 0; i < 100_000; i++) deep = [deep];
    expect(inputProblem({ password: deep })).toEqual({ field: expect.stringMatching(/^password/), message: expect.stringContaining('16') });
    let fine: unknown = 'x';
    for (let i = 0; i < 15; i++) fine = [fine];
    expect(inputProblem(fine)).toBeUndefined();
  });
});

describe('inputProblem: size', () => {
  const withKeys = (count: number) => Object.fromEntries(Array.from({ length: count }, (_, i) => [`k${i}`, i]));

  it(`takes ${MAX_KEYS} keys and refuses one more, counted at every depth`, () => {
    expect(inputProblem(withKeys(MAX_KEYS))).toBeUndefined();
    expect(inputProblem(withKeys(MAX_KEYS + 1))).toEqual({ field: '', message: `The request has more than ${MAX_KEYS} fields.` });
    expect(inputProblem({ a: withKeys(MAX_KEYS - 1), b: 1 })).toEqual(expect.objectContaining({ field: '' }));
    expect(inputProblem({ list: Array.from({ length: MAX_KEYS + 1 }, () => 'x') })).toEqual(expect.objectContaining({ field: '' }));
  });

  it('stops at the first key past the limit instead of walking the rest', () => {
    const reads: string[] = [];
    const huge = new Proxy(withKeys(20_000), {
      get(target, key, receiver) {
        if (typeof key === 'string') reads.push(key);
        return Reflect.get(target, key, receiver);
      },
    });
    expect(inputProblem(huge)).toEqual(expect.objectContaining({ field: '' }));
    expect(reads.length).toBeLessThanOrEqual(MAX_KEYS + 1);
  });
});

describe('jsonShapeProblem', () => {
  const bytes = (value: unknown) => Buffer.from(typeof value === 'string' ? value : JSON.stringify(value));
  const withKeys = (count: number) => Object.fromEntries(Array.from({ length: count }, (_, i) => [`k${i}`, i]));

  it('takes what inputProblem takes', () => {
    for (const body of [withKeys(MAX_KEYS), { a: Array.from({ length: MAX_KEYS - 1 }, () => 1) }, { s: 'a:b,c{[' }, '"x"', []]) {
      expect(inputProblem(JSON.parse(bytes(body).toString()))).toBeUndefined();
      expect(jsonShapeProblem(bytes(body))).toBeUndefined();
    }
  });

  it('refuses more keys than MAX_KEYS before parsing, in objects and lists', () => {
    expect(jsonShapeProblem(bytes(withKeys(MAX_KEYS + 1)))).toEqual({ field: '', message: `The request has more than ${MAX_KEYS} fields.` });
    expect(jsonShapeProblem(bytes({ list: Array.from({ length: MAX_KEYS + 2 }, () => 1) }))).toEqual(expect.objectContaining({ field: '' }));
  });

  it('refuses nesting past 16 levels, and counts nothing inside strings, escaped quotes included', () => {
    expect(jsonShapeProblem(bytes('['.repeat(17) + ']'.repeat(17)))).toEqual(expect.objectContaining({ message: expect.stringContaining('16') }));
    expect(jsonShapeProblem(bytes('['.repeat(16) + ']'.repeat(16)))).toBeUndefined();
    const text = JSON.stringify({ s: `"${':,{['.repeat(500)}\\"` });
    expect(jsonShapeProblem(bytes(text))).toBeUndefined();
    expect(jsonShapeProblem(bytes({ s: 'é😀:', t: 'ü' }))).toBeUndefined();
  });
});
