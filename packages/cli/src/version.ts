/** The CLI's version and the versions its reports and model cards name. */
import os from 'node:os';

/** The version of @speechfold/cli (what `speechfold --version` prints). */
export function cliVersion(): string {
  // Read at run time: src/ and dist/ are both one level below the package root.
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  return (require('../package.json') as { version: string }).version;
}

/** What made an output: speechfold's version, Node's and the platform. */
export function versions(): Record<string, string> {
  return { speechfold: cliVersion(), node: process.version, platform: `${os.platform()}-${os.arch()}` };
}
