export { startThrowawayRedis, type ThrowawayRedis } from '../../support/throwaway-redis';
