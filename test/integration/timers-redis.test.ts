import { redisBackendUnderTest } from '../support/job-runtime';
import { testRedisUrl } from '../support/redis';
import { timerContract } from './timers-contract';

// Logical database 13 is this file's alone: the test flushes it.
timerContract(redisBackendUnderTest(testRedisUrl(13)));
