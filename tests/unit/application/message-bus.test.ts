import { expect } from 'chai';
import type { CommandHandler, EventHandler, HandlerRegistry } from '../../../src/application/handler-types.js';
import { toWrittenView } from '../../../src/application/handlers/preferences-view.js';
import { MessageBus } from '../../../src/application/message-bus.js';
import type { UnitOfWork } from '../../../src/application/ports/unit-of-work.js';
import type { CommandOf } from '../../../src/domain/commands.js';
import { EmailAddress } from '../../../src/domain/email-address.js';
import type { DomainEvent, DomainEventType, EventOf } from '../../../src/domain/events.js';
import { preferenceFlags } from '../../../src/domain/notification-preferences.js';
import { UserId } from '../../../src/domain/user-id.js';
import { FakeUnitOfWork, InMemoryStore } from '../../support/fakes.js';
import { RecordingBusMonitor, testStamping } from '../../support/test-container.js';
import { aPreferences, at } from '../mothers.js';
import { rejection } from '../rejection.js';

type EventHandlers = { [K in DomainEventType]?: Array<EventHandler<K>> };

const unused = async (): Promise<never> => {
  throw new Error('not used in this test');
};

function registry(commands: Partial<HandlerRegistry['commands']>, events: EventHandlers = {}): HandlerRegistry {
  return {
    commands: {
      CreatePreferences: unused,
      ReplacePreferences: unused,
      CreateApiKey: unused,
      RevokeApiKey: unused,
      ReceiveEvent: unused,
      SendNotification: unused,
      SendBatch: unused,
      CreateTemplate: unused,
      SaveTemplateDraft: unused,
      PublishTemplateVersion: unused,
      SeedTemplates: unused,
      RecordSendReports: unused,
      AbandonClaim: unused,
      RetryNotification: unused,
      RetryFailedNotifications: unused,
      PublishEvent: unused,
      RecordDeliveryReceipt: unused,
      RotateWebhookSecret: unused,
      AddSuppression: unused,
      LiftSuppression: unused,
      RecheckHeld: unused,
      ChangeFeedItem: unused,
      ReadAllFeedItems: unused,
      MarkFeedSeen: unused,
      StoreDeadLetter: unused,
      ReplayDeadLetter: unused,
      ReplayDeadLetters: unused,
      DiscardDeadLetter: unused,
      ...commands,
    },
    reactions: { NotificationPreferencesCreated: [], NotificationPreferencesUpdated: [], NotificationRecorded: [], NotificationSent: [], NotificationFailed: [], AddressesRejected: [], FallbackDue: [], FeedChanged: [] },
    events: {
      NotificationPreferencesCreated: events.NotificationPreferencesCreated ?? [],
      NotificationPreferencesUpdated: events.NotificationPreferencesUpdated ?? [],
      NotificationRecorded: events.NotificationRecorded ?? [],
      AddressesRejected: events.AddressesRejected ?? [],
      FallbackDue: events.FallbackDue ?? [],
      NotificationSent: events.NotificationSent ?? [],
      NotificationFailed: events.NotificationFailed ?? [],
      FeedChanged: events.FeedChanged ?? [],
    },
  };
}

function busWith(handlers: HandlerRegistry) {
  const store = new InMemoryStore();
  const monitor = new RecordingBusMonitor();
  const bus = new MessageBus(handlers, () => new FakeUnitOfWork(store, testStamping()), monitor);
  return { bus, store, monitor };
}

function create(userId: string): CommandOf<'CreatePreferences'> {
  return { type: 'CreatePreferences', userId, notificationEmail: `${userId}@example.com`, preferences: {} };
}

/** Creates preferences for every user id given in the command, comma-separated. */
const createsEach: CommandHandler<'CreatePreferences'> = async (command, uow) => {
  const created = (command.userId ?? '').split(',').map((userId) => aPreferences({ userId }));
  for (const preferences of created) await uow.preferences.add(preferences);
  return toWrittenView(created[0]!);
};

function recorder<K extends DomainEventType>(name: string, log: string[]): EventHandler<K> {
  return {
    name,
    handle: async (event) => {
      log.push(`${name}: ${event.type} ${'userId' in event ? event.userId : ''}`);
    },
  };
}

const sent: EventOf<'NotificationSent'> = {
  type: 'NotificationSent',
  notificationId: 'n-1',
  userId: 'u-1',
  notificationType: 'welcome',
  providerMessageId: null,
  channel: 'email',
  recipient: 'u-1@example.com',
  correlationId: null,
  deliveryTimeMs: 40,
};

function gate() {
  let open: () => void = () => undefined;
  const opened = new Promise<void>((resolve) => {
    open = resolve;
  });
  return { open, opened };
}

const settle = () => new Promise<void>((resolve) => setImmediate(resolve));

describe('MessageBus', () => {
  it('sends a command to exactly one handler and returns its result', async () => {
    const calls: string[] = [];
    const { bus, store, monitor } = busWith(
      registry({
        CreatePreferences: async (command, uow) => {
          calls.push(`create ${command.userId}`);
          return createsEach(command, uow);
        },
        ReplacePreferences: async () => {
          calls.push('replace');
          return unused();
        },
      }),
    );
    const result = await bus.handle(create('u-1'));
    expect(result).to.deep.equal(toWrittenView(aPreferences({ userId: 'u-1' })));
    expect(calls).to.deep.equal(['create u-1']);
    expect([...store.preferences.keys()]).to.deep.equal(['u-1']);
    expect({ commits: store.commits, rollbacks: store.rollbacks }).to.deep.equal({ commits: 1, rollbacks: 0 });
    expect(monitor.handledTypes).to.deep.equal(['CreatePreferences']);
  });

  it("passes a command handler's error to the caller and rolls back its writes", async () => {
    const log: string[] = [];
    const boom = new Error('boom');
    const { bus, store, monitor } = busWith(
      registry(
        {
          CreatePreferences: async (command, uow) => {
            await createsEach(command, uow);
            throw boom;
          },
        },
        { NotificationPreferencesCreated: [recorder('spy', log)] },
      ),
    );
    expect(await rejection(bus.handle(create('u-1')))).to.equal(boom);
    expect(store.preferences.size).to.equal(0);
    expect({ commits: store.commits, rollbacks: store.rollbacks }).to.deep.equal({ commits: 0, rollbacks: 1 });
    expect(log).to.deep.equal([]);
    expect(monitor.handledTypes).to.deep.equal([]);
  });

  it('sends an event to every handler registered for it, each in its own unit of work', async () => {
    const received: Array<{ handler: string; event: DomainEvent; uow: UnitOfWork }> = [];
    const handler = (name: string): EventHandler<'NotificationSent'> => ({
      name,
      handle: async (event, uow) => {
        received.push({ handler: name, event, uow });
      },
    });
    const { bus, store, monitor } = busWith(registry({}, { NotificationSent: [handler('audit'), handler('metrics')] }));
    await bus.handle(sent);
    expect(received.map(({ handler: name, event }) => ({ name, event }))).to.deep.equal([
      { name: 'audit', event: sent },
      { name: 'metrics', event: sent },
    ]);
    expect(received[0]!.uow).to.not.equal(received[1]!.uow);
    expect(store.commits).to.equal(2);
    expect(monitor.handledTypes).to.deep.equal(['NotificationSent', 'NotificationSent']);
  });

  it('reports a failing event handler to the monitor while the others run and the command still returns', async () => {
    const log: string[] = [];
    const boom = new Error('smtp down');
    const failing: EventHandler<'NotificationPreferencesCreated'> = {
      name: 'welcome-mailer',
      handle: async (_event, uow) => {
        await uow.preferences.add(aPreferences({ userId: 'written-then-rolled-back' }));
        throw boom;
      },
    };
    const { bus, store, monitor } = busWith(
      registry(
        { CreatePreferences: createsEach },
        { NotificationPreferencesCreated: [recorder('first', log), failing, recorder('last', log)] },
      ),
    );
    const result = await bus.handle(create('u-1'));
    expect(result.userId).to.equal('u-1');
    expect(log).to.deep.equal(['first: NotificationPreferencesCreated u-1', 'last: NotificationPreferencesCreated u-1']);
    expect(monitor.failures).to.deep.equal([{ eventType: 'NotificationPreferencesCreated', handler: 'welcome-mailer', error: boom }]);
    expect([...store.preferences.keys()]).to.deep.equal(['u-1']);
    expect(store.rollbacks).to.equal(1);
  });

  it('dispatches the events raised in a command after its commit, in order', async () => {
    const log: string[] = [];
    const committed: EventHandler<'NotificationPreferencesCreated'> = {
      name: 'committed',
      handle: async (event) => {
        log.push(`${event.userId} stored: ${setup.store.preferences.has(event.userId)}`);
      },
    };
    const setup = busWith(registry({ CreatePreferences: createsEach }, { NotificationPreferencesCreated: [committed] }));
    await setup.bus.handle(create('u-1,u-2,u-3'));
    expect(log).to.deep.equal(['u-1 stored: true', 'u-2 stored: true', 'u-3 stored: true']);
  });

  it('dispatches the events raised in event handlers too, after the earlier ones', async () => {
    const log: string[] = [];
    const optOut: EventHandler<'NotificationPreferencesCreated'> = {
      name: 'opt-out-of-marketing',
      handle: async (event, uow) => {
        const preferences = await uow.preferences.get(UserId.of(event.userId));
        preferences!.replace(EmailAddress.of(event.notificationEmail), preferenceFlags({ welcome: false }), at(1));
        await uow.preferences.save(preferences!);
      },
    };
    const { bus, store, monitor } = busWith(
      registry(
        { CreatePreferences: createsEach },
        {
          NotificationPreferencesCreated: [recorder('log', log), optOut],
          NotificationPreferencesUpdated: [recorder('log', log)],
        },
      ),
    );
    await bus.handle(create('u-1,u-2'));
    expect(log).to.deep.equal([
      'log: NotificationPreferencesCreated u-1',
      'log: NotificationPreferencesCreated u-2',
      'log: NotificationPreferencesUpdated u-1',
      'log: NotificationPreferencesUpdated u-2',
    ]);
    expect(store.preferences.get('u-2')).to.deep.include({ version: 2, preferences: preferenceFlags({ welcome: false }) });
    expect(monitor.failures).to.deep.equal([]);
  });

  it('gives concurrent handle calls their own units of work and their own event queues', async () => {
    const commandGates = { a: gate(), b: gate() };
    const eventGates = { a: gate(), b: gate() };
    const steps: string[] = [];
    const uows: UnitOfWork[] = [];
    const { bus } = busWith(
      registry(
        {
          CreatePreferences: async (command, uow) => {
            steps.push(`command ${command.userId} started`);
            uows.push(uow);
            await commandGates[command.userId as 'a' | 'b'].opened;
            return createsEach(command, uow);
          },
        },
        {
          NotificationPreferencesCreated: [
            {
              name: 'held',
              handle: async (event, uow) => {
                steps.push(`event ${event.userId} started`);
                uows.push(uow);
                await eventGates[event.userId as 'a' | 'b'].opened;
                steps.push(`event ${event.userId} done`);
              },
            },
          ],
        },
      ),
    );
    const handledA = bus.handle(create('a'));
    const handledB = bus.handle(create('b'));
    let bResolved = false;
    void handledB.then(() => (bResolved = true));
    await settle();
    commandGates.b.open();
    await settle();
    commandGates.a.open();
    await settle();
    eventGates.a.open();
    const resultA = await handledA;
    expect(steps).to.deep.equal(['command a started', 'command b started', 'event b started', 'event a started', 'event a done']);
    expect(bResolved).to.equal(false);
    eventGates.b.open();
    const resultB = await handledB;
    expect(steps.slice(5)).to.deep.equal(['event b done']);
    expect([resultA.userId, resultB.userId]).to.deep.equal(['a', 'b']);
    expect(new Set(uows).size).to.equal(4);
  });
});
