/**
 * A real redis-server for tests: started on a free localhost port with no persistence, stopped after.
 * The binary is $REDIS_SERVER or `redis-server` on the PATH (Debian/Ubuntu: apt-get install
 * redis-server; macOS: brew install redis); `.ci/run` installs it.
 */
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import net from 'node:net';

export interface RedisServer {
  url: string;
  port: number;
  stop(): Promise<void>;
}

/** The redis-server binary, or an Error saying how to install it. */
export function findRedisServer(env: NodeJS.ProcessEnv = process.env): string {
  const binary = env.REDIS_SERVER ?? 'redis-server';
  const probe = spawnSync(binary, ['--version'], { encoding: 'utf8' });
  if (probe.status !== 0) {
    throw new Error(
      `the queue tests need a real Redis: '${binary}' did not run (${probe.error?.message ?? probe.stderr.trim()}); ` +
        'install redis-server (Debian/Ubuntu: apt-get install redis-server; macOS: brew install redis) or set REDIS_SERVER',
    );
  }
  return binary;
}

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const port = (server.address() as net.AddressInfo).port;
      server.close(() => resolve(port));
    });
  });
}

/** Starts redis-server on 127.0.0.1 (no RDB/AOF files) and resolves once it accepts connections. */
export async function startRedis(): Promise<RedisServer> {
  const binary = findRedisServer();
  const port = await freePort();
  const child: ChildProcess = spawn(binary, ['--port', String(port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no'], {
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  await new Promise<void>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`redis-server did not start within 10 s:\n${output}`)), 10_000);
    child.stdout!.on('data', (chunk: Buffer) => {
      output += chunk.toString();
      if (output.includes('Ready to accept connections')) {
        clearTimeout(timer);
        resolve();
      }
    });
    child.once('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`redis-server exited with code ${code}:\n${output}`));
    });
  });
  return {
    url: `redis://127.0.0.1:${port}/0`,
    port,
    stop: () =>
      new Promise<void>((resolve) => {
        if (child.exitCode !== null) return resolve();
        child.once('exit', () => resolve());
        child.kill('SIGTERM');
      }),
  };
}
