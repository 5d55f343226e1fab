// Tenant isolation by route: account A builds a full set of resources; account B, with its own
// token or with an API key of its own, gets 404 / 20404 (never 403, never data, never a replay of
// A's Idempotency-Key) on every route and method that takes one of A's SIDs, alone or under B's
// own parents; A itself reaches all of them, and nothing of A's changed.

import assert from 'node:assert/strict';
import { before, describe, test } from 'node:test';
import { TEST_ACCOUNT_SID } from '../helpers/app.js';
import type { TestApp } from '../helpers/app.js';
import type { TestAccount, TestApiKey } from '../helpers/accounts.js';
import { expectError } from '../helpers/http-client.js';
import type { HttpClient } from '../helpers/http-client.js';
import { P2, P3, ALICE, BOB, ROUTES, fill, build, snapshotOfA, twoTenants } from '../helpers/tenants.js';
import type { Ids, Route } from '../helpers/tenants.js';

describe('Tenant isolation: routes', () => {
  const tenants = twoTenants();
  let t: TestApp;
  let b: TestAccount;
  let bKey: TestApiKey;
  let a: Ids;
  let bIds: Ids;
  let snapshot: Json;
  before(() => ({ t, b, bKey, a, bIds, snapshot } = tenants));

  /** The routes, each with A's SIDs, then with B's parents and A's children; only those naming something of A's. */
  function requests(): Route[] {
    const scenarios: Ids[] = [
      a,
      { ...a, service: bIds.service, serviceName: bIds.serviceName },
      { ...a, service: bIds.service, serviceName: bIds.serviceName, session: bIds.session, sessionName: bIds.sessionName },
      {
        ...a,
        service: bIds.service,
        serviceName: bIds.serviceName,
        session: bIds.session,
        sessionName: bIds.sessionName,
        participant: bIds.participant,
        other: bIds.other,
      },
    ];
    const ofA = new Set(Object.values(a).map((value) => encodeURIComponent(value)));
    const seen = new Set<string>();
    const out: Route[] = [];
    for (const ids of scenarios) {
      for (const route of ROUTES) {
        const path = fill(route.path, ids);
        const segments = path.split('/');
        if (!segments.some((segment) => ofA.has(segment))) continue; // B's own resource: not this test's business
        const request = { ...route, path };
        const id = JSON.stringify(request);
        if (seen.has(id)) continue;
        seen.add(id);
        out.push(request);
      }
    }
    return out;
  }

  const secrets = () => [ALICE, BOB, P2, P3, 'hello from a-session', 'api message in a-session', TEST_ACCOUNT_SID];

  async function expectAllNotFound(api: HttpClient, who: string, auth: { username: string; password: string }): Promise<void> {
    const routes = requests();
    assert.ok(routes.length >= 80, `only ${routes.length} requests`);
    const failures: string[] = [];
    for (const route of routes) {
      const what = `${who}: ${route.method} ${route.path}`;
      const options = route.headers ? { headers: route.headers } : undefined;
      const response =
        route.method === 'GET'
          ? await api.get(route.path, route.form, options)
          : route.method === 'POST'
            ? await api.post(route.path, route.form ?? {}, options)
            : await api.delete(route.path, options);
      if (response.status !== 404 || response.body?.code !== 20404) {
        failures.push(`${what} → ${response.status} ${response.text.slice(0, 300)}`);
        continue;
      }
      expectError(response, 404, 20404);
      // The 404 names the path B asked for, and nothing of A's beyond it.
      for (const secret of secrets()) {
        if (!decodeURIComponent(route.path).includes(secret) && response.text.includes(secret))
          failures.push(`${what} leaks ${secret}: ${response.text}`);
      }
      assert.equal(response.headers.get('idempotent-replayed'), null, `${what} replayed A's answer`);
      if (route.method === 'GET') {
        const head = await fetch(t.baseUrl + route.path, {
          method: 'HEAD',
          headers: { authorization: 'Basic ' + Buffer.from(`${auth.username}:${auth.password}`).toString('base64') },
        });
        if (head.status !== 404) failures.push(`${who}: HEAD ${route.path} → ${head.status}`);
      }
    }
    assert.deepEqual(failures, [], `${failures.length} of ${routes.length} requests did not answer 404 / 20404:\n${failures.join('\n')}`);
  }

  test("B with its auth token gets 404 / 20404 on every route and method that takes A's SIDs", async () => {
    await expectAllNotFound(b.api, 'B (token)', b.auth);
  });

  test("B with an API key of its own gets 404 / 20404 on every route and method that takes A's SIDs", async () => {
    await expectAllNotFound(bKey.api, 'B (API key)', bKey.auth);
  });

  test('A itself reaches every one of those A-only routes (the table names real resources)', async () => {
    // The GETs with A's own SIDs answer 200 to A: B's 404s are about ownership, not typos.
    for (const route of ROUTES.filter((r) => r.method === 'GET')) {
      const path = fill(route.path, a);
      const response = await t.api.get(path, route.form);
      assert.equal(response.status, 200, `A: GET ${path} → ${response.status} ${response.text}`);
    }
  });

  test("nothing of A's changed by B's requests", async () => {
    assert.deepEqual(await snapshotOfA(t, a), snapshot);
  });

  test('A itself can use every POST and DELETE of the table (on a throwaway copy of its resources)', async () => {
    // What answers B 404 is live for the owner: a 2xx, or a 4xx other than 404 (closed session, …).
    const copy = await build(
      t.api,
      { service: 'a-copy', session: 'a-copy-session' },
      ['+14155550103', '+14155550104'],
      ['+12125550111', '+12125550112'],
    );
    const writes = ROUTES.filter((r) => r.method === 'POST');
    // Deepest first, so each delete still finds its parents.
    const deletes = ROUTES.filter((r) => r.method === 'DELETE').reverse();
    const statuses: string[] = [];
    for (const route of [...writes, ...deletes]) {
      const path = fill(route.path, copy);
      const options = route.headers ? { headers: route.headers } : undefined;
      const response = route.method === 'POST' ? await t.api.post(path, route.form ?? {}, options) : await t.api.delete(path, options);
      const expectNotFound = route.byName === true;
      if ((response.status === 404) !== expectNotFound) statuses.push(`A: ${route.method} ${path} → ${response.status} ${response.text}`);
    }
    assert.deepEqual(statuses, []);
    expectError(await t.api.get(`/v1/Services/${copy.service}`), 404, 20404);
  });
});

type Json = Record<string, any>;
