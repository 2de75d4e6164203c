/** The Redis connection behind a queue: `--queue redis://host:port/db` (or rediss:// for TLS). */
import { Queue } from 'bullmq';
import { Redis } from 'ioredis';
import { OptionError, QueueError } from '@speechfold/core';

/** The BullMQ queue every reproduce job goes to (jobs carry their own run, so runs can share it). */
export const QUEUE_NAME = 'speechfold-reproduce';

/** Checks a --queue URL: redis:// or rediss://, a host, an optional port and db number. */
export function checkQueueUrl(url: string): URL {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    throw new OptionError('--queue', `expected a Redis URL such as redis://localhost:6379/0, got '${url}'`);
  }
  if (parsed.protocol !== 'redis:' && parsed.protocol !== 'rediss:') {
    throw new OptionError('--queue', `expected a redis:// or rediss:// URL, got '${url}'`);
  }
  if (parsed.hostname === '') throw new OptionError('--queue', `expected a host in '${url}'`);
  const db = parsed.pathname.replace(/^\//, '');
  if (db !== '' && !/^\d+$/.test(db)) throw new OptionError('--queue', `expected a database number after the port (redis://host:port/0), got '/${db}' in '${url}'`);
  return parsed;
}

/** The URL with any password hidden, for messages. */
export function describeUrl(url: string): string {
  const parsed = new URL(url);
  if (parsed.password !== '') parsed.password = '***';
  return parsed.toString();
}

/**
 * A connected client (BullMQ duplicates it for the blocking connections a worker needs); a
 * QueueError naming the URL when the server cannot be reached within `timeoutMs`.
 */
export async function connect(url: string, timeoutMs = 5000): Promise<Redis> {
  checkQueueUrl(url);
  const client = new Redis(url, {
    // BullMQ's requirement for workers: commands wait for a reconnect instead of failing.
    maxRetriesPerRequest: null,
    lazyConnect: true,
    connectTimeout: timeoutMs,
    // No retries while connecting the first time (it fails fast, below); set once connected.
    retryStrategy: () => null,
    // How long a disconnect waits for the socket to close before destroying it (ioredis: 2 s, which
    // kept a failed command's process alive for 2 s after its error).
    disconnectTimeout: 200,
  });
  // ioredis also reports connection errors as events: the first one is thrown below, later ones retried.
  client.on('error', () => undefined);
  let timer: NodeJS.Timeout | undefined;
  try {
    await Promise.race([
      client.connect(),
      new Promise((_, reject) => {
        timer = setTimeout(() => reject(new Error(`no answer within ${timeoutMs} ms`)), timeoutMs);
      }),
    ]);
    await client.ping();
  } catch (error) {
    client.disconnect();
    throw new QueueError(`cannot reach Redis at ${describeUrl(url)} (--queue): ${(error as Error).message}`);
  } finally {
    clearTimeout(timer);
  }
  // Later drops (a restarted server, a network blip) are retried, as a long-lived worker wants.
  client.options.retryStrategy = (times: number) => Math.min(1000, 50 * times);
  return client;
}

/** Runs `work` with the reproduce queue on the Redis at `url` (connected first), closing both after. */
export async function withQueue<T>(url: string, work: (queue: Queue) => Promise<T>): Promise<T> {
  const client = await connect(url);
  const queue = new Queue(QUEUE_NAME, { connection: client });
  try {
    return await work(queue);
  } finally {
    await queue.close();
    client.disconnect();
  }
}
