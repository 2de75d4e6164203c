export { findRedisServer, startRedis, type RedisServer } from './redis';
