// Loads the workspace's TypeScript sources in a plain node process or worker thread, as jest does
// (jest.preset.js): `.ts` files through @swc/core, `@speechfold/<name>` from packages/<name>/src.
// For tests that start processes or threads from the sources (no build needed):
//   node -r ./tools/ts-register.cjs -e "require('./packages/cli/src/main.ts').runProcess([...])"
// Never used by a built or published package.
'use strict';
const fs = require('node:fs');
const Module = require('node:module');
const path = require('node:path');
const { swcOptions } = require('./swc-options.cjs');

if (!Module._extensions['.ts']) {
  const swc = require('@swc/core');
  const packages = path.join(__dirname, '..', 'packages');
  Module._extensions['.ts'] = (module, file) => {
    const { code } = swc.transformSync(fs.readFileSync(file, 'utf8'), { filename: file, ...swcOptions('typescript') });
    module._compile(code, file);
  };
  const resolve = Module._resolveFilename;
  Module._resolveFilename = function (request, ...rest) {
    const own = /^@speechfold\/([a-z0-9-]+)(\/testing)?$/.exec(request);
    if (own) return path.join(packages, own[1], 'src', own[2] ? 'testing/index.ts' : 'index.ts');
    return resolve.call(this, request, ...rest);
  };
  require('reflect-metadata');
}
