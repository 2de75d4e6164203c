// Shared jest settings: every package's jest.config.js spreads this.
// Tests run on the TypeScript sources (swc transpiles, keeping decorator metadata for tsyringe),
// and @speechfold/* imports resolve to packages/*/src so no build is needed before testing.
const path = require('path');

module.exports = {
  // Native addons (onnxruntime-node, tfjs-node) return host-realm typed arrays: see jest.environment.js.
  testEnvironment: path.join(__dirname, 'jest.environment.js'),
  transform: {
    '^.+\\.ts$': [
      '@swc/jest',
      {
        jsc: {
          parser: { syntax: 'typescript', decorators: true },
          transform: { legacyDecorator: true, decoratorMetadata: true },
          target: 'es2022',
        },
        module: { type: 'commonjs' },
      },
    ],
  },
  moduleNameMapper: {
    '^@speechfold/([a-z0-9-]+)$': path.join(__dirname, 'packages/$1/src/index.ts'),
  },
  testMatch: ['<rootDir>/src/**/*.test.ts'],
  setupFiles: [require.resolve('reflect-metadata')],
  maxWorkers: 1,
};
