/**
 * Jest runs TypeScript through @swc/jest (fast, no type-check: `npm run typecheck` does that).
 * @middy/core 7 and @octokit/webhooks-methods 6 ship ESM only, so the custom resolver retries
 * with the `import` condition and swc transforms those packages to CommonJS too.
 */
/** @type {import('jest').Config} */
module.exports = {
  testEnvironment: 'node',
  roots: ['<rootDir>/test'],
  testMatch: ['**/*.test.ts'],
  // test/e2e needs Debian packages (awscli, chromium): `npm run test:e2e`, see jest.e2e.config.cjs.
  testPathIgnorePatterns: ['/node_modules/', '<rootDir>/test/e2e/'],
  resolver: '<rootDir>/test/support/esm-fallback-resolver.cjs',
  transform: {
    '^.+\\.(t|j|mj)sx?$': ['@swc/jest', { jsc: { target: 'es2022' }, module: { type: 'commonjs' } }],
  },
  transformIgnorePatterns: ['/node_modules/(?!(@middy|@octokit)/)'],
  moduleFileExtensions: ['ts', 'js', 'mjs', 'cjs', 'json'],
  setupFilesAfterEnv: ['<rootDir>/test/support/setup.ts'],
  // Synthesizes the IAM policy model the sandbox enforces once, before the workers start.
  globalSetup: '<rootDir>/test/support/global-setup.ts',
  // Turns a server, socket or timer a suite left open into a red run instead of a hung one.
  globalTeardown: '<rootDir>/test/support/global-teardown.ts',
  testTimeout: 60000,
};
