// Faults on demand over HTTP (faults.routes.ts): parameters and answers.

import { Type } from '@sinclair/typebox';
import { EnumParam, IntegerParam, Nullable, PlainString, TextParam } from '../../http/schema-kit.js';
import { FAULT_CHANNELS, FAULT_OUTCOMES } from './faults.model.js';

export const FaultResource = Type.Object({
  sid: PlainString,
  number: Type.String(),
  channel: Type.String(),
  outcome: Type.String(),
  error_code: Nullable(Type.Integer()),
  /** Deliveries still to fail. */
  remaining: Type.Integer(),
  date_created: PlainString,
  date_updated: PlainString,
});

export const FaultList = Type.Object({ faults: Type.Array(FaultResource) });

export const CreateFaultBody = Type.Object({
  Number: TextParam('Number', 32),
  Channel: EnumParam('Channel', FAULT_CHANNELS),
  Outcome: EnumParam('Outcome', FAULT_OUTCOMES),
  ErrorCode: Type.Optional(IntegerParam('ErrorCode')),
  Count: Type.Optional(IntegerParam('Count')),
});
