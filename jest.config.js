// ESM + ts-jest. Run through `npm test` (scripts/test.mjs), which sets NODE_OPTIONS.
const transform = {
  '^.+\\.ts$': ['ts-jest', { useESM: true, tsconfig: 'tsconfig.json' }],
};
const shared = {
  extensionsToTreatAsEsm: ['.ts'],
  moduleNameMapper: { '^(\\.{1,2}/.*)\\.js$': '$1' },
  transform,
  testEnvironment: 'node',
};

export default {
  testTimeout: 120000,
  // Most suites wait on Chromium and I/O, not CPU: two workers halve the run on two cores
  // (Jest's default is cores - 1). More would starve the timing bounds some tests check.
  maxWorkers: 2,
  globalSetup: './test/support/global-setup.ts',
  globalTeardown: './test/support/global-teardown.ts',
  projects: [
    { ...shared, displayName: 'unit', testMatch: ['<rootDir>/src/**/*.spec.ts'] },
    { ...shared, displayName: 'e2e', testMatch: ['<rootDir>/test/**/*.e2e-spec.ts'] },
  ],
};
