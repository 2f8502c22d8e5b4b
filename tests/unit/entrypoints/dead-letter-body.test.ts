import { expect } from 'chai';
import type { DeadLetterView } from '../../../src/application/ports/dead-letters.js';
import { deadLetterDetailJson, deadLetterJson } from '../../../src/entrypoints/http/dead-letter-schemas.js';

const AT = new Date('2026-11-29T12:00:00.000Z');
const TOKEN = 'TOKEN-must-not-show';

function view(body: Buffer, fields: Partial<DeadLetterView> = {}): DeadLetterView {
  return {
    id: '00000000-0000-4000-8000-0000000000d2', exchange: '', routingKey: 'notification-service.events', queue: 'q', reason: 'unparseable', detail: '',
    body, bodyComplete: true, bodyTruncated: false, bodySize: body.length, headers: {}, droppedHeaders: [],
    firstDeathAt: AT, lastDeathAt: AT, deathCount: 1, replayOf: null, replayedAt: null, createdAt: AT, ...fields,
  };
}

/** The bytes a client reads from what the API answers: text as UTF-8, base64 decoded. */
const bytesShown = (json: { body: string; body_encoding: string }) => Buffer.from(json.body, json.body_encoding === 'base64' ? 'base64' : 'utf8');

const reset = (data: string) => `{"event_type":"user.password_reset_requested","data":{"userid":"u-1",${data}"reset_token":"${TOKEN}","name":"Zoë"}`;

describe('what the API shows of a dead letter body: secrets redacted whatever the body', () => {
  it('shows a body that is not JSON (a trailing comma) as text, its token redacted, the same in a list row and the detail', () => {
    const body = Buffer.from(`${reset('')},}`);
    const row = deadLetterJson(view(body));
    expect(row).to.deep.include({ body_encoding: 'utf8', body: `${reset('').replace(TOKEN, '[redacted]')},}` });
    expect(deadLetterDetailJson({ ...view(body), replays: [] })).to.deep.include({ body: row.body, body_encoding: 'utf8' });
  });

  it('shows a body with a Latin-1 byte as base64 of its bytes with the token redacted, every other byte as stored', () => {
    const body = Buffer.from(reset('"city":"Z\xfcrich",'), 'latin1');
    const shown = deadLetterJson(view(body));
    expect(shown.body_encoding).to.equal('base64');
    const bytes = bytesShown(shown);
    expect(bytes.includes(TOKEN)).to.equal(false);
    expect(bytes.equals(Buffer.from(reset('"city":"Z\xfcrich",').replace(TOKEN, '[redacted]'), 'latin1'))).to.equal(true);
  });

  it('redacts the first bytes of a body too large to keep, when they are not UTF-8', () => {
    const body = Buffer.concat([Buffer.from(reset(''), 'latin1'), Buffer.from([0xff, 0xfe]), Buffer.alloc(100, 0x61)]);
    const preview = deadLetterJson(view(body.subarray(0, 120), { reason: 'too_large', bodyComplete: false, bodyTruncated: true, bodySize: 300_000 }));
    expect(preview.body_encoding).to.equal('base64');
    expect(bytesShown(preview).includes(TOKEN)).to.equal(false);
    expect(bytesShown(preview).toString('latin1')).to.include('"reset_token":"[redacted]"');
  });

  it('redacts a table or list under a secret key in text it cannot parse, as it does in JSON it parses', () => {
    const body = Buffer.from(`{"client_secret":{"value":"${TOKEN}","list":["}"]},"keys_token":[1,"${TOKEN}"],"ok":{"a":"b"},`);
    const shown = deadLetterJson(view(body));
    expect(shown.body).to.equal('{"client_secret":"[redacted]","keys_token":"[redacted]","ok":{"a":"b"},');
    expect(deadLetterJson(view(Buffer.from(`{"client_secret":{"value":"${TOKEN}"}}`))).body).to.equal('{"client_secret":"[redacted]"}');
  });

  it('redacts JSON nested too deep to walk as text instead of showing it whole', () => {
    const body = Buffer.from(`${'['.repeat(20_000)}{"reset_token":"${TOKEN}"}${']'.repeat(20_000)}`);
    const shown = deadLetterJson(view(body, { reason: 'too_deep' }));
    expect(shown.body_encoding).to.equal('utf8');
    expect(shown.body.includes(TOKEN)).to.equal(false);
  });
});
