import { type DomNode, type FormatCallback, compile } from 'html-to-text';

/**
 * Bounds of the text made from an email's HTML. Past `inputChars` the HTML is cut, and the text
 * is made from what is left; tables are laid out in columns (`dataTable`), whose cost grows with
 * the cells of a row and with row spans, hence the caps on both.
 */
export const HTML_TEXT_LIMITS = { wordwrap: 78, inputChars: 128 * 1024, outputChars: 128 * 1024, depth: 64, childNodes: 1_000, cellsPerRow: 20, span: 10 } as const;

/** Every table as columns, once its rows and spans are within bounds. */
const boundedTable: FormatCallback = (elem, walk, builder, options) => {
  boundRows(elem);
  const dataTable = builder.options.formatters.dataTable;
  if (dataTable) dataTable(elem, walk, builder, options);
};

const toText = compile({
  wordwrap: HTML_TEXT_LIMITS.wordwrap,
  formatters: { boundedTable },
  selectors: [
    { selector: 'img', format: 'skip' },
    { selector: 'a', options: { hideLinkHrefIfSameAsText: true } },
    { selector: 'table', format: 'boundedTable' },
  ],
  limits: { maxDepth: HTML_TEXT_LIMITS.depth, maxChildNodes: HTML_TEXT_LIMITS.childNodes, ellipsis: '…' },
});

/**
 * The plain-text part of an email whose template gives none: links keep their URL (`text
 * [url]`), images are dropped, lines wrap at 78 columns, and the text is at most
 * HTML_TEXT_LIMITS.outputChars long, whatever the HTML.
 */
export function textFromHtml(html: string): string {
  // Cut before the library does: it would log each cut on the console.
  const text = toText(html.slice(0, HTML_TEXT_LIMITS.inputChars));
  if (text.length <= HTML_TEXT_LIMITS.outputChars) return text;
  return `${text.slice(0, HTML_TEXT_LIMITS.outputChars - 1).replace(/[\uD800-\uDBFF]$/, '')}…`;
}

const ROW_GROUPS: ReadonlySet<string | undefined> = new Set(['thead', 'tbody', 'tfoot', 'center']);

function boundRows(node: DomNode): void {
  for (const child of node.children) {
    if (ROW_GROUPS.has(child.name)) boundRows(child);
    if (child.name !== 'tr') continue;
    child.children = child.children.filter((cell) => cell.type === 'tag').slice(0, HTML_TEXT_LIMITS.cellsPerRow);
    for (const cell of child.children) boundSpans(cell);
  }
}

function boundSpans(cell: DomNode): void {
  const attribs = cell.attribs as Record<string, string> | undefined;
  if (!attribs) return;
  for (const name of ['rowspan', 'colspan']) {
    const span = Number(attribs[name]);
    if (Number.isFinite(span)) attribs[name] = String(Math.min(HTML_TEXT_LIMITS.span, Math.max(1, Math.trunc(span))));
  }
}
