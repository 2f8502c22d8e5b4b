import type { AuditTarget } from '../../domain/audit.js';
import type { FailedFilter } from '../../domain/bulk-retry.js';
import type { CommandOf } from '../../domain/commands.js';
import type { CommandResults } from '../handler-types.js';

/**
 * A bulk retry's chunk as its audit entry shows it: the run (every chunk of one call names it), the
 * filter, and which failed notifications it retried. One entry per chunk, in the chunk's
 * transaction: a run that stops midway has an entry for each chunk that committed, and no retry is
 * unrecorded (docs/adr/0028-publishing-and-bulk-retry.md).
 */
export function bulkRetryTarget(command: CommandOf<'RetryFailedNotifications'>, result: CommandResults['RetryFailedNotifications']): AuditTarget {
  return {
    type: 'notifications',
    id: command.run,
    detail: { filter: filterJson(command.filter), count: result.retried.length, retried: result.retried.map((r) => r.retryOf) },
  };
}

export function filterJson(f: FailedFilter): Record<string, string | null> {
  return { status: 'failed', type: f.type, channel: f.channel, failed_since: f.failedSince?.toISOString() ?? null, failed_until: f.failedUntil.toISOString() };
}
