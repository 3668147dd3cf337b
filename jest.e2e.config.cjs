/**
 * End-to-end suites that drive software we did not write against the sandbox: Debian's AWS CLI v2
 * (`/usr/bin/aws`) and Debian's Chromium through playwright-core. They need those Debian packages
 * (`.ci/run` installs them with apt-get), so they run apart from `npm test` as `npm run test:e2e`.
 */
const base = require('./jest.config.cjs');

/** @type {import('jest').Config} */
module.exports = {
  ...base,
  roots: ['<rootDir>/test/e2e'],
  testPathIgnorePatterns: [],
  testTimeout: 180000,
  maxWorkers: 1,
};
