// The yardstick: a bare node:http server answering session-shaped JSON without a database.
// Parley's figures are quoted as a ratio of this server's, measured in the same run.
import { createServer } from 'node:http';

const port = Number(process.env.PORT ?? 0);
const sid = 'KC' + 'a'.repeat(32);
const service = 'KS' + 'b'.repeat(32);
const base = `http://127.0.0.1:${port}/v1/Services/${service}/Sessions`;

function session(i) {
  const url = `${base}/${sid}`;
  return {
    sid,
    service_sid: service,
    account_sid: 'AC' + 'c'.repeat(32),
    date_started: null,
    date_ended: null,
    date_last_interaction: null,
    date_expiry: null,
    unique_name: `session-${i}`,
    status: 'open',
    closed_reason: null,
    ttl: 3600,
    mode: 'voice-and-message',
    date_created: '2026-01-01T00:00:00Z',
    date_updated: '2026-01-01T00:00:00Z',
    url,
    links: { interactions: `${url}/Interactions`, participants: `${url}/Participants` },
  };
}

const server = createServer((req, res) => {
  let body = '';
  req.on('data', (chunk) => (body += chunk));
  req.on('end', () => {
    let payload;
    let status = 200;
    if (req.method === 'POST') {
      status = 201;
      payload = session(body.length);
    } else if (req.url.includes('PageSize=')) {
      const sessions = Array.from({ length: 50 }, (_, i) => session(i));
      payload = {
        sessions,
        meta: {
          first_page_url: `${base}?PageSize=50&Page=0`,
          key: 'sessions',
          next_page_url: null,
          page: 0,
          page_size: 50,
          previous_page_url: null,
          url: `${base}?PageSize=50&Page=0`,
        },
      };
    } else {
      payload = session(0);
    }
    res.writeHead(status, { 'content-type': 'application/json; charset=utf-8' });
    res.end(JSON.stringify(payload));
  });
});
server.listen(port, '127.0.0.1', () => process.stdout.write(`listening ${server.address().port}\n`));
process.on('SIGTERM', () => server.close(() => process.exit(0)));
