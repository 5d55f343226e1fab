import type { Static } from '@sinclair/typebox';
import { Type } from '@sinclair/typebox';
import {
  EnumParam,
  IntegerParam,
  ListEnvelope,
  NullableDate,
  NullableString,
  SidParam,
  TextParam,
  UrlParam,
} from '../../http/schema-kit.js';
import { GEO_MATCH_LEVELS, NUMBER_SELECTION_BEHAVIORS } from './services.model.js';

export const SERVICE_UNIQUE_NAME_MAX = 191;

const fields = {
  UniqueName: TextParam('UniqueName', SERVICE_UNIQUE_NAME_MAX),
  DefaultTtl: IntegerParam('DefaultTtl'),
  CallbackUrl: UrlParam('CallbackUrl'),
  GeoMatchLevel: EnumParam('GeoMatchLevel', GEO_MATCH_LEVELS),
  NumberSelectionBehavior: EnumParam('NumberSelectionBehavior', NUMBER_SELECTION_BEHAVIORS),
  InterceptCallbackUrl: UrlParam('InterceptCallbackUrl'),
  OutOfSessionCallbackUrl: UrlParam('OutOfSessionCallbackUrl'),
  ChatInstanceSid: SidParam('ChatInstanceSid', 'IS'),
};

export const UpdateServiceBody = Type.Partial(Type.Object(fields));
export type UpdateServiceBody = Static<typeof UpdateServiceBody>;

export const CreateServiceBody = Type.Object({ ...UpdateServiceBody.properties, UniqueName: fields.UniqueName });
export type CreateServiceBody = Static<typeof CreateServiceBody>;

export const ServiceParams = Type.Object({ Sid: Type.String({ maxLength: 2000 }) });

/** The parent path parameter of every resource nested under a service. */
export const ServiceSidParams = Type.Object({ ServiceSid: Type.String({ maxLength: 64 }) });

export const ServiceResource = Type.Object({
  sid: Type.String(),
  unique_name: Type.String(),
  account_sid: Type.String(),
  chat_instance_sid: NullableString,
  callback_url: NullableString,
  default_ttl: Type.Integer(),
  number_selection_behavior: Type.String(),
  geo_match_level: Type.String(),
  intercept_callback_url: NullableString,
  out_of_session_callback_url: NullableString,
  date_created: NullableDate,
  date_updated: NullableDate,
  url: Type.String(),
  links: Type.Object({ sessions: Type.String(), phone_numbers: Type.String() }),
});
export type ServiceResource = Static<typeof ServiceResource>;

export const ServiceList = ListEnvelope('services', ServiceResource);
