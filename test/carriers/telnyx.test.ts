// PARLEY_CARRIER=telnyx through the scenarios every carrier passes (scenarios.ts), with a local
// fake of api.telnyx.com and webhooks signed as Telnyx signs them (test/helpers/telnyx-adapter.ts).
// What only Telnyx does is telnyx-wire.test.ts's.

import { telnyxAdapter } from '../helpers/telnyx-adapter.js';
import { carrierScenarios } from './scenarios.js';

carrierScenarios(telnyxAdapter);
