import { expect } from 'chai';
import { InvalidValueError } from '../../../src/domain/errors.js';
import { templateVariable } from '../../../src/domain/template-variables.js';
import { variableProblems } from '../../../src/entrypoints/template-variables-schema.js';
import { thrown } from '../rejection.js';

const declared = [
  templateVariable({ name: 'username', type: 'string' }, 'variables[0]'),
  templateVariable({ name: 'total', type: 'number' }, 'variables[1]'),
  templateVariable({ name: 'vip', type: 'boolean', required: false }, 'variables[2]'),
  templateVariable({ name: 'shipped_on', type: 'date', required: false }, 'variables[3]'),
  templateVariable({ name: 'items', type: 'array' }, 'variables[4]'),
  templateVariable({ name: 'address', type: 'object', required: false }, 'variables[5]'),
  templateVariable({ name: 'reset_token', type: 'string', secret: true }, 'variables[6]'),
];
const good = { username: 'ada', total: 12.5, items: [], reset_token: 't', extra: 'kept' };
const variablesIn = (values: unknown) => variableProblems(declared, values).map((p) => p.variable);

describe('template variables', () => {
  it('are declared with a plain name and a known type, defaulting to required and not secret', () => {
    expect(templateVariable({ name: 'order_id', type: 'string' }, 'v')).to.deep.equal({ name: 'order_id', type: 'string', required: true, secret: false });
    for (const [raw, field] of [
      [{ name: 'constructor', type: 'string' }, 'v.name'],
      [{ name: '__proto__', type: 'string' }, 'v.name'],
      [{ name: 'a.b', type: 'string' }, 'v.name'],
      [{ name: '1st', type: 'string' }, 'v.name'],
      [{ name: 'ok', type: 'function' }, 'v.type'],
    ] as const) {
      expect(thrown(() => templateVariable(raw, 'v')), raw.name).to.be.instanceOf(InvalidValueError).with.property('field', field);
    }
  });

  it('take a number for a string and a numeric string for a number (ids and amounts arrive both ways)', () => {
    expect(variableProblems(declared, { ...good, username: 1001, total: '12.50' })).to.deep.equal([]);
  });

  it('accept what the template declares, optional ones absent or null, and extra variables', () => {
    expect(variableProblems(declared, good)).to.deep.equal([]);
    expect(variableProblems(declared, { ...good, vip: null, shipped_on: '2026-12-01', address: { city: 'Ghent' } })).to.deep.equal([]);
    expect(variableProblems(declared, { ...good, shipped_on: '2026-12-01T10:00:00+01:00' })).to.deep.equal([]);
  });

  it('name each missing required variable and each of the wrong type', () => {
    expect(variablesIn({ total: 3, items: [] })).to.deep.equal(['username', 'reset_token']);
    expect(variablesIn({ ...good, total: 'twelve', vip: 'yes', items: {}, address: [] })).to.deep.equal(['total', 'vip', 'items', 'address']);
    expect(variablesIn({ ...good, username: { first: 'Ada' }, total: true })).to.deep.equal(['username', 'total']);
    expect(variablesIn({ ...good, total: Number.POSITIVE_INFINITY, shipped_on: 'next tuesday' })).to.deep.equal(['total', 'shipped_on']);
    expect(variablesIn(null)).to.deep.equal(['variables']);
  });
});
