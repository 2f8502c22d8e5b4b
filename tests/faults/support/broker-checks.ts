import type { FaultBroker } from './fault-broker.js';

/** The event types the service knows: the only event_type label values allowed besides `unknown`. */
export const KNOWN_EVENT_TYPES = [
  'user.registered',
  'user.email_verification_requested',
  'user.password_reset_requested',
  'user.welcome_requested',
  'user.security_alert_requested',
  'order.created',
  'order.status.updated',
] as const;

/** Every label of every `notification_*` sample in a Prometheus text exposition, as [name, value]. */
export function metricLabels(exposition: string): Array<readonly [string, string]> {
  return [...exposition.matchAll(/^notification_\w+\{([^}]*)\}/gm)].flatMap((sample) =>
    [...(sample[1] ?? '').matchAll(/(\w+)="((?:[^"\\]|\\.)*)"/g)].map((label) => [label[1] ?? '', label[2] ?? ''] as const),
  );
}

/**
 * The label values that break the rule "untrusted strings never become label values": an
 * event_type outside the known types and `unknown`, or any value holding one of `untrusted`.
 */
export function untrustedLabels(exposition: string, untrusted: readonly string[]): string[] {
  const allowed = new Set<string>([...KNOWN_EVENT_TYPES, 'unknown']);
  return metricLabels(exposition)
    .filter(([name, value]) => (name === 'event_type' && !allowed.has(value)) || untrusted.some((u) => value.includes(u)))
    .map(([name, value]) => `${name}=${value.slice(0, 80)}`);
}

/**
 * Takes scripts/rabbitmq-policies.sh's two policies off the scenario's vhost, as on a broker set up
 * without the script: no delivery limit, no broker dead-lettering, no alternate exchange.
 */
export async function clearServicePolicies(broker: FaultBroker): Promise<void> {
  for (const policy of ['notification-service-queue', 'notification-service-exchange']) await broker.ctl('clear_policy', '-p', broker.vhost, policy);
  const left = await broker.ctl('list_policies', '-p', broker.vhost, '--no-table-headers');
  if (left.trim() !== '') throw new Error(`policies left on ${broker.vhost}: ${left}`);
}

/** The sum of a counter's samples whose labels contain `labels` (e.g. 'outcome="requeued"'); 0 when absent. */
export function counterSum(exposition: string, name: string, labels = ''): number {
  return exposition
    .split('\n')
    .filter((line) => (line.startsWith(`${name}{`) || line.startsWith(`${name} `)) && line.includes(labels))
    .reduce((sum, line) => sum + Number(line.split(' ').at(-1)), 0);
}
