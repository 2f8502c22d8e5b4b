import { BulkRetry } from '../../application/operations/bulk-retry.js';
import { BULK_RETRY_MAX } from '../../domain/bulk-retry.js';
import { AuditQuery } from '../../application/queries/audit.query.js';
import { KyselyAuditReadModel } from '../../adapters/postgres/audit-read-model.js';
import { KyselyRetryableFailures } from '../../adapters/postgres/retryable-failures.js';
import type { Factories } from './factory-types.js';

/**
 * Failed notifications retried per transaction by a bulk retry: 500 keep each transaction well under
 * a second (docs/adr/0028-publishing-and-bulk-retry.md has the measurement).
 */
export const BULK_RETRY_CHUNK = 500;

type Operations = 'auditQuery' | 'bulkRetry';

export const operationsFactories: Pick<Factories, Operations> = {
  auditQuery: (get) => new AuditQuery(new KyselyAuditReadModel(get('readRouter'))),
  bulkRetry: (get) => new BulkRetry(get('bus'), new KyselyRetryableFailures(get('readRouter')), get('clock'), get('ids'), { chunkSize: BULK_RETRY_CHUNK, max: BULK_RETRY_MAX }),
};
