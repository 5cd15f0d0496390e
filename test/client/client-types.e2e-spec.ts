import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import * as ts from 'typescript';
import { ApiError, createClient } from '../../client/example';
import { png } from '../support/images';
import { useTestApp } from '../support/test-app';
import { uniqueEmail } from '../support/unique';

/**
 * The typed client for frontend teams (client/): api.d.ts is what openapi-typescript makes of
 * the committed openapi.json today, and client/example.ts type-checks against it under strict
 * options, with every call that breaks the contract refused by the compiler.
 */
const ROOT = resolve(__dirname, '../..');
const GENERATED = join(ROOT, 'client/api.d.ts');
const EXAMPLE = join(ROOT, 'client/example.ts');
const DIRECTIVE = /\/\/ @ts-expect-error\b.*$/;

/** What a frontend project would use: a browser, a bundler, no Node types, the strictest checks. */
const FRONTEND_OPTIONS: ts.CompilerOptions = {
  strict: true,
  exactOptionalPropertyTypes: true,
  noUncheckedIndexedAccess: true,
  noImplicitReturns: true,
  noImplicitOverride: true,
  noFallthroughCasesInSwitch: true,
  verbatimModuleSyntax: true,
  isolatedModules: true,
  target: ts.ScriptTarget.ES2022,
  module: ts.ModuleKind.ESNext,
  moduleResolution: ts.ModuleResolutionKind.Bundler,
  lib: ['lib.es2022.d.ts', 'lib.dom.d.ts'],
  types: [],
  noEmit: true,
  // api.d.ts is checked too; only TypeScript's own lib files are skipped.
  skipLibCheck: false,
  skipDefaultLibCheck: true,
};

function format(diagnostics: readonly ts.Diagnostic[]): string {
  return ts.formatDiagnostics(diagnostics, {
    getCanonicalFileName: (name) => name,
    getCurrentDirectory: () => ROOT,
    getNewLine: () => '\n',
  });
}

function lineOf(diagnostic: ts.Diagnostic): number {
  return diagnostic.file!.getLineAndCharacterOfPosition(diagnostic.start!).line;
}

describe('the typed client (npm run client)', () => {
  describe('client/api.d.ts', () => {
    it('is what openapi-typescript generates from the committed openapi.json now', () => {
      const dir = mkdtempSync(join(tmpdir(), 'openapi-typescript-'));
      try {
        const cli = join(ROOT, 'node_modules/openapi-typescript/bin/cli.js');
        const fresh = join(dir, 'api.d.ts');
        // The same command as `npm run client`, written elsewhere.
        execFileSync(process.execPath, [cli, 'openapi.json', '-o', fresh], { cwd: ROOT, stdio: 'pipe' });
        expect(readFileSync(GENERATED, 'utf8')).toBe(readFileSync(fresh, 'utf8'));
      } finally {
        rmSync(dir, { recursive: true, force: true });
      }
    });
  });

  describe('client/example.ts', () => {
    let program: ts.Program;

    beforeAll(() => {
      program = ts.createProgram([EXAMPLE], FRONTEND_OPTIONS);
    });

    it('type-checks with no diagnostic under strict frontend options', () => {
      const diagnostics = ts.getPreEmitDiagnostics(program);
      expect(format(diagnostics)).toBe('');
      // The types came from the generated file, not from somewhere else.
      expect(program.getSourceFile(GENERATED)).toBeDefined();
    });

    it('refuses every wrong call: each @ts-expect-error line is an error without its directive', () => {
      const source = readFileSync(EXAMPLE, 'utf8');
      const lines = source.split('\n');
      const expected = lines.flatMap((line, index) => (DIRECTIVE.test(line) ? [index + 1] : []));
      expect(expected.length).toBeGreaterThanOrEqual(6);

      // The same file with each directive blanked out, so that line numbers stay.
      const stripped = lines.map((line) => line.replace(DIRECTIVE, '//')).join('\n');
      const host = ts.createCompilerHost(FRONTEND_OPTIONS);
      const getSourceFile = host.getSourceFile.bind(host);
      host.getSourceFile = (fileName, languageVersion, ...rest) =>
        resolve(fileName) === EXAMPLE
          ? ts.createSourceFile(fileName, stripped, languageVersion, true)
          : getSourceFile(fileName, languageVersion, ...rest);
      const unguarded = ts.createProgram([EXAMPLE], FRONTEND_OPTIONS, host, program);
      const diagnostics = ts.getPreEmitDiagnostics(unguarded);

      // Every error is in example.ts, on a line that a directive guarded, and every such line has one.
      const elsewhere = diagnostics.filter((d) => resolve(d.file?.fileName ?? '') !== EXAMPLE);
      expect(format(elsewhere)).toBe('');
      const errorLines = [...new Set(diagnostics.map(lineOf))].sort((a, b) => a - b);
      expect(errorLines).toEqual(expected);
    });
  });

  describe('at run time, against the service', () => {
    const api = useTestApp();

    it('registers, logs in and changes the profile', async () => {
      const client = createClient(api.baseUrl);
      const email = uniqueEmail('typed');
      const password = 'correct-horse-battery';

      const registered = await client.register({ email, password, name: 'Typed Client' });
      expect(registered.user).toMatchObject({ email, name: 'Typed Client', role: 'USER' });

      const login = await client.login({ email, password });
      // The type makes a caller tell the token pair from a login waiting for its second factor.
      if ('mfa_required' in login) throw new Error('this account has no second factor');
      const tokens = login;
      expect(tokens.token_type).toBe('Bearer');

      const user = await client.updateProfile(tokens.access_token, { name: 'Typed Again' });
      expect(user).toMatchObject({ id: registered.user.id, name: 'Typed Again' });
      expect(user).not.toHaveProperty('password_hash');

      // The service agrees; and through the suite's client, this answer is checked for secrets
      // (the password included) and against the contract when the app closes.
      api.passwordsSent.add(password);
      const me = await api.get('/users', { token: tokens.access_token });
      expect(me.body).toEqual(user);

      const pictured = await client.uploadAvatar(tokens.access_token, new Blob([new Uint8Array(await png(40, 30))], { type: 'image/png' }));
      expect(pictured.image_path).toMatch(/^\/avatars\/[0-9a-f]{64}\.webp$/);

      // Two sessions (sign-up and login): the login's ends the sign-up's.
      const devices = await client.sessions(tokens.access_token);
      expect(devices.map((session) => session.current).sort()).toEqual([false, true]);
      await client.endSession(tokens.access_token, devices.find((session) => !session.current)!.id);
      expect((await api.get('/users', { token: registered.access_token })).status).toBe(401);

      const taken = await client.register({ email, password, name: 'Twice' }).catch((error: unknown) => error);
      expect(taken).toBeInstanceOf(ApiError);
      expect(taken).toMatchObject({ status: 409, problem: { code: 'EMAIL_TAKEN' } });
    });
  });
});
