import { count, when } from './format.js';
import { notificationDetail, retriedAs } from './notifications-source.js';

/** What a bulk retry with `filter` takes, in words: "of type welcome on email that failed since …". */
export function scopeOf({ type, channel, failed_since: since }) {
  return [type && `of type ${type}`, channel && `on ${channel}`, since && `that failed since ${when(since)}`].filter(Boolean).join(' ');
}

/**
 * Why the rows listed and a dry run's count differ, in words (null when they agree). A listed row
 * a bulk retry skips was retried already (its detail's retried_by), fell back to another channel
 * (its detail's fallbacks: the user has it there; docs/adr/0028-publishing-and-bulk-retry.md), or
 * its one-time secrets were erased; the bulk retry also takes those created before the list's date
 * that failed after it.
 */
export async function gapOf(listed, answer, since) {
  if (!listed || answer.remaining > 0 || listed.length === answer.count) return null;
  if (listed.length < answer.count) {
    const more = answer.count - listed.length;
    return since ? `${count(more)} more than listed: created before that day, they failed since.` : `${count(more)} not listed yet: the list may lag a few seconds.`;
  }
  const details = await Promise.all(listed.map((n) => (retriedAs(n.id) ? { retried_by: retriedAs(n.id) } : notificationDetail(n.id))));
  const retried = details.filter((d) => d.retried_by).length;
  const skipped = listed.length - answer.count;
  // A fallback that was suppressed does not count (the bulk retry takes those): at most the rest.
  const fellBack = Math.min(details.filter((d) => !d.retried_by && d.fallbacks?.length > 0).length, Math.max(0, skipped - retried));
  const erased = Math.max(0, skipped - retried - fellBack);
  const why = [
    retried && `${count(retried)} retried already`,
    fellBack && `${count(fellBack)} fell back to another channel (the user has it there)`,
    erased && `${count(erased)} with one-time secrets erased (a retry could not render them)`,
  ]
    .filter(Boolean)
    .join(', ');
  return `${count(skipped)} of the ${count(listed.length)} listed are not retried: ${why || 'retried meanwhile'}.`;
}
