// jest runs tests in a vm context whose typed-array constructors differ from the host's. Native addons
// (onnxruntime-node) create their output arrays in the host realm, and onnxruntime-common then rejects
// them with "A float32 tensor's data must be type of function Float32Array()". Sharing the host's
// constructors with the test context makes both realms agree, as they do in a plain node process.
const { TestEnvironment } = require('jest-environment-node');

const SHARED = [
  'ArrayBuffer',
  'SharedArrayBuffer',
  'DataView',
  'Int8Array',
  'Uint8Array',
  'Uint8ClampedArray',
  'Int16Array',
  'Uint16Array',
  'Int32Array',
  'Uint32Array',
  'Float32Array',
  'Float64Array',
  'BigInt64Array',
  'BigUint64Array',
];

class HostTypedArraysEnvironment extends TestEnvironment {
  constructor(config, context) {
    super(config, context);
    for (const name of SHARED) this.global[name] = globalThis[name];
  }
}

module.exports = HostTypedArraysEnvironment;
