import { expect } from 'chai';
import { InvalidValueError, PreferencesNotFoundError } from '../../../src/domain/errors.js';
import { preferenceFlags } from '../../../src/domain/notification-preferences.js';
import { NotificationRequest } from '../../../src/domain/notification-request.js';
import { fakeContainer } from '../../support/test-container.js';
import { NO_CONTACT_POINTS, NO_DELIVERY_SETTINGS, aNewNotification, T0 } from '../mothers.js';
import { rejection } from '../rejection.js';

describe('preferences query', () => {
  it('refuses an unknown user with PreferencesNotFoundError', async () => {
    const { app } = fakeContainer();
    const error = await rejection(app.get('preferencesQuery').ofUser('nobody'));
    expect(error).to.be.instanceOf(PreferencesNotFoundError);
    expect((error as PreferencesNotFoundError).userId).to.equal('nobody');
  });

  it('returns the stored preferences of a user', async () => {
    const { app, bus } = fakeContainer();
    await bus.handle({ type: 'CreatePreferences', userId: '42', notificationEmail: 'ada@example.com', preferences: { welcome: false } });
    expect(await app.get('preferencesQuery').ofUser('42')).to.deep.equal({
      userId: '42',
      notificationEmail: 'ada@example.com',
      preferences: preferenceFlags({ welcome: false }),
      ...NO_CONTACT_POINTS,
      ...NO_DELIVERY_SETTINGS,
      createdAt: T0,
      updatedAt: T0,
    });
  });

  it('refuses an invalid user id naming userid', async () => {
    const { app } = fakeContainer();
    const error = await rejection(app.get('preferencesQuery').ofUser('a\nb'));
    expect((error as InvalidValueError).field).to.equal('userid');
  });
});

describe('history query', () => {
  function withHistory(userId: string, count: number) {
    const container = fakeContainer();
    for (let i = 1; i <= count; i += 1) {
      const id = `n-${i}`;
      container.store.notifications.set(id, NotificationRequest.request(aNewNotification({ id, userId }), container.clock.now()).snapshot());
      container.clock.advance(1000);
    }
    return container;
  }

  it('gives an unknown user an empty last page', async () => {
    const { app } = fakeContainer();
    expect(await app.get('historyQuery').ofUser('nobody')).to.deep.equal({ notifications: [], nextCursor: null });
  });

  it('refuses a limit that is not an integer from 1 to 200', async () => {
    const { app } = fakeContainer();
    for (const limit of [0, 201, 1.5, -1, Number.NaN]) {
      const error = await rejection(app.get('historyQuery').ofUser('u-1', limit));
      expect(error, String(limit)).to.be.instanceOf(InvalidValueError);
      expect((error as InvalidValueError).field).to.equal('limit');
    }
  });

  it('accepts the limits 1 and 200', async () => {
    const { app } = withHistory('u-1', 3);
    expect((await app.get('historyQuery').ofUser('u-1', 1)).notifications).to.have.lengthOf(1);
    expect((await app.get('historyQuery').ofUser('u-1', 200)).notifications).to.have.lengthOf(3);
  });

  it('lists a user’s notifications newest first, page by page', async () => {
    const { app, store } = withHistory('u-1', 5);
    store.notifications.set('other', NotificationRequest.request(aNewNotification({ id: 'other', userId: 'u-2' }), T0).snapshot());
    const history = app.get('historyQuery');
    const pages: string[][] = [];
    let cursor: string | null = null;
    do {
      const page = await history.ofUser('u-1', 2, cursor);
      pages.push(page.notifications.map((n) => n.id));
      cursor = page.nextCursor;
    } while (cursor !== null);
    expect(pages).to.deep.equal([['n-5', 'n-4'], ['n-3', 'n-2'], ['n-1']]);
  });

});
