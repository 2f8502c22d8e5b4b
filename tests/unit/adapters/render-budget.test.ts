import { expect } from 'chai';
import { Eta } from 'eta';
import { budgetedData } from '../../../src/adapters/templates/budgeted-data.js';
import { RENDER_LIMITS, RenderBudget, checkOutputSize } from '../../../src/adapters/templates/render-budget.js';
import { RenderBudgetExceededError } from '../../../src/domain/errors.js';
import { thrown } from '../rejection.js';

const eta = new Eta({ autoEscape: true, autoTrim: false });
const render = (source: string, vars: Record<string, unknown>, budget = new RenderBudget()) => eta.renderString(source, budgetedData(vars, budget));
const range = (n: number) => Array.from({ length: n }, (_, i) => i);
const limitError = (call: () => unknown) => {
  const error = thrown(call);
  expect(error).to.be.instanceOf(RenderBudgetExceededError);
  expect((error as RenderBudgetExceededError).code).to.equal('template_render_limit');
  return error as RenderBudgetExceededError;
};

const ORDER = `Order <%= it.order.id %>, <%= it.order.items.length %> items, first <%= it.order.items[0].name %>
<% for (const item of it.order.items) { %><%= item.name %> x<%= item.quantity %>
<% } %>`;

describe('the render budget', () => {
  it('stops three nested loops over a thousand items, with the engine itself', () => {
    const loops = '<% for (const a of it.xs) { %><% for (const b of it.xs) { %><% for (const c of it.xs) { %>x<% } %><% } %><% } %>';
    const error = limitError(() => render(loops, { xs: range(1_000) }));
    expect(error.message).to.equal('rendering stopped: loops ran more than 100000 steps');
  });

  it('renders a normal twenty-item order, indexes and length included', () => {
    const items = range(20).map((i) => ({ name: `item ${i}`, quantity: i + 1 }));
    const output = render(ORDER, { order: { id: 'A-1', items } });
    expect(output.split('\n').slice(0, 3)).to.deep.equal(['Order A-1, 20 items, first item 0', 'item 0 x1', 'item 1 x2']);
    expect(output).to.contain('item 19 x20');
  });

  it('allows fewer loop steps to a template with more tags', () => {
    expect([new RenderBudget().steps, new RenderBudget(10).steps, new RenderBudget(1_000).steps]).to.deep.equal([100_000, 100_000, 1_000]);
    const budget = new RenderBudget(1_000);
    expect(() => render('<% for (const x of it.xs) { %>.<% } %>', { xs: range(1_000) }, budget)).not.to.throw();
    limitError(() => render('<% for (const x of it.xs) { %>.<% } %>', { xs: range(1) }, budget));
  });

  it('bounds printed values while the output is built, through the escape function', () => {
    const budget = new RenderBudget();
    const counting = new Eta({ autoEscape: true, autoTrim: false, escapeFunction: (value: unknown) => budget.print(String(value)) });
    const source = '<% for (const x of it.xs) { %><%= it.big %><% } %>';
    const error = limitError(() => counting.renderString(source, budgetedData({ xs: range(30), big: 'y'.repeat(100_000) }, budget)));
    expect(error.message).to.equal(`rendering stopped: printed values passed ${RENDER_LIMITS.printedChars} characters`);
  });

  it('holds each rendered field to its size in UTF-8 bytes', () => {
    expect(() => checkOutputSize('email.html', 'x'.repeat(RENDER_LIMITS.outputBytes))).not.to.throw();
    const error = limitError(() => checkOutputSize('email.html', 'é'.repeat(RENDER_LIMITS.outputBytes / 2 + 1)));
    expect([error.field, error.message]).to.deep.equal(['email.html', `email.html: rendering stopped: the output is larger than ${RENDER_LIMITS.outputBytes} bytes`]);
    limitError(() => checkOutputSize('sms.body', 'x'.repeat(11), 10));
  });
});

describe('the budgeted copy of the variables', () => {
  it('copies __proto__ and constructor keys as plain own data, polluting no prototype', () => {
    const vars = JSON.parse('{"__proto__": {"polluted": "yes"}, "constructor": {"prototype": {"polluted": "yes"}}, "a": {"__proto__": {"x": 1}}}') as Record<string, unknown>;
    const copy = budgetedData(vars, new RenderBudget());
    expect(Object.getPrototypeOf(copy)).to.equal(null);
    expect(Object.keys(copy)).to.deep.equal(['__proto__', 'constructor', 'a']);
    expect(JSON.stringify(copy)).to.equal(JSON.stringify(vars));
    expect(({} as Record<string, unknown>).polluted).to.equal(undefined);
    expect(render('<%= it.__proto__.polluted %> <%= it.a.x %>', vars)).to.equal('yes undefined');
  });

  it('shows a template nothing the data does not hold: no inherited methods, no functions', () => {
    const copy = budgetedData({ user: { name: 'Ann' }, run: () => 1 }, new RenderBudget());
    expect(render('<%= it.user.toString %>|<%= it.user.hasOwnProperty %>|<%= it.run %>', { user: { name: 'Ann' }, run: () => 1 })).to.equal('undefined|undefined|undefined');
    expect(copy.run).to.equal(undefined);
  });

  it('prints an object given whole as nothing rather than failing the render', () => {
    expect(render('[<%= it.user %>] [<%= it.users %>]', { user: { name: 'Ann' }, users: [{ name: 'Ann' }, { name: 'Bob' }] })).to.equal('[] [,]');
  });

  it('keeps arrays arrays, for JSON and copies too, without charging a loop for it', () => {
    const budget = new RenderBudget(RENDER_LIMITS.work);
    expect(budget.steps).to.equal(1);
    const copy = budgetedData({ xs: [1, [2, 3]], when: new Date(0) }, budget);
    expect(Array.isArray(copy.xs)).to.equal(true);
    expect(JSON.stringify(copy)).to.equal('{"xs":[1,[2,3]],"when":"1970-01-01T00:00:00.000Z"}');
    expect(budgetedData(copy, budget)).to.deep.equal(copy);
  });

  it('refuses variables nested too deep or holding too many entries', () => {
    let deep: unknown = 'bottom';
    for (let i = 0; i <= RENDER_LIMITS.depth; i++) deep = [deep];
    expect(limitError(() => budgetedData({ deep }, new RenderBudget())).message).to.contain('nested deeper than 32');
    const cyclic: Record<string, unknown> = {};
    cyclic.self = cyclic;
    limitError(() => budgetedData(cyclic, new RenderBudget()));
    const wide = { xs: range(RENDER_LIMITS.entries) };
    expect(limitError(() => budgetedData(wide, new RenderBudget())).message).to.contain(`more than ${RENDER_LIMITS.entries} keys and items`);
  });
});
