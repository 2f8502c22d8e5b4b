/** The editable fields of a variant, by channel (src/entrypoints/http/template-schemas.ts). */
export const FIELDS = { email: ['subject', 'html', 'text'], sms: ['body'], push: ['title', 'body', 'data'], in_app: ['title', 'body', 'action_url', 'data'], webhook: ['payload'] };

/** A version as GET .../versions/{n} answers it -> the body PUT /templates/{key} takes (a new draft). */
export function definitionOf(version) {
  const { description, priority, ttl, routing, variables, default_locale, variants } = version;
  return { description, priority, ttl, routing, variables, default_locale, variants };
}

const SAMPLES = { string: 'Ana', number: 42, boolean: true, date: '2026-01-31', array: [], object: {} };

/** Sample variables for the preview, one per declared variable, by its type. */
export function sampleVariables(variables) {
  return Object.fromEntries(variables.map((v) => [v.name, SAMPLES[v.type] ?? 'sample']));
}
