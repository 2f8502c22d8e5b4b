const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** Whether a string can be a uuid column's value: anything else is no row's id, not a query error. */
export function isUuid(text: string): boolean {
  return UUID.test(text);
}
