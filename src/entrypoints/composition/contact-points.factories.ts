import { SuppressionsQuery } from '../../application/queries/suppressions.query.js';
import { KyselySuppressionReadModel } from '../../adapters/postgres/suppression-read-model.js';
import { KyselyWebhookEndpoints } from '../../adapters/postgres/webhook-endpoints.js';
import { DnsWebhookUrlPolicy } from '../../adapters/webhook/dns-webhook-url-policy.js';
import { newWebhookSecret } from '../../adapters/webhook/webhook-settings.js';
import type { Factories } from './factory-types.js';

type ContactPoints = 'secretGenerator' | 'webhookUrlPolicy' | 'webhookEndpoints' | 'suppressionReadModel' | 'suppressionsQuery';

/** Recipient contact points (webhook endpoints and their secrets) and suppressions. */
export const contactPointFactories: Pick<Factories, ContactPoints> = {
  secretGenerator: () => ({ webhookSecret: newWebhookSecret }),
  webhookUrlPolicy: (get) => new DnsWebhookUrlPolicy(get('config').webhook.allowPrivateNetworks),
  webhookEndpoints: (get) => new KyselyWebhookEndpoints(get('workerDb'), get('clock')),
  suppressionReadModel: (get) => new KyselySuppressionReadModel(get('readRouter')),
  suppressionsQuery: (get) => new SuppressionsQuery(get('suppressionReadModel')),
};
