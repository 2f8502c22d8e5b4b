import { expect } from 'chai';
import type { NotificationRenderer } from '../../../src/application/ports/notification-renderer.js';
import type { NotificationFilter, NotificationRecord, NotificationSearchReadModel, SearchWindow } from '../../../src/application/ports/notification-search.js';
import { NotificationSearchQuery, REDACTED, type SearchRequest } from '../../../src/application/queries/notification-search.query.js';
import { InvalidValueError, NotificationNotFoundError } from '../../../src/domain/errors.js';
import type { NotificationSnapshot } from '../../../src/domain/notification-request.js';
import { orderIdOf } from '../../../src/domain/order-id.js';
import { aPendingNotification } from '../mothers.js';
import { rejection } from '../rejection.js';

const ANY: NotificationFilter = { userId: null, recipient: null, status: null, type: null, channel: null, orderId: null, createdFrom: null, createdTo: null };

/** Remembers what it was asked; answers an empty page, and one record when it has it. */
class RecordingReadModel implements NotificationSearchReadModel {
  readonly asked: Array<{ filter: NotificationFilter; window: SearchWindow }> = [];
  constructor(readonly held: NotificationRecord | null = null) {}
  search(filter: NotificationFilter, window: SearchWindow) {
    this.asked.push({ filter, window });
    return Promise.resolve({ notifications: [], nextCursor: null });
  }
  record(id: string) {
    return Promise.resolve(this.held?.snapshot.id === id ? this.held : null);
  }
  types() {
    return Promise.resolve(['order_confirmation', 'welcome']);
  }
}

/** Renders the subject from the variables it was given, or fails as a template missing one would. */
const renderer: NotificationRenderer = {
  render: (n: NotificationSnapshot) => {
    const token = n.content.templateVars.reset_token;
    if (typeof token !== 'string') return Promise.reject(new InvalidValueError('template_vars.reset_token', 'is required'));
    return Promise.resolve({ channel: 'email', subject: `Reset with ${token}`, html: '', text: '' });
  },
  preview: () => {
    throw new Error('not used');
  },
};

function request(fields: Partial<Omit<SearchRequest, 'filter'>> & { filter?: Partial<NotificationFilter> } = {}): SearchRequest {
  return { page: null, pageSize: null, cursor: null, ...fields, filter: { ...ANY, ...fields.filter } };
}

async function refusal(fields: Parameters<typeof request>[0]): Promise<string> {
  const error = await rejection(new NotificationSearchQuery(new RecordingReadModel(), renderer).search(request(fields)));
  expect(error).to.be.instanceOf(InvalidValueError);
  return (error as InvalidValueError).field;
}

describe('NotificationSearchQuery', () => {
  it('asks for the first page of 20 by default, answering page 1', async () => {
    const readModel = new RecordingReadModel();
    const list = await new NotificationSearchQuery(readModel, renderer).search(request());
    expect(readModel.asked).to.deep.equal([{ filter: ANY, window: { limit: 20, offset: 0, cursor: null } }]);
    expect([list.page, list.pageSize]).to.deep.equal([1, 20]);
  });

  it('maps a numbered page to its offset, and a cursor to no page number', async () => {
    const readModel = new RecordingReadModel();
    const query = new NotificationSearchQuery(readModel, renderer);
    await query.search(request({ page: 3, pageSize: 50 }));
    const byCursor = await query.search(request({ cursor: 'abc', pageSize: 10 }));
    expect(readModel.asked.map((a) => a.window)).to.deep.equal([
      { limit: 50, offset: 100, cursor: null },
      { limit: 10, offset: 0, cursor: 'abc' },
    ]);
    expect(byCursor.page).to.equal(null);
  });

  it('passes every filter through as given, combined', async () => {
    const readModel = new RecordingReadModel();
    const filter = { ...ANY, userId: 'u-1', recipient: 'a@example.com', status: 'failed', type: 'welcome', channel: 'email', orderId: 'o-9', createdFrom: new Date(1), createdTo: new Date(2) } as const;
    await new NotificationSearchQuery(readModel, renderer).search(request({ filter }));
    expect(readModel.asked[0]?.filter).to.deep.equal(filter);
  });

  it('refuses page_size 0 and 101, naming page_size', async () => {
    expect(await refusal({ pageSize: 101 })).to.equal('page_size');
    expect(await refusal({ pageSize: 0 })).to.equal('page_size');
  });

  it('refuses a page and a cursor together, naming cursor', async () => {
    expect(await refusal({ page: 1, cursor: 'abc' })).to.equal('cursor');
  });

  it('refuses page 0 and a page deeper than 10,000 rows, naming page', async () => {
    expect(await refusal({ page: 0 })).to.equal('page');
    expect(await refusal({ page: 102, pageSize: 100 })).to.equal('page');
  });

  it('refuses an unknown type, a bad user id and created_from after created_to, naming each', async () => {
    expect(await refusal({ filter: { type: 'no_such_type' } })).to.equal('type');
    expect(await refusal({ filter: { userId: '   ' } })).to.equal('userid');
    expect(await refusal({ filter: { createdFrom: new Date(2), createdTo: new Date(1) } })).to.equal('created_from');
  });

  it('answers 404 for a notification it does not have', async () => {
    const error = await rejection(new NotificationSearchQuery(new RecordingReadModel(), renderer).detail('nope'));
    expect(error).to.be.instanceOf(NotificationNotFoundError);
  });

  it('renders a notification with its one-time secrets redacted, whether held or erased', async () => {
    const pending = aPendingNotification({ id: 'n-1', orderId: 'o-1', secretVariables: ['reset_token'], content: { subject: null, body: null, templateVars: { reset_token: 'tok-secret' } } });
    const record = { snapshot: pending.snapshot(), retriedBy: 'n-2', fallbacks: ['n-3'], events: [] };
    const detail = await new NotificationSearchQuery(new RecordingReadModel(record), renderer).detail('n-1');
    expect(detail.rendered).to.deep.equal({ channel: 'email', subject: `Reset with ${REDACTED}`, html: '', text: '' });
    expect([detail.view.orderId, detail.correlationId, detail.templateKey, detail.retriedBy, detail.fallbacks]).to.deep.equal(['o-1', 'corr-1', 'welcome', 'n-2', ['n-3']]);
  });

  it('answers rendered null when the template cannot render it', async () => {
    const plain = aPendingNotification({ id: 'n-1', content: { subject: null, body: null, templateVars: {} } });
    const detail = await new NotificationSearchQuery(new RecordingReadModel({ snapshot: plain.snapshot(), retriedBy: null, fallbacks: [], events: [] }), renderer).detail('n-1');
    expect(detail.rendered).to.equal(null);
  });
});

describe('orderIdOf', () => {
  it('keeps an order id given as text or as a whole number', () => {
    expect(orderIdOf({ order_id: 'ORD-1' })).to.equal('ORD-1');
    expect(orderIdOf({ order_id: 4711 })).to.equal('4711');
  });

  it('records none for what is no order id: absent, blank, too long, fractional, negative, an object, control characters', () => {
    const refused = [{}, { order_id: ' ' }, { order_id: 'x'.repeat(129) }, { order_id: 1.5 }, { order_id: -1 }, { order_id: { id: 1 } }, { order_id: 'a\u0000b' }];
    expect(refused.map(orderIdOf)).to.deep.equal(refused.map(() => null));
    expect(orderIdOf({ order_id: 'x'.repeat(128) })).to.have.lengthOf(128);
  });
});
