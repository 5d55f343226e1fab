// PARLEY_CARRIER=twilio through the scenarios every carrier passes (scenarios.ts), with a local
// fake of api.twilio.com and webhooks signed as Twilio signs them (test/helpers/twilio-adapter.ts).
// What only Twilio does is twilio-wire.test.ts's.

import { twilioAdapter } from '../helpers/twilio-adapter.js';
import { carrierScenarios } from './scenarios.js';

carrierScenarios(twilioAdapter);
