import { apiKeyIdOf } from '../auth.js';
import type { Api } from '../api.js';
import type { HttpDeps } from '../http-deps.js';
import { BulkRetryBody, BulkRetryResponse } from '../operations-schemas.js';

/** Retries the failed notifications a filter matches, each as POST /notifications/{id}/retry would (ADR 28). */
export function bulkRetryRoutes(api: Api, { bulkRetry }: HttpDeps): void {
  api.route({
    method: 'post',
    path: '/notifications/retry',
    summary: 'Retry every failed notification a filter matches (never one retried before), at most 10,000 per call; dry_run counts',
    tag: 'notifications',
    scope: 'admin',
    body: BulkRetryBody,
    responses: {
      200: { description: 'Dry run: how many would be retried, and how many more match', schema: BulkRetryResponse },
      202: { description: 'Retried: the new notifications, pending; `remaining` still match (run again for them)', schema: BulkRetryResponse },
    },
    handle: async ({ body }, res) => {
      const filter = { type: body.type ?? null, channel: body.channel ?? null, failedSince: instant(body.failed_since), failedUntil: instant(body.failed_until) };
      const result = await bulkRetry.run({ filter, dryRun: body.dry_run, actor: apiKeyIdOf(res) });
      if (result.dryRun) return void res.json({ dry_run: true, count: result.count, remaining: result.remaining });
      res.status(202).json({ dry_run: false, count: result.count, remaining: result.remaining, notification_ids: result.notificationIds, run_id: result.run });
    },
  });
}

const instant = (raw: string | undefined) => (raw === undefined ? null : new Date(raw));
