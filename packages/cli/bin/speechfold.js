#!/usr/bin/env node
'use strict';
require('../dist/main.js').runProcess(process.argv.slice(2)).then((code) => {
  process.exitCode = code;
});
