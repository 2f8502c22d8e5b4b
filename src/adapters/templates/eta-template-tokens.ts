import { Eta, EtaParseError } from 'eta';
import { UnsafeTemplateError } from '../../domain/errors.js';
import type { TemplateTag, TemplateToken } from '../../domain/template-grammar.js';

// The renderer's own parser and tag syntax (debug: true only adds line numbers), so the tags the
// grammar checks are exactly the tags that would run.
const parser = new Eta({ autoEscape: true, autoTrim: false, debug: true });
const KINDS: Readonly<Record<string, TemplateTag['kind']>> = { e: 'exec', i: 'interpolate', r: 'raw' };

/**
 * A template split as eta splits it. A template eta cannot parse (a tag, string or comment left
 * open) is refused as unsafe, naming the field; a tag eta reads as anything but code, an escaped or
 * a raw value (a custom tag) too.
 */
export function etaTemplateTokens(field: string): (source: string) => TemplateToken[] {
  return (source) => {
    let ast;
    try {
      ast = parser.parse(source);
    } catch (error) {
      if (!(error instanceof EtaParseError)) throw error;
      throw new UnsafeTemplateError(field, '', null, (error.message.split('\n')[0] ?? 'cannot be parsed').trim());
    }
    return ast.map((item) => {
      if (typeof item === 'string') return item;
      const kind = Object.hasOwn(KINDS, item.t) ? KINDS[item.t] : undefined;
      if (!kind) throw new UnsafeTemplateError(field, item.val, item.lineNo ?? null, 'an unknown kind of tag');
      return { kind, code: item.val, line: item.lineNo ?? null };
    });
  };
}
