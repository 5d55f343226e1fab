// PARLEY_CARRIER=signalwire, a pool number added by `Sid` alone: PN + the 32 hex digits of the
// project's IncomingPhoneNumber UUID, read from the Compatibility API (a local fake) and pooled
// under that PN SID (numbers-scenarios.ts).

import { SIGNALWIRE } from '../helpers/signalwire-adapter.js';
import { numbersScenarios } from './numbers-scenarios.js';

numbersScenarios(SIGNALWIRE);
