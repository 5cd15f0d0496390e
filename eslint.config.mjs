import js from '@eslint/js';
import globals from 'globals';
import tseslint from 'typescript-eslint';

export default tseslint.config(
  { ignores: ['dist/', 'node_modules/', 'coverage/', 'data/', 'client/api.d.ts'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    languageOptions: { globals: globals.node },
    rules: {
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
    },
  },
  // The shape of src/: infrastructure (and access, the route decorators every feature uses)
  // knows no feature, and auth uses users, never the reverse (users reaches auth through
  // AccountSecurity). Loops between files: madge; between folders: scripts/folder-cycles.mjs.
  {
    files: ['src/{common,config,database,redis,logging,health,access}/**/*.ts'],
    ignores: ['**/*.spec.ts'],
    rules: {
      'no-restricted-imports': [
        'error',
        { patterns: [{ group: ['**/users/**', '**/auth/**', '**/mail/**', '**/avatars/**', '**/audit/**'], message: 'Infrastructure folders import no feature folder.' }] },
      ],
    },
  },
  {
    files: ['src/mail/**/*.ts'],
    ignores: ['**/*.spec.ts'],
    rules: {
      'no-restricted-imports': [
        'error',
        { patterns: [{ group: ['**/users/**', '**/auth/**', '**/avatars/**', '**/audit/**'], message: 'mail knows no account: features hand it finished mails.' }] },
      ],
    },
  },
  {
    files: ['src/audit/**/*.ts'],
    ignores: ['**/*.spec.ts'],
    rules: {
      'no-restricted-imports': [
        'error',
        { patterns: [{ group: ['**/users/**', '**/auth/**', '**/avatars/**'], message: 'audit knows no feature: features write their events to it.' }] },
      ],
    },
  },
  {
    files: ['src/users/**/*.ts'],
    ignores: ['**/*.spec.ts'],
    rules: {
      'no-restricted-imports': [
        'error',
        { patterns: [{ group: ['**/auth/**', '**/avatars/**'], message: 'users imports neither auth (use AccountSecurity) nor avatars, which uses it.' }] },
      ],
    },
  },
  {
    files: ['test/**/*.ts', '**/*.spec.ts'],
    languageOptions: { globals: globals.jest },
    rules: { '@typescript-eslint/no-explicit-any': 'off', '@typescript-eslint/no-non-null-assertion': 'off' },
  },
  {
    files: ['**/*.cjs', 'jest.config.js'],
    rules: { '@typescript-eslint/no-require-imports': 'off' },
  },
);
