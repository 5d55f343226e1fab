// The simulator's handsets: a test texts or calls a number as a phone would, and reads what every
// phone received. Same Basic auth as the API; on only with PARLEY_CARRIER=simulator.

import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import { Type } from '@sinclair/typebox';
import type { FastifyInstance, FastifyRequest } from 'fastify';
import type { Clock } from '../../common/clock.js';
import type { SimulatorCallRow, SimulatorMessageRow } from '../../db/schema.js';
import { invalidParameter } from '../../errors/api-error.js';
import { formatDate } from '../../common/dates.js';
import type { Urls } from '../../http/routing.js';
import { found, onlyMethods, pathOf } from '../../http/routing.js';
import { EnumParam, ListEnvelope, NullableString, PagingQuery, RepeatedParam, TextParam, UrlParam } from '../../http/schema-kit.js';
import { newSid } from '../../common/sids.js';
import { buildMeta, parsePageRequest, toPage } from '../../http/paging.js';
import { offsetOf } from '../../common/paging.js';
import { parsePhoneNumber } from '../../phone/phone-number.js';
import { findInteractionBySid } from '../../resources/interactions/interactions.repository.js';
import type { Router } from '../../routing/router.js';
import {
  findSimulatorCall,
  insertSimulatorCall,
  insertSimulatorMessage,
  listSimulatorMessages,
  updateSimulatorCall,
} from './simulator.repository.js';
import { readTwiml } from './twiml.js';
import type { Db } from '../../db/unit-of-work.js';

const MessageResource = Type.Object({
  sid: Type.String(),
  from: Type.String(),
  to: Type.String(),
  body: Type.String(),
  media_urls: Type.Array(Type.String()),
  direction: Type.String(),
  status: Type.String(),
  interaction_sid: NullableString,
  session_sid: NullableString,
  date_created: Type.String(),
});

const Bridge = Type.Unsafe<{ from: string; to: string } | null>({
  type: ['object', 'null'],
  properties: { from: { type: 'string' }, to: { type: 'string' } },
});

const CallResource = Type.Object({
  sid: Type.String(),
  from: Type.String(),
  to: Type.String(),
  status: Type.String(),
  bridged_to: Bridge,
  interaction_sid: NullableString,
  session_sid: NullableString,
  date_created: Type.String(),
  date_updated: Type.String(),
});

const SendMessageBody = Type.Object({
  From: TextParam('From', 32),
  To: TextParam('To', 32),
  Body: Type.Optional(TextParam('Body', 1600)),
  MediaUrl: Type.Optional(RepeatedParam(UrlParam('MediaUrl'))),
});

const ListMessagesQuery = Type.Object({
  ...PagingQuery.properties,
  To: Type.Optional(TextParam('To', 32)),
  From: Type.Optional(TextParam('From', 32)),
});
const PlaceCallBody = Type.Object({ From: TextParam('From', 32), To: TextParam('To', 32) });
const CALL_ENDINGS = ['completed', 'busy', 'no-answer', 'failed'] as const;
const EndCallBody = Type.Object({ Status: EnumParam('Status', CALL_ENDINGS) });
const CallParams = Type.Object({ CallSid: Type.String({ maxLength: 64 }) });

/**
 * A handset's number. Already in E.164 it is taken as it is (a simulated phone may have any
 * number, and this is the hot path of every simulated message); otherwise it must parse.
 */
function number(name: string, value: string): string {
  if (/^\+[1-9]\d{6,14}$/.test(value)) return value;
  const parsed = parsePhoneNumber(value);
  if (parsed === null) throw invalidParameter(name, `${name} must be a valid phone number in E.164 format, such as +14155551212`);
  return parsed.e164;
}

function toMessage(row: SimulatorMessageRow) {
  return {
    sid: row.sid,
    from: row.from_number,
    to: row.to_number,
    body: row.body,
    media_urls: JSON.parse(row.media_urls) as string[],
    direction: row.direction,
    status: row.status,
    interaction_sid: row.interaction_sid,
    session_sid: row.session_sid,
    date_created: formatDate(row.date_created)!,
  };
}

function toCall(row: SimulatorCallRow) {
  return {
    sid: row.sid,
    from: row.from_number,
    to: row.to_number,
    status: row.status,
    bridged_to: row.bridged_to === null ? null : { from: row.bridged_from!, to: row.bridged_to },
    interaction_sid: row.interaction_sid,
    session_sid: row.session_sid,
    date_created: formatDate(row.date_created)!,
    date_updated: formatDate(row.date_updated)!,
  };
}

export function handsetRoutes(app: FastifyInstance, db: Db, clock: Clock, router: Router, urls: Urls): void {
  const api = app.withTypeProvider<TypeBoxTypeProvider>();

  api.post('/simulator/v1/Messages', { schema: { body: SendMessageBody, response: { 201: MessageResource } } }, async (request, reply) => {
    const from = number('From', request.body.From);
    const to = number('To', request.body.To);
    const body = request.body.Body ?? '';
    const mediaUrls = (request.body.MediaUrl ?? []).filter((url) => url !== '');
    const inbound: SimulatorMessageRow = {
      sid: newSid('SM'),
      account_sid: request.accountSid,
      from_number: from,
      to_number: to,
      body,
      media_urls: JSON.stringify(mediaUrls),
      direction: 'inbound',
      status: 'received',
      interaction_sid: null,
      session_sid: null,
      date_created: clock.now(),
    };
    const routed = await router.routeMessage(
      { accountSid: request.accountSid, from, to, body, mediaUrls, resourceSid: inbound.sid, resourceUrl: null },
      (uow, outcome) => {
        inbound.interaction_sid = outcome.interaction?.sid ?? null;
        inbound.session_sid = outcome.sessionSid;
        insertSimulatorMessage(uow, inbound);
      },
    );
    // An out-of-session answer in TwiML: its <Message>s reach the sender from the number they texted.
    for (const text of readTwiml(routed.outOfSession?.twiml ?? '').messages) {
      await insertSimulatorMessage(db, {
        ...inbound,
        sid: newSid('SM'),
        from_number: to,
        to_number: from,
        body: text,
        media_urls: '[]',
        direction: 'outbound',
        status: 'delivered',
        date_created: clock.now(),
      });
    }
    return reply.code(201).send(toMessage(inbound));
  });

  api.get(
    '/simulator/v1/Messages',
    { schema: { querystring: ListMessagesQuery, response: { 200: ListEnvelope('messages', MessageResource) } } },
    async (request) => {
      const page = parsePageRequest(request.query);
      const filter = {
        to: request.query.To ? number('To', request.query.To) : undefined,
        from: request.query.From ? number('From', request.query.From) : undefined,
      };
      const rows = await listSimulatorMessages(db, request.accountSid, filter, page);
      const pageOfRows = toPage(rows, page, offsetOf(page));
      const filters = Object.fromEntries(Object.entries({ To: filter.to, From: filter.from }).filter(([, v]) => v !== undefined)) as Record<
        string,
        string
      >;
      const meta = buildMeta(
        'messages',
        urls.base(request) + pathOf(request),
        page,
        pageOfRows,
        (row) => [row.date_created, row.sid],
        filters,
      );
      return { messages: pageOfRows.items.map(toMessage), meta };
    },
  );

  api.post('/simulator/v1/Calls', { schema: { body: PlaceCallBody, response: { 201: CallResource } } }, async (request, reply) => {
    const from = number('From', request.body.From);
    const to = number('To', request.body.To);
    const sid = newSid('CA');
    const outboundSid = newSid('CA');
    const routed = await router.routeCall({
      accountSid: request.accountSid,
      from,
      to,
      resourceSid: sid,
      resourceUrl: null,
      outboundResourceSid: outboundSid,
      outboundStatus: 'in-progress',
    });
    const dial = readTwiml(routed.outOfSession?.twiml ?? '').dial;
    const bridge = routed.bridge ?? (dial === null ? null : { from: dial.callerId ?? to, to: dial.number });
    const now = clock.now();
    const call: SimulatorCallRow = {
      sid,
      account_sid: request.accountSid,
      from_number: from,
      to_number: to,
      // Not bridged: rejected (no session, wrong mode, intercepted) or answered by TwiML alone.
      status: bridge !== null ? 'in-progress' : routed.outOfSession?.twiml ? 'completed' : 'failed',
      bridged_from: bridge?.from ?? null,
      bridged_to: bridge?.to ?? null,
      bridged_sid: routed.bridge === null ? null : outboundSid,
      interaction_sid: routed.interaction?.sid ?? null,
      session_sid: routed.sessionSid,
      date_created: now,
      date_updated: now,
    };
    await insertSimulatorCall(db, call);
    return reply.code(201).send(toCall(call));
  });

  const callOf = async (request: FastifyRequest) =>
    found(await findSimulatorCall(db, request.accountSid, (request.params as { CallSid: string }).CallSid), request);

  api.get('/simulator/v1/Calls/:CallSid', { schema: { params: CallParams, response: { 200: CallResource } } }, async (request) =>
    toCall(await callOf(request)),
  );

  api.post(
    '/simulator/v1/Calls/:CallSid',
    { schema: { params: CallParams, body: EndCallBody, response: { 200: CallResource } } },
    async (request) => {
      const call = await callOf(request);
      if (call.status !== 'in-progress') {
        throw invalidParameter('Status', `the call has already ended (${call.status})`);
      }
      const status = request.body.Status;
      const now = clock.now();
      await updateSimulatorCall(db, call.sid, { status, date_updated: now });
      const interaction = call.interaction_sid === null ? undefined : await findInteractionBySid(db, call.interaction_sid);
      if (interaction !== undefined) {
        const answered = status === 'completed';
        await router.recordStatus(interaction, {
          inbound_resource_status: 'completed',
          outbound_resource_status: status,
          data: answered ? JSON.stringify({ duration: String(Math.round((now - call.date_created) / 1000)) }) : interaction.data,
        });
      }
      return toCall({ ...call, status, date_updated: now });
    },
  );

  onlyMethods(app, '/simulator/v1/Messages', ['GET', 'POST']);
  onlyMethods(app, '/simulator/v1/Calls', ['POST']);
  onlyMethods(app, '/simulator/v1/Calls/:CallSid', ['GET', 'POST']);
}
