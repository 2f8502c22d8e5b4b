import { InvalidValueError } from '../../domain/errors.js';
import { type BuiltInType, NotificationType } from '../../domain/notification-type.js';

type Vars = Readonly<Record<string, unknown>>;
type TemplateData = Record<string, unknown>;

/**
 * What the shipped templates of the built-in types read besides the variables as sent: links built
 * from tokens, amounts with two decimals, a capitalised status. Each variable is checked again
 * here, so a bad value fails naming it rather than rendering "undefined". Other types get their
 * variables as sent (their templates format with helpers).
 */
export function builtInData(type: string, vars: Vars, baseUrl: string): TemplateData {
  return NotificationType.isBuiltIn(type) ? { ...vars, ...TEMPLATE_DATA[type](vars, baseUrl) } : { ...vars };
}

const TEMPLATE_DATA: { readonly [T in BuiltInType]: (vars: Vars, baseUrl: string) => TemplateData } = {
  email_verification: (vars, baseUrl) => ({
    username: text(vars, 'username'),
    email: text(vars, 'email'),
    verification_link: `${baseUrl}/verify/${encodeURIComponent(text(vars, 'verify_token'))}`,
  }),
  password_reset: (vars, baseUrl) => ({
    username: optionalText(vars, 'username'),
    email: text(vars, 'email'),
    reset_link: `${baseUrl}/reset/${encodeURIComponent(text(vars, 'reset_token'))}`,
  }),
  welcome: (vars) => ({ username: optionalText(vars, 'username'), email: text(vars, 'email') }),
  security_alert: (vars) => ({ username: optionalText(vars, 'username'), alert_message: text(vars, 'alert_message') }),
  order_confirmation: (vars) => ({
    order_id: identifier(vars, 'order_id'),
    items: orderItems(vars.items),
    total_amount: money(vars.total_amount, 'template_vars.total_amount'),
    status: text(vars, 'status'),
  }),
  order_status_update: (vars) => {
    const newStatus = text(vars, 'new_status');
    return {
      order_id: identifier(vars, 'order_id'),
      old_status: text(vars, 'old_status'),
      new_status: newStatus,
      new_status_label: newStatus.charAt(0).toUpperCase() + newStatus.slice(1),
      updated_by: optionalText(vars, 'updated_by'),
    };
  },
};

function field(name: string): string {
  return `template_vars.${name}`;
}

function text(vars: Vars, name: string): string {
  const value = vars[name];
  if (value === undefined || value === null) throw new InvalidValueError(field(name), 'is required');
  if (typeof value !== 'string' || value.trim() === '') throw new InvalidValueError(field(name), 'must be a non-empty string');
  return value;
}

function optionalText(vars: Vars, name: string): string | null {
  const value = vars[name];
  if (value === undefined || value === null || value === '') return null;
  if (typeof value !== 'string') throw new InvalidValueError(field(name), 'must be a string when given');
  return value;
}

/** Order ids are integers from some services and strings from others. */
function identifier(vars: Vars, name: string): string {
  const value = vars[name];
  if (typeof value === 'number' && Number.isFinite(value)) return String(value);
  if (value === undefined || value === null) throw new InvalidValueError(field(name), 'is required');
  if (typeof value !== 'string' || value.trim() === '') throw new InvalidValueError(field(name), 'must be a non-empty string or a number');
  return value;
}

function numeric(value: unknown, at: string): number {
  const n = typeof value === 'string' && /^\s*-?\d+(\.\d+)?\s*$/.test(value) ? Number(value) : value;
  if (typeof n !== 'number' || !Number.isFinite(n)) throw new InvalidValueError(at, 'must be a number or a numeric string');
  return n;
}

function money(value: unknown, at: string): string {
  return numeric(value, at).toFixed(2);
}

function orderItems(value: unknown): TemplateData[] {
  if (!Array.isArray(value)) throw new InvalidValueError(field('items'), 'must be an array of order items');
  return value.map((item: unknown, i) => {
    const at = field(`items[${i}]`);
    if (typeof item !== 'object' || item === null || Array.isArray(item)) throw new InvalidValueError(at, 'must be an object');
    const entry = item as Vars;
    const name = entry.product_name;
    if (typeof name !== 'string' || name.trim() === '') throw new InvalidValueError(`${at}.product_name`, 'must be a non-empty string');
    return {
      product_name: name,
      quantity: String(numeric(entry.quantity, `${at}.quantity`)),
      price: money(entry.price, `${at}.price`),
    };
  });
}
