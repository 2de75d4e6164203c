// How the workspace's sources are transpiled outside tsc: by jest (jest.preset.js) and by
// tools/ts-register.cjs (processes and worker threads started from the sources). swc keeps the
// decorator metadata tsyringe needs.
'use strict';

/** swc options for `.ts` ('typescript') or `.js` ('ecmascript') files, emitting CommonJS. */
function swcOptions(syntax) {
  return {
    jsc: {
      parser: syntax === 'typescript' ? { syntax, decorators: true } : { syntax },
      transform: { legacyDecorator: true, decoratorMetadata: true },
      target: 'es2022',
    },
    module: { type: 'commonjs' },
  };
}

module.exports = { swcOptions };
