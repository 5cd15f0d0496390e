// NestJS 12 and some of its dependencies ship only ESM, which Jest on Node 20 cannot require():
// every ES module is compiled to CommonJS (see test/support/swc-esm-transformer.cjs).
const shared = {
  testEnvironment: 'node',
  moduleFileExtensions: ['ts', 'js', 'cjs', 'mjs', 'json'],
  transform: { '^.+\\.(t|j|cj|mj)s$': '<rootDir>/test/support/swc-esm-transformer.cjs' },
  transformIgnorePatterns: [],
};

/** @type {import('jest').Config} */
module.exports = {
  projects: [
    { ...shared, displayName: 'unit', rootDir: __dirname, testMatch: ['<rootDir>/src/**/*.spec.ts'] },
    {
      ...shared,
      displayName: 'e2e',
      rootDir: __dirname,
      testMatch: ['<rootDir>/test/**/*.e2e-spec.ts'],
      testPathIgnorePatterns: ['/node_modules/', '<rootDir>/test/servers/'],
    },
    {
      // Suites that start PostgreSQL server binaries (initdb) or redis-server of their own
      // (npm run test:servers); not part of npm test, which needs nothing but Node.js.
      ...shared,
      displayName: 'servers',
      rootDir: __dirname,
      testMatch: ['<rootDir>/test/servers/**/*.e2e-spec.ts'],
    },
    {
      // Attacks on the service (npm run test:hardening); not part of npm test.
      ...shared,
      displayName: 'hardening',
      rootDir: __dirname,
      testMatch: ['<rootDir>/test/hardening/**/*.hardening-spec.ts'],
    },
    {
      // Swagger UI and the mail links' pages in Debian's Chromium through playwright-core (npm run test:browser); not part of npm test.
      ...shared,
      displayName: 'browser',
      rootDir: __dirname,
      testMatch: ['<rootDir>/test/browser/**/*.browser-spec.ts'],
    },
  ],
  testTimeout: 60_000,
  // In CI a run leaves once its tests have ended, even when a failed test left a socket open:
  // waiting on it would turn the failure into CI's time limit, with no report.
  forceExit: process.env.CI === 'true',
};
