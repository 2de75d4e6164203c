// Shared jest settings: every package's jest.config.js spreads this.
// Tests run on the TypeScript sources (swc transpiles, keeping decorator metadata for tsyringe),
// and @speechfold/* imports resolve to packages/*/src so no build is needed before testing.
const path = require('path');

// @wasm-audio-decoders/flac (FLAC decoding in @speechfold/audio) and its dependencies are ES modules:
// jest's CommonJS runtime needs them transpiled (plain node loads them through require(esm), Node >= 20.19).
const ESM_PACKAGES = ['@wasm-audio-decoders', 'codec-parser', 'simple-yenc', '@eshaz'];

const { swcOptions } = require('./tools/swc-options.cjs');

module.exports = {
  // Native addons (onnxruntime-node, tfjs-node) return host-realm typed arrays: see jest.environment.js.
  testEnvironment: path.join(__dirname, 'jest.environment.js'),
  transform: {
    '^.+\\.ts$': ['@swc/jest', swcOptions('typescript')],
    '^.+\\.js$': ['@swc/jest', swcOptions('ecmascript')],
  },
  transformIgnorePatterns: [`/node_modules/(?!(${ESM_PACKAGES.join('|')})/)`],
  // Decoding real audio and running model forwards take seconds, more on a loaded 2-core machine.
  testTimeout: 30_000,
  moduleNameMapper: {
    '^@speechfold/([a-z0-9-]+)$': path.join(__dirname, 'packages/$1/src/index.ts'),
    // The `./testing` subpath export (test doubles) of core, fold and kmeans.
    '^@speechfold/([a-z0-9-]+)/testing$': path.join(__dirname, 'packages/$1/src/testing/index.ts'),
  },
  testMatch: ['<rootDir>/src/**/*.test.ts'],
  // Tests import modules of a package directly, not through its index.ts (which loads reflect-metadata).
  setupFiles: [require.resolve('reflect-metadata')],
  maxWorkers: 1,
};
