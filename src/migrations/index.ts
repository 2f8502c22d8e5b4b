import type { Migration } from 'kysely';
import * as initialSchema from './20261122T0200-initial-schema.js';
import * as eventPipeline from './20261122T0300-event-pipeline.js';
import * as attemptHistory from './20261122T0400-attempt-history.js';
import * as deliveryCore from './20261129T0100-delivery-core.js';
import * as attemptHistoryByWriter from './20261129T0200-attempt-history-by-writer.js';
import * as templates from './20261129T0300-templates.js';
import * as schedules from './20261129T0400-schedules.js';
import * as notificationTemplateVersion from './20261129T0500-notification-template-version.js';
import * as contactPoints from './20261129T0600-contact-points.js';
import * as channels from './20261129T0700-channels.js';
import * as recipientProfile from './20261129T0800-recipient-profile.js';
import * as feed from './20261129T0810-feed.js';
import * as wsTickets from './20261129T0820-ws-tickets.js';
import * as routing from './20261129T0830-routing.js';
import * as wsFixes from './20261129T0840-ws-fixes.js';
import * as auditLog from './20261129T0900-audit-log.js';
import * as notificationSearch from './20261129T0910-notification-search.js';
import * as deadLetters from './20261129T0920-dead-letters.js';
import * as bulkRetry from './20261129T0930-bulk-retry.js';
import * as analyticsMinutes from './20261129T0940-analytics-minutes.js';
import * as operationsIndexes from './20261129T0945-operations-indexes.js';
import * as outboxDirect from './20261129T0960-outbox-direct.js';
import * as searchIndexes from './20261129T0970-search-indexes.js';
import * as auditByTargetType from './20261129T0980-audit-by-target-type.js';

/**
 * A migration runs in a transaction of its own unless it exports `transactional = false` (then it
 * runs outside any: `create index concurrently`); see src/adapters/postgres/migrator.ts.
 */
export type MigrationModule = Migration & { readonly transactional?: boolean };

/** Every migration, by name; the Migrator applies them in name order. Add new ones here. */
export const migrations: Record<string, MigrationModule> = {
  '20261122T0200-initial-schema': initialSchema,
  '20261122T0300-event-pipeline': eventPipeline,
  '20261122T0400-attempt-history': attemptHistory,
  '20261129T0100-delivery-core': deliveryCore,
  '20261129T0200-attempt-history-by-writer': attemptHistoryByWriter,
  '20261129T0300-templates': templates,
  '20261129T0400-schedules': schedules,
  '20261129T0500-notification-template-version': notificationTemplateVersion,
  '20261129T0600-contact-points': contactPoints,
  '20261129T0700-channels': channels,
  '20261129T0800-recipient-profile': recipientProfile,
  '20261129T0810-feed': feed,
  '20261129T0820-ws-tickets': wsTickets,
  '20261129T0830-routing': routing,
  '20261129T0840-ws-fixes': wsFixes,
  '20261129T0900-audit-log': auditLog,
  '20261129T0910-notification-search': notificationSearch,
  '20261129T0920-dead-letters': deadLetters,
  '20261129T0930-bulk-retry': bulkRetry,
  '20261129T0940-analytics-minutes': analyticsMinutes,
  '20261129T0945-operations-indexes': operationsIndexes,
  '20261129T0960-outbox-direct': outboxDirect,
  '20261129T0970-search-indexes': searchIndexes,
  '20261129T0980-audit-by-target-type': auditByTargetType,
};
