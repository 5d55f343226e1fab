// PARLEY_CARRIER=twilio, a pool number added by `Sid=PN…` alone: read from the Twilio account's
// IncomingPhoneNumbers (a local fake of api.twilio.com) and pooled under that SID (numbers-scenarios.ts).

import { TWILIO } from '../helpers/twilio-adapter.js';
import { numbersScenarios } from './numbers-scenarios.js';

numbersScenarios(TWILIO);
