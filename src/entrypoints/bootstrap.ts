import 'reflect-metadata';
import { Container, type ServiceIdentifier } from 'inversify';
import { brokerFactories } from './composition/broker.factories.js';
import { coreFactories } from './composition/core.factories.js';
import { channelFactories } from './composition/channels.factories.js';
import { deliveryFactories } from './composition/delivery.factories.js';
import type { Factories, Resolve } from './composition/factory-types.js';
import { persistenceFactories } from './composition/persistence.factories.js';
import { templateFactories } from './composition/templates.factories.js';
import { scheduleFactories } from './composition/schedules.factories.js';
import { contactPointFactories } from './composition/contact-points.factories.js';
import { feedFactories } from './composition/feed.factories.js';
import { realtimeFactories } from './composition/realtime.factories.js';
import { deadLetterFactories } from './composition/dead-letters.factories.js';
import { operationsFactories } from './composition/operations.factories.js';
import { analyticsFactories } from './composition/analytics.factories.js';
import type { Config } from './config.js';
import type { ServiceName, Services } from './services.js';

/** Production wiring (ADR 1). Each factory runs once, on first use; nothing connects before a query. */
const factories: Factories = {
  ...coreFactories,
  ...persistenceFactories,
  ...templateFactories,
  ...scheduleFactories,
  ...deliveryFactories,
  ...channelFactories,
  ...brokerFactories,
  ...contactPointFactories,
  ...feedFactories,
  ...realtimeFactories,
  ...deadLetterFactories,
  ...operationsFactories,
  ...analyticsFactories,
};

/** The composition root: an inversify container holding every service as a lazy singleton. */
export class AppContainer {
  private readonly container = new Container();
  private readonly tokens = new Map<ServiceName, ServiceIdentifier<unknown>>();

  constructor(config: Config, overrides: Partial<Omit<Services, 'config'>> = {}) {
    const resolve: Resolve = (name) => this.get(name);
    this.bindService('config', () => config);
    for (const name of Object.keys(factories) as Array<keyof Factories>) {
      const override = overrides[name];
      this.bindService(name, override !== undefined ? () => override : () => factories[name](resolve));
    }
    for (const name of ['primaryDb', 'workerDb', 'templatesDb', 'standbyDb'] as const) {
      this.container.onDeactivation(this.token(name), async (db) => {
        await (db as Services[typeof name])?.destroy();
      });
    }
  }

  get<K extends ServiceName>(name: K): Services[K] {
    return this.container.get(this.token(name)) as Services[K];
  }

  /** Closes what was opened (database pools, later broker connections), in reverse dependency order. */
  async close(): Promise<void> {
    await this.container.unbindAllAsync();
  }

  private bindService(name: ServiceName, build: () => unknown): void {
    const token = Symbol(name);
    this.tokens.set(name, token);
    this.container.bind(token).toDynamicValue(build).inSingletonScope();
  }

  private token(name: ServiceName): ServiceIdentifier<unknown> {
    const token = this.tokens.get(name);
    if (!token) throw new Error(`no service named ${name}`);
    return token;
  }
}
