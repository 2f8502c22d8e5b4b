/** The longest order id a notification records (the order events' ids are at most 128 characters). */
export const ORDER_ID_MAX_LENGTH = 128;
// Control, format, surrogate and unassigned code points: not an id anyone searches for.
const NON_PRINTABLE = /\p{C}/u;

/**
 * The order a notification is about, from its template variables: `order_id` as an order event
 * carries it (a string, or a whole number), when it is 1 to 128 printable characters. Anything
 * else is not recorded (null): the notification is sent all the same, it is only not searchable
 * by order.
 */
export function orderIdOf(templateVars: Readonly<Record<string, unknown>>): string | null {
  const raw = Object.hasOwn(templateVars, 'order_id') ? templateVars.order_id : undefined;
  const text = typeof raw === 'number' && Number.isSafeInteger(raw) && raw >= 0 ? String(raw) : raw;
  if (typeof text !== 'string' || text.trim() === '' || NON_PRINTABLE.test(text)) return null;
  return [...text].length <= ORDER_ID_MAX_LENGTH ? text : null;
}
