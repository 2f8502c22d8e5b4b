let paths = null;

/** Whether the service has a route, from its own OpenAPI document (read once, open to all). */
export async function hasRoute(method, path) {
  paths ??= fetch('/openapi.json').then((r) => r.json()).then((document) => document.paths ?? {});
  return (await paths)[path]?.[method] !== undefined;
}
