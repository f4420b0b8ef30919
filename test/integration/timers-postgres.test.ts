import { postgresBackendUnderTest } from '../support/job-runtime';
import { timerContract } from './timers-contract';

timerContract(postgresBackendUnderTest);
