import type { Api } from '../api.js';
import type { HttpDeps } from '../http-deps.js';
import { AuditListQuery, AuditPageResponse, auditEntryJson } from '../operations-schemas.js';

/** Who did which admin action to what, and when (docs/adr/0027-audit-log.md). */
export function auditRoutes(api: Api, { queries }: HttpDeps): void {
  api.route({
    method: 'get',
    path: '/admin/audit',
    summary: 'The audit log, newest first: by action, key, target and time; page and page_size, or cursor',
    tag: 'operations',
    scope: 'admin',
    query: AuditListQuery,
    responses: { 200: { description: 'One page (read from the standby: an entry may lag by the standby bound)', schema: AuditPageResponse } },
    handle: async ({ query: q }, res) => {
      const filter = { action: q.action ?? null, keyId: q.key_id ?? null, targetType: q.target_type ?? null, targetId: q.target_id ?? null, from: instant(q.from), to: instant(q.to) };
      const found = await queries.audit.list({ filter, page: q.page ?? null, cursor: q.cursor ?? null, size: q.page_size ?? null });
      const paging = q.cursor === undefined ? { page: q.page ?? 1, page_size: found.size } : {};
      res.json({ items: found.entries.map(auditEntryJson), next_cursor: found.nextCursor, ...paging });
    },
  });
}

const instant = (raw: string | undefined) => (raw === undefined ? null : new Date(raw));
