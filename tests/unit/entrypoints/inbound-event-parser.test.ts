import { expect } from 'chai';
import type { Delivery } from '../../../src/adapters/rabbitmq/amqp-consumer.js';
import { type ParsedEvent, parseInboundEvent } from '../../../src/entrypoints/amqp/inbound-event-parser.js';

type Parsed = Extract<ParsedEvent, { ok: true }>;
type Poison = Extract<ParsedEvent, { ok: false }>;

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;
const USER_ID = '5f0c8a3e9b1d4c2aa7e6f1b2c3d4e5f6';

/** A delivery as the AMQP consumer hands it over; the body is JSON unless given as a string. */
function delivery(body: unknown, fields: Partial<Delivery> = {}): Delivery {
  return {
    body: Buffer.from(typeof body === 'string' ? body : JSON.stringify(body)),
    routingKey: 'user.registered',
    type: undefined,
    messageId: undefined,
    correlationId: undefined,
    headers: {},
    redelivered: false,
    ...fields,
  };
}

function parsed(d: Delivery): Parsed {
  const result = parseInboundEvent(d);
  if (!result.ok) throw new Error(`expected an event, got ${result.reason}: ${result.detail}`);
  return result;
}

function poison(d: Delivery): Poison {
  const result = parseInboundEvent(d);
  if (result.ok) throw new Error(`expected poison, got ${result.eventType}`);
  return result;
}

/** Valid for every user.* event type, so that only the type resolution decides. */
const ANY_USER_EVENT = {
  userid: USER_ID,
  username: 'ada',
  email: 'ada@example.com',
  verify_token: 'verify-1',
  reset_token: 'reset-1',
  alert_message: 'New sign-in from Lisbon',
};

const ORDER_CREATED = {
  order_id: 1042,
  user_id: 7,
  user_email: 'ada@example.com',
  total_amount: 59.97,
  status: 'pending',
  items: [
    { product_id: 3, product_name: 'Widget', quantity: 2, price: 19.99 },
    { product_id: 'sku-9', product_name: 'Gadget', quantity: 1, price: '19.99' },
  ],
};

const ORDER_STATUS_UPDATED = {
  order_id: 1042,
  user_id: 7,
  user_email: 'ada@example.com',
  old_status: 'pending',
  new_status: 'shipped',
};

/** What every typed event carries besides its payload when it gives no option and no wording of its own. */
const TYPED_EVENT_DEFAULTS = { priority: null, locale: null, expiresAt: null, sendAt: null, variablesField: 'template_vars', subject: null, content: null };

describe('parseInboundEvent: the event type', () => {
  const everywhere = {
    type: 'UserWelcomeRequested',
    headers: { event_type: 'user.security_alert_requested' },
    routingKey: 'user.registered',
  };
  const body = { ...ANY_USER_EVENT, event_type: 'user.password_reset_requested' };

  it('takes the AMQP type before the header, the body and the routing key', () => {
    expect(parsed(delivery(body, everywhere)).eventType).to.equal('user.welcome_requested');
  });

  it('takes the event_type header before the body and the routing key', () => {
    expect(parsed(delivery(body, { ...everywhere, type: undefined })).eventType).to.equal('user.security_alert_requested');
  });

  it('takes the body event_type before the routing key', () => {
    expect(parsed(delivery(body, { ...everywhere, type: undefined, headers: {} })).eventType).to.equal('user.password_reset_requested');
  });

  it('falls back to the routing key', () => {
    expect(parsed(delivery(ANY_USER_EVENT, { routingKey: 'user.email_verification_requested' })).eventType).to.equal(
      'user.email_verification_requested',
    );
  });

  it('skips a blank type or header', () => {
    expect(parsed(delivery(ANY_USER_EVENT, { type: ' ', headers: { event_type: '' }, routingKey: 'user.welcome_requested' })).eventType).to.equal(
      'user.welcome_requested',
    );
  });

  it('maps class names and the PasswordResetRequested alias to dotted names', () => {
    const cases: Array<[string, string]> = [
      ['UserRegistered', 'user.registered'],
      ['UserEmailVerificationRequested', 'user.email_verification_requested'],
      ['UserPasswordResetRequested', 'user.password_reset_requested'],
      ['PasswordResetRequested', 'user.password_reset_requested'],
      ['UserWelcomeRequested', 'user.welcome_requested'],
      ['UserSecurityAlertRequested', 'user.security_alert_requested'],
    ];
    for (const [className, dotted] of cases) {
      expect(parsed(delivery(ANY_USER_EVENT, { type: className })).eventType, `AMQP type ${className}`).to.equal(dotted);
      expect(parsed(delivery({ ...ANY_USER_EVENT, event_type: className }, { routingKey: 'x' })).eventType, `body ${className}`).to.equal(dotted);
    }
  });
});

describe('parseInboundEvent: the documented event types', () => {
  it('parses user.registered', () => {
    expect(parsed(delivery({ userid: USER_ID, username: 'ada', email: 'ada@example.com' })).event).to.deep.equal({
      kind: 'UserRegistered',
      userId: USER_ID,
      username: 'ada',
      email: 'ada@example.com',
    });
  });

  it('parses user.email_verification_requested with the verify token', () => {
    const body = { userid: USER_ID, username: 'ada', email: 'ada@example.com', verify_token: 'verify-1' };
    expect(parsed(delivery(body, { routingKey: 'user.email_verification_requested' })).event).to.deep.equal({
      kind: 'NotificationRequested',
      notificationType: 'email_verification',
      userId: USER_ID,
      channel: null,
      recipient: 'ada@example.com',
      templateVars: { username: 'ada', email: 'ada@example.com', verify_token: 'verify-1' },
      ...TYPED_EVENT_DEFAULTS,
    });
  });

  it('parses user.password_reset_requested without a username', () => {
    const body = { userid: USER_ID, email: 'ada@example.com', reset_token: 'reset-1' };
    expect(parsed(delivery(body, { routingKey: 'user.password_reset_requested' })).event).to.deep.equal({
      kind: 'NotificationRequested',
      notificationType: 'password_reset',
      userId: USER_ID,
      channel: null,
      recipient: 'ada@example.com',
      templateVars: { username: null, email: 'ada@example.com', reset_token: 'reset-1' },
      ...TYPED_EVENT_DEFAULTS,
    });
  });

  it('parses user.welcome_requested', () => {
    const body = { userid: USER_ID, email: 'ada@example.com', username: 'ada' };
    expect(parsed(delivery(body, { routingKey: 'user.welcome_requested' })).event).to.deep.equal({
      kind: 'NotificationRequested',
      notificationType: 'welcome',
      userId: USER_ID,
      channel: null,
      recipient: 'ada@example.com',
      templateVars: { username: 'ada', email: 'ada@example.com' },
      ...TYPED_EVENT_DEFAULTS,
    });
  });

  it('parses user.security_alert_requested', () => {
    const body = { userid: USER_ID, email: 'ada@example.com', alert_message: 'New sign-in from Lisbon' };
    expect(parsed(delivery(body, { routingKey: 'user.security_alert_requested' })).event).to.deep.equal({
      kind: 'NotificationRequested',
      notificationType: 'security_alert',
      userId: USER_ID,
      channel: null,
      recipient: 'ada@example.com',
      templateVars: { username: null, email: 'ada@example.com', alert_message: 'New sign-in from Lisbon' },
      ...TYPED_EVENT_DEFAULTS,
    });
  });

  it('parses order.created in the order envelope, with items and total, and integer ids as strings', () => {
    const envelope = { event_type: 'order.created', timestamp: 1795341600, data: ORDER_CREATED };
    const result = parsed(delivery(envelope, { routingKey: 'order.created' }));
    expect(result.eventType).to.equal('order.created');
    expect(result.event).to.deep.equal({
      kind: 'NotificationRequested',
      notificationType: 'order_confirmation',
      userId: '7',
      channel: null,
      recipient: 'ada@example.com',
      templateVars: {
        order_id: '1042',
        total_amount: 59.97,
        status: 'pending',
        items: [
          { product_id: '3', product_name: 'Widget', quantity: 2, price: 19.99 },
          { product_id: 'sku-9', product_name: 'Gadget', quantity: 1, price: '19.99' },
        ],
      },
      ...TYPED_EVENT_DEFAULTS,
    });
  });

  it('parses order.status.updated in the order envelope, with updated_by absent', () => {
    const envelope = { event_type: 'order.status.updated', timestamp: '2026-11-22T10:00:00Z', data: ORDER_STATUS_UPDATED };
    expect(parsed(delivery(envelope, { routingKey: 'order.status.updated' })).event).to.deep.equal({
      kind: 'NotificationRequested',
      notificationType: 'order_status_update',
      userId: '7',
      channel: null,
      recipient: 'ada@example.com',
      templateVars: { order_id: '1042', old_status: 'pending', new_status: 'shipped', updated_by: null },
      ...TYPED_EVENT_DEFAULTS,
    });
  });

  it('parses order fields at the top level too', () => {
    const result = parsed(delivery({ ...ORDER_STATUS_UPDATED, updated_by: 'admin' }, { routingKey: 'order.status.updated' }));
    expect(result.event).to.deep.include({ userId: '7' });
    expect(result.event.kind === 'NotificationRequested' && result.event.templateVars.updated_by).to.equal('admin');
  });

  it('turns an integer userid into a string', () => {
    expect(parsed(delivery({ userid: 42, username: 'ada', email: 'ada@example.com' })).event).to.deep.include({ userId: '42' });
  });
});

describe('parseInboundEvent: the event id', () => {
  const body = { userid: USER_ID, username: 'ada', email: 'ada@example.com' };

  it('is the body event_id first', () => {
    expect(parsed(delivery({ ...body, event_id: 'evt-body' }, { messageId: 'msg-1' })).eventId).to.equal('evt-body');
  });

  it('is the event_id of the envelope data when the envelope has none', () => {
    const envelope = { event_type: 'order.created', data: { ...ORDER_CREATED, event_id: 'evt-data' } };
    expect(parsed(delivery(envelope, { messageId: 'msg-1' })).eventId).to.equal('evt-data');
  });

  it('is the AMQP message id when the body has none', () => {
    expect(parsed(delivery(body, { messageId: 'msg-1' })).eventId).to.equal('msg-1');
  });

  it('is sha256 of the payload when there is neither', () => {
    const result = parsed(delivery(body));
    expect(result.payloadHash).to.match(/^[0-9a-f]{64}$/);
    expect(result.eventId).to.equal(`sha256:${result.payloadHash}`);
  });

  it('hashes the same object with keys in another order the same, and another object differently', () => {
    const reordered = { email: 'ada@example.com', userid: USER_ID, username: 'ada' };
    const first = parsed(delivery(body));
    expect(parsed(delivery(reordered))).to.deep.include({ payloadHash: first.payloadHash, eventId: first.eventId });
    const nested = parsed(delivery({ event_type: 'order.created', data: ORDER_CREATED }));
    const nestedReordered = parsed(delivery({ data: Object.fromEntries(Object.entries(ORDER_CREATED).reverse()), event_type: 'order.created' }));
    expect(nestedReordered.payloadHash).to.equal(nested.payloadHash);
    expect(parsed(delivery({ ...body, username: 'grace' })).payloadHash).to.not.equal(first.payloadHash);
  });
});

describe('parseInboundEvent: an event id that cannot be stored as given', () => {
  const body = { userid: USER_ID, username: 'ada', email: 'ada@example.com' };
  const order = (data: Record<string, unknown>, envelope: Record<string, unknown> = {}) => ({ event_type: 'order.created', ...envelope, data: { ...ORDER_CREATED, ...data } });

  it('refuses a NUL or an unpaired surrogate wherever the id comes from, naming event_id or message_id', () => {
    const cases: Array<[Delivery, string]> = [
      [delivery({ ...body, event_id: 'evt\u00001' }), 'event_id'],
      [delivery({ ...body, event_id: 'evt-\ud83d' }), 'event_id'],
      [delivery(order({}, { event_id: 'evt\u0000' })), 'event_id'],
      [delivery(body, { messageId: 'msg\u00001' }), 'message_id'],
      [delivery(body, { messageId: '\udc00msg' }), 'message_id'],
    ];
    for (const [d, field] of cases) {
      expect(poison(d)).to.deep.include({ reason: 'invalid_payload', detail: `${field}: must not contain NUL characters or unpaired surrogates` });
    }
  });

  it('refuses an id over 255 characters instead of cutting it, so that two ids never become one', () => {
    const long = 'e'.repeat(255);
    expect(parsed(delivery({ ...body, event_id: long })).eventId).to.equal(long);
    expect(poison(delivery({ ...body, event_id: `${long}1` }))).to.deep.include({ reason: 'invalid_payload', detail: 'event_id: must be at most 255 characters, not 256' });
    expect(poison(delivery(order({}, { event_id: `${'😀'.repeat(128)}` })))).to.deep.include({ reason: 'invalid_payload', detail: 'event_id: must be at most 255 characters, not 256' });
  });

  it('checks every id the event carries, not only the one it uses', () => {
    expect(poison(delivery({ ...body, event_id: 'evt-1' }, { messageId: 'msg\u0000' }))).to.deep.include({ detail: 'message_id: must not contain NUL characters or unpaired surrogates' });
    expect(poison(delivery(order({ event_id: 'x'.repeat(300) }, { event_id: 'evt-1' })))).to.deep.include({ detail: 'event_id: must be at most 255 characters, not 300' });
  });

  it('keeps an emoji id whole', () => {
    expect(parsed(delivery({ ...body, event_id: `evt-${'😀'.repeat(100)}` })).eventId).to.equal(`evt-${'😀'.repeat(100)}`);
  });
});

describe('parseInboundEvent: the correlation id', () => {
  const body = { userid: USER_ID, username: 'ada', email: 'ada@example.com' };

  it('is the body correlation_id first', () => {
    expect(parsed(delivery({ ...body, correlation_id: 'corr-body' }, { correlationId: 'corr-amqp' })).correlationId).to.equal('corr-body');
  });

  it('is the AMQP correlation id when the body has none', () => {
    expect(parsed(delivery(body, { correlationId: 'corr-amqp' })).correlationId).to.equal('corr-amqp');
  });

  it('is a new UUID when neither has one', () => {
    const first = parsed(delivery(body)).correlationId;
    expect(first).to.match(UUID);
    expect(parsed(delivery(body)).correlationId).to.not.equal(first);
  });
});

describe('parseInboundEvent: poison', () => {
  it('calls a body that is not JSON unparseable', () => {
    expect(poison(delivery('{"userid": '))).to.deep.include({ ok: false, reason: 'unparseable' });
  });

  it('calls a JSON array or null unparseable', () => {
    expect(poison(delivery('[{"userid": "u-1"}]')).reason).to.equal('unparseable');
    expect(poison(delivery('null')).reason).to.equal('unparseable');
  });

  it('calls an unknown event type unknown_event_type, naming it', () => {
    const result = poison(delivery({ userid: 'u-1' }, { routingKey: 'user.deleted' }));
    expect(result).to.deep.include({ reason: 'unknown_event_type', eventType: 'user.deleted' });
    expect(result.detail).to.contain('user.deleted');
  });

  it('calls a missing field invalid_payload, naming the field', () => {
    const result = poison(delivery({ userid: USER_ID, email: 'ada@example.com' }));
    expect(result).to.deep.include({ reason: 'invalid_payload', eventType: 'user.registered' });
    expect(result.detail).to.match(/^username: /);
  });

  it('calls a missing field of the order envelope data invalid_payload, naming the field', () => {
    const { user_email: _omitted, ...data } = ORDER_CREATED;
    const result = poison(delivery({ event_type: 'order.created', data }));
    expect(result.reason).to.equal('invalid_payload');
    expect(result.detail).to.match(/^user_email: /);
  });

  it('calls an invalid email invalid_payload, naming the field', () => {
    const result = poison(delivery({ userid: USER_ID, username: 'ada', email: 'not-an-email' }));
    expect(result.reason).to.equal('invalid_payload');
    expect(result.detail).to.match(/^email: /);
    const order = poison(delivery({ ...ORDER_CREATED, user_email: 'ada@' }, { routingKey: 'order.created' }));
    expect(order.reason).to.equal('invalid_payload');
    expect(order.detail).to.match(/^user_email: /);
  });

  it('calls an email with CR or LF invalid_payload (header injection)', () => {
    const result = poison(delivery({ userid: USER_ID, username: 'ada', email: 'ada@example.com\r\nBcc: all@example.com' }));
    expect(result).to.deep.include({ reason: 'invalid_payload', detail: 'email: must not contain CR or LF' });
  });

  it('calls an order without items invalid_payload', () => {
    const result = poison(delivery({ ...ORDER_CREATED, items: [] }, { routingKey: 'order.created' }));
    expect(result.reason).to.equal('invalid_payload');
    expect(result.detail).to.match(/^items: /);
  });

  it('calls a negative quantity invalid_payload, naming the item', () => {
    const items = [{ product_id: 3, product_name: 'Widget', quantity: -1, price: 19.99 }];
    const result = poison(delivery({ ...ORDER_CREATED, items }, { routingKey: 'order.created' }));
    expect(result.reason).to.equal('invalid_payload');
    expect(result.detail).to.match(/^items\.0\.quantity: /);
  });

  it('calls a negative total invalid_payload', () => {
    const result = poison(delivery({ ...ORDER_CREATED, total_amount: -5 }, { routingKey: 'order.created' }));
    expect(result.reason).to.equal('invalid_payload');
    expect(result.detail).to.match(/^total_amount: /);
  });

  it('calls a user id with control characters invalid_payload', () => {
    const result = poison(delivery({ userid: 'u-1\u0007', username: 'ada', email: 'ada@example.com' }));
    expect(result).to.deep.include({ reason: 'invalid_payload', detail: 'userid: must contain printable characters only' });
  });

  it('names user_id for an order event with an unprintable user id', () => {
    const result = poison(delivery({ ...ORDER_STATUS_UPDATED, user_id: 'u\u0007' }, { routingKey: 'order.status.updated' }));
    expect(result.reason).to.equal('invalid_payload');
    expect(result.detail).to.match(/^user_id: /);
  });

  it('calls a NUL character anywhere in the payload invalid_payload, naming where', () => {
    const result = poison(delivery({ userid: 'u-1', username: 'a\u0000b', email: 'ada@example.com' }));
    expect(result).to.deep.include({ reason: 'invalid_payload', detail: 'username: must not contain NUL characters or unpaired surrogates' });
  });

  it('calls an unpaired surrogate invalid_payload, and accepts a paired one (an emoji)', () => {
    const lone = poison(delivery({ userid: 'u-1', username: 'a\ud800b', email: 'ada@example.com' }));
    expect(lone).to.deep.include({ reason: 'invalid_payload', detail: 'username: must not contain NUL characters or unpaired surrogates' });
    expect(parseInboundEvent(delivery({ userid: 'u-1', username: 'Ada 😀', email: 'ada@example.com' })).ok).to.equal(true);
  });

  it('takes the AMQP correlation id when the body one is not a sane token', () => {
    const parsed = delivery({ userid: 'u-1', username: 'ada', email: 'ada@example.com', correlation_id: 'has spaces in it' }, { correlationId: 'amqp-corr-1' });
    const result = parseInboundEvent(parsed);
    expect(result.ok && result.correlationId).to.equal('amqp-corr-1');
  });
});

describe('parseInboundEvent: priority', () => {
  const welcome = { userid: USER_ID, email: 'ada@example.com', username: 'ada' };
  const priorityOf = (d: Delivery) => {
    const { event } = parsed(d);
    return event.kind === 'NotificationRequested' ? event.priority : 'not a notification';
  };

  it('takes priority from the payload, at the top level or under data', () => {
    expect(priorityOf(delivery({ ...welcome, priority: 'critical' }, { routingKey: 'user.welcome_requested' }))).to.equal('critical');
    const envelope = { event_type: 'order.status.updated', data: { ...ORDER_STATUS_UPDATED, priority: 'low' } };
    expect(priorityOf(delivery(envelope))).to.equal('low');
  });

  it('takes priority from the envelope when the data has none', () => {
    expect(priorityOf(delivery({ event_type: 'order.created', priority: 'high', data: ORDER_CREATED }))).to.equal('high');
  });

  it('is null when absent or null', () => {
    expect(priorityOf(delivery(welcome, { routingKey: 'user.welcome_requested' }))).to.equal(null);
    expect(priorityOf(delivery({ ...welcome, priority: null }, { routingKey: 'user.welcome_requested' }))).to.equal(null);
  });

  it('calls an unknown priority invalid_payload, naming priority', () => {
    for (const priority of ['urgent', 'CRITICAL', 3, '', ['high'], 'toString']) {
      const result = poison(delivery({ ...welcome, priority }, { routingKey: 'user.welcome_requested' }));
      expect(result, String(priority)).to.deep.include({ reason: 'invalid_payload', eventType: 'user.welcome_requested' });
      expect(result.detail, String(priority)).to.match(/^priority: must be one of critical, high, normal, low/);
    }
  });
});

describe('parseInboundEvent: hostile shapes', () => {
  const nested = (levels: number): unknown => {
    let value: unknown = { userid: USER_ID, username: 'ada', email: 'ada@example.com' };
    for (let i = 1; i < levels; i++) value = { inner: value };
    return value;
  };

  it('calls type names that Object.prototype holds unknown_event_type, wherever they come from', () => {
    for (const name of ['constructor', '__proto__', 'toString', 'hasOwnProperty', 'valueOf']) {
      expect(poison(delivery(ANY_USER_EVENT, { type: name })), `AMQP type ${name}`).to.deep.include({ reason: 'unknown_event_type', eventType: name });
      expect(poison(delivery(ANY_USER_EVENT, { headers: { event_type: name } })).reason, `header ${name}`).to.equal('unknown_event_type');
      expect(poison(delivery({ ...ANY_USER_EVENT, event_type: name }, { routingKey: 'x' })).reason, `body ${name}`).to.equal('unknown_event_type');
      expect(poison(delivery(ANY_USER_EVENT, { routingKey: name })).reason, `routing key ${name}`).to.equal('unknown_event_type');
    }
  });

  it('names an unknown type truncated and escaped in the detail', () => {
    const result = poison(delivery(ANY_USER_EVENT, { type: `evil\u202e\r\n${'x'.repeat(500)}` }));
    expect(result.detail).to.equal(`unknown event type "evil\\u202e\\u000d\\u000a${'x'.repeat(93)}..."`);
  });

  it('refuses a body over 256 KiB as too_large without parsing it', () => {
    const big = Buffer.alloc(256 * 1024 + 1, 0x20);
    expect(poison(delivery(big.toString('latin1')))).to.deep.include({ reason: 'too_large' });
    const padded = JSON.stringify({ ...ANY_USER_EVENT, padding: 'x'.repeat(256 * 1024) });
    expect(poison(delivery(padded)).reason).to.equal('too_large');
  });

  it('accepts 32 levels and refuses 33 or more as too_deep, naming the outermost field', () => {
    // 32 levels pass the depth check; the payload is then simply not a user.registered event.
    expect(poison(delivery(nested(32))).reason).to.equal('invalid_payload');
    expect(poison(delivery(nested(33)))).to.deep.include({ reason: 'too_deep', detail: 'nested deeper than 32 levels under inner' });
    expect(poison(delivery({ ...ANY_USER_EVENT, data: nested(40) })).reason).to.equal('too_deep');
  });

  it('refuses JSON thousands of levels deep as too_deep instead of overflowing the stack', () => {
    for (const body of ['{"a":'.repeat(20_000) + '1' + '}'.repeat(20_000), '['.repeat(100_000) + ']'.repeat(100_000)]) {
      expect(poison(delivery(body)).reason).to.equal('too_deep');
    }
    const deepData = `{"event_type":"user.registered","data":${'{"a":'.repeat(20_000)}1${'}'.repeat(20_000)}}`;
    expect(poison(delivery(deepData)).reason).to.equal('too_deep');
  });
});
