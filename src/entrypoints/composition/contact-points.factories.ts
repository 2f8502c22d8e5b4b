import { SuppressionsQuery } from '../../application/queries/suppressions.query.js';
import { KyselySuppressionReadModel } from '../../adapters/postgres/suppression-read-model.js';
import { KyselyWebhookEndpoints } from '../../adapters/postgres/webhook-endpoints.js';
import { RandomSecretGenerator } from '../../adapters/system/random-secret-generator.js';
import type { Factories } from './factory-types.js';

type ContactPoints = 'secretGenerator' | 'webhookUrlPolicy' | 'webhookEndpoints' | 'suppressionReadModel' | 'suppressionsQuery';

/** Recipient contact points (webhook endpoints and their secrets) and suppressions. */
export const contactPointFactories: Pick<Factories, ContactPoints> = {
  secretGenerator: () => new RandomSecretGenerator(),
  // Syntax only (WebhookUrl) until the webhook channel wires its DNS check of private addresses here.
  webhookUrlPolicy: () => ({ check: async () => undefined }),
  webhookEndpoints: (get) => new KyselyWebhookEndpoints(get('workerDb'), get('clock')),
  suppressionReadModel: (get) => new KyselySuppressionReadModel(get('readRouter')),
  suppressionsQuery: (get) => new SuppressionsQuery(get('suppressionReadModel')),
};
