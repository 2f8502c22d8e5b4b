import { UnsafeTemplateError } from './errors.js';
import { TAG_FORMS, TEMPLATE_HELPERS, badLoopVariable, forbiddenName, helperArguments } from './template-tags.js';

export interface TemplateTag {
  readonly kind: 'exec' | 'interpolate' | 'raw';
  readonly code: string;
  readonly line: number | null;
}
/** A template as the engine splits it: literal text, and tags with their code. */
export type TemplateToken = string | TemplateTag;
/** Besides escaped values, an html field may use the shipped layout and a payload may print JSON. */
export type TemplateFieldKind = 'text' | 'html' | 'payload';

export const TEMPLATE_LIMITS = { maxLength: 65_536, maxTags: 1_000, maxNesting: 4 } as const;

type Block = { readonly kind: 'if' | 'else' | 'for'; readonly variable: string | null };
const HELPERS: ReadonlySet<string> = new Set(TEMPLATE_HELPERS);
const PREFIX = { exec: '', interpolate: '=', raw: '~' } as const;

/**
 * Checks a template saved from outside against the safe grammar: printed values are variable
 * paths or helper calls, blocks are if/else/for over paths, and nothing else runs. Throws
 * UnsafeTemplateError naming the first offending tag; `tokenize` is the engine's own parser, so
 * the tags checked are the tags that would run.
 */
export function checkTemplate(field: string, kind: TemplateFieldKind, source: string, tokenize: (source: string) => TemplateToken[]): void {
  if (source.length > TEMPLATE_LIMITS.maxLength) throw new UnsafeTemplateError(field, '', null, `longer than ${TEMPLATE_LIMITS.maxLength} characters`);
  const tags = tokenize(source).filter((t): t is TemplateTag => typeof t !== 'string');
  if (tags.length > TEMPLATE_LIMITS.maxTags) throw new UnsafeTemplateError(field, '', null, `more than ${TEMPLATE_LIMITS.maxTags} tags`);
  const blocks: Block[] = [];
  let layouts = 0;
  for (const tag of tags) {
    if (tag.kind === 'exec' && TAG_FORMS.layout.test(tag.code)) layouts++;
    const reason = tag.kind === 'exec' ? blockProblem(tag.code, kind, blocks, layouts) : printProblem(tag, kind, blocks);
    if (reason) throw new UnsafeTemplateError(field, `<%${PREFIX[tag.kind]} ${tag.code} %>`, tag.line, reason);
  }
  if (blocks.length > 0) throw new UnsafeTemplateError(field, '', null, `${blocks.length} block(s) not closed with <% } %>`);
}

function printProblem(tag: TemplateTag, kind: TemplateFieldKind, blocks: readonly Block[]): string | null {
  if (tag.kind === 'raw') {
    const json = TAG_FORMS.json.exec(tag.code);
    return kind === 'payload' && json ? pathProblem(json[1] ?? '', blocks) : 'unescaped output is allowed only as json(path) in a webhook payload';
  }
  const path = TAG_FORMS.path.exec(tag.code);
  if (path) return pathProblem(path[1] ?? '', blocks);
  const call = TAG_FORMS.helper.exec(tag.code);
  if (!call) return 'only a variable path or a helper call may be printed';
  if (!HELPERS.has(call[1] ?? '')) return `${call[1]} is not a helper (${TEMPLATE_HELPERS.join(', ')})`;
  for (const arg of helperArguments(call[2])) {
    const problem = /^[A-Za-z_$]/.test(arg) ? pathProblem(arg, blocks) : null;
    if (problem) return problem;
  }
  return null;
}

function blockProblem(code: string, kind: TemplateFieldKind, blocks: Block[], layouts: number): string | null {
  if (TAG_FORMS.layout.test(code)) return kind === 'html' && layouts === 1 && blocks.length === 0 ? null : 'the layout is used once, at the top level of an HTML body';
  const ifOpen = TAG_FORMS.if.exec(code);
  if (ifOpen) return open(blocks, { kind: 'if', variable: null }, ifOpen[1] ?? '');
  const forOpen = TAG_FORMS.for.exec(code);
  if (forOpen) return open(blocks, { kind: 'for', variable: forOpen[1] ?? '' }, forOpen[2] ?? '');
  const elseIf = TAG_FORMS.elseIf.exec(code);
  if (elseIf || TAG_FORMS.else.test(code)) {
    if (blocks.at(-1)?.kind !== 'if') return 'else without an open if';
    blocks.pop();
    return elseIf ? open(blocks, { kind: 'if', variable: null }, elseIf[1] ?? '') : open(blocks, { kind: 'else', variable: null }, null);
  }
  if (TAG_FORMS.end.test(code)) return blocks.pop() ? null : '} without an open block';
  return 'only if, else, for and layout blocks are allowed';
}

function open(blocks: Block[], block: Block, path: string | null): string | null {
  const problem = (path === null ? null : pathProblem(path, blocks)) ?? (block.variable === null ? null : badLoopVariable(block.variable));
  if (problem) return problem;
  if (blocks.length >= TEMPLATE_LIMITS.maxNesting) return `blocks nested deeper than ${TEMPLATE_LIMITS.maxNesting}`;
  blocks.push(block);
  return null;
}

function pathProblem(path: string, blocks: readonly Block[]): string | null {
  const names = path.split(/[.[\]]/).filter((part) => part !== '' && !/^\d+$/.test(part));
  const root = names[0] ?? '';
  if (root !== 'it' && !blocks.some((b) => b.variable === root)) return `${root} is neither it nor a loop variable`;
  for (const name of names) {
    const problem = forbiddenName(name);
    if (problem) return problem;
  }
  return null;
}
