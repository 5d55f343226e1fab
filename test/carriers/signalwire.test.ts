// PARLEY_CARRIER=signalwire through the scenarios every carrier passes (scenarios.ts), with a local
// fake of SignalWire's Compatibility API and webhooks signed as SignalWire signs them
// (test/helpers/signalwire-adapter.ts). What only SignalWire does is signalwire-wire.test.ts's.

import { signalwireAdapter } from '../helpers/signalwire-adapter.js';
import { carrierScenarios } from './scenarios.js';

carrierScenarios(signalwireAdapter);
