import fc from 'fast-check';
import { randomInt } from 'node:crypto';
import { useMailedApp } from '../support/mailed-app';
import { uniqueEmail } from '../support/unique';
import { fuzzString } from './support/fuzz-arbitraries';

/**
 * The mail links' pages under random input, as an outsider would send it: any of the five
 * paths, GET with any query or POST with any body, any content type, any Accept-Language, one
 * live link among the random ones. Every answer is a page or a 4xx problem, never a 5xx; no
 * input comes back unescaped; the live link still works afterwards. FUZZ_SEED replays a run.
 */
const PATHS = ['/verify-email', '/reset-password', '/accept-invite', '/confirm-email-change', '/cancel-email-change'];
const FIELDS = ['token', 'new_password', 'new_password_confirmation', 'token[]', '__proto__', 'constructor', 'name', ''];
const RUNS = 2_000;
const SEED = process.env.FUZZ_SEED ? Number.parseInt(process.env.FUZZ_SEED, 10) : randomInt(2 ** 31 - 1);
const MARKUP = '<script>alert(1)</script>';

type Form = [string, string][];
interface PageRequest {
  path: string;
  method: 'GET' | 'POST';
  fields: Form;
  contentType: string | null;
  language: string | null;
}

describe(`the pages under random input (seed ${SEED}, ${RUNS} requests)`, () => {
  const { api, sink } = useMailedApp({ RATE_LIMIT_AUTH_PER_MINUTE: '1000000' });

  it('answers every request with a page or a 4xx problem, escapes what it shows, and keeps a live link working', async () => {
    const { user, token } = await api.register({ email: uniqueEmail('pages-fuzz') });
    const mail = await sink().nextMail(user.email, 'Confirm your email address');
    const live = sink().linkToken(mail);

    const field = fc.tuple(fc.constantFrom(...FIELDS), fc.oneof(fuzzString, fc.constant(MARKUP), fc.constant(live)));
    const request: fc.Arbitrary<PageRequest> = fc.record({
      path: fc.constantFrom(...PATHS),
      method: fc.constantFrom('GET' as const, 'POST' as const),
      fields: fc.array(field, { maxLength: 5 }),
      contentType: fc.constantFrom('application/x-www-form-urlencoded', 'application/json', 'text/plain', 'multipart/form-data; boundary=x', null),
      language: fc.option(fc.oneof(fc.constantFrom('es', 'es-MX,en;q=0.5', '*', 'xx'), fuzzString.filter((s) => /^[\x20-\x7e]*$/.test(s)))),
    });
    const samples = fc.sample(request, { numRuns: RUNS, seed: SEED });

    const failures: string[] = [];
    const kinds = { page: 0, problem: 0 };
    for (const sample of samples) {
      const form = new URLSearchParams(sample.fields).toString();
      const headers: Record<string, string> = {};
      if (sample.contentType && sample.method === 'POST') headers['content-type'] = sample.contentType;
      if (sample.language !== null) headers['accept-language'] = sample.language.slice(0, 4_000);
      // A GET of the live link's path must not spend it: only a POST may.
      const url = sample.method === 'GET' ? `${api.baseUrl}${sample.path}?${form}` : `${api.baseUrl}${sample.path}`;
      const response = await fetch(url, { method: sample.method, headers, body: sample.method === 'POST' ? form : undefined });
      const text = await response.text();
      const type = response.headers.get('content-type') ?? '';
      const what = `${sample.method} ${sample.path} ${JSON.stringify(sample.fields).slice(0, 200)} → ${response.status} ${type}`;
      if (response.status >= 500) failures.push(`${what}: a 5xx`);
      else if (type.startsWith('text/html')) {
        kinds.page++;
        if (text.includes(MARKUP) || /<script/i.test(text)) failures.push(`${what}: markup came back unescaped`);
        if (!/^<!doctype html>\n<html lang="(en|es)">/.test(text)) failures.push(`${what}: not a page`);
        if (!response.headers.get('content-security-policy')?.startsWith("default-src 'none'")) failures.push(`${what}: no page policy`);
      } else if (type.startsWith('application/problem+json') && response.status >= 400) {
        kinds.problem++;
      } else {
        failures.push(`${what}: neither a page nor a 4xx problem`);
      }
    }
    expect(failures.slice(0, 10)).toEqual([]);
    // Both kinds of answer were met often: the run was not all refused before the pages.
    expect(kinds.page).toBeGreaterThan(RUNS / 10);
    expect(kinds.problem).toBeGreaterThan(RUNS / 10);

    // The live link was sent in random forms: it verifies now, or a page's POST spent it doing just that.
    const verified = await api.post('/auth/verify-email', { body: { token: live } });
    if (verified.status !== 200) {
      expect(verified.body.code).toBe('INVALID_TOKEN');
      expect((await api.get('/users', { token })).body.email_verified).toBe(true);
    }
  }, 300_000);
});
