// The engine's Redis connections are made in one place, @engine/platform; re-exported for the
// timer queue's users.
export {
  answers,
  producerConnection,
  redisOptions,
  valueWithin,
  within,
  workerConnection,
  type RedisTarget,
} from '@engine/platform';
