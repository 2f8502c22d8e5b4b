import { expect } from 'chai';
import sinon from 'sinon';
import { HTML_TEXT_LIMITS, textFromHtml } from '../../../src/adapters/templates/html-text.js';

const ORDER_BODY = `<p style="margin:0 0 16px;">Thank you for your order! We have received order <strong>#1042</strong>.</p>
<table role="presentation" width="100%" cellpadding="0" cellspacing="0" border="0">
<tr><th align="left">Item</th><th align="right">Quantity</th><th align="right">Price</th></tr>
<tr><td>Blue mug</td><td align="right">2</td><td align="right">$12.00</td></tr>
<tr><td>Tea, loose leaf, 250 g, organic single-estate Darjeeling first flush</td><td align="right">1</td><td align="right">$18.50</td></tr>
<tr><td colspan="2" align="right">Total</td><td align="right">$42.50</td></tr>
</table>
<p><a href="https://shop.example.com/orders/1042" style="display:inline-block;padding:12px 20px;background:#2563eb;color:#fff;">View your order</a></p>
<p><img src="https://shop.example.com/logo.png" alt="Shop logo" width="120"> Questions? <a href="https://shop.example.com/help">https://shop.example.com/help</a></p>`;

// The body inside a layout like the shipped one (templates/email/layout.html.eta): tables for layout.
const ORDER_EMAIL = `<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8"><title>Your order 1042</title></head>
<body style="margin:0;padding:0;background-color:#f4f5f7;">
<table role="presentation" width="100%" cellpadding="0" cellspacing="0" border="0"><tr><td align="center" style="padding:24px 12px;">
<table role="presentation" width="600" cellpadding="0" cellspacing="0" border="0" style="max-width:600px;background-color:#ffffff;">
<tr><td style="padding:20px 32px;font-size:18px;font-weight:bold;">Shop</td></tr>
<tr><td style="padding:32px;font-size:15px;line-height:1.6;">
${ORDER_BODY}
</td></tr>
<tr><td style="padding:16px 32px;font-size:12px;color:#6b7280;">This email was sent by Shop. Please do not reply to it.</td></tr>
</table>
</td></tr></table>
</body></html>`;

describe('text made from an email’s HTML', () => {
  const text = textFromHtml(ORDER_EMAIL);
  const lines = text.split('\n');

  it('keeps the words, the order items in columns and the footer', () => {
    expect(text).to.contain('Thank you for your order! We have received order #1042.');
    expect(lines).to.include.members(['ITEM                                                       QUANTITY   PRICE', 'Blue mug                                                   2          $12.00']);
    expect(lines.some((line) => /^Total\s+\$42\.50$/.test(line))).to.equal(true);
    expect(text).to.contain('This email was sent by Shop. Please do not reply to it.');
  });

  it('keeps the URL of a link, once when the link shows it already', () => {
    expect(text).to.contain('View your order [https://shop.example.com/orders/1042]');
    expect(text).to.contain('Questions? https://shop.example.com/help');
    expect(text).not.to.contain('[https://shop.example.com/help]');
  });

  it('drops images and the head', () => {
    expect(text).not.to.match(/logo|Your order 1042/);
  });

  it('wraps lines at 78 columns', () => {
    expect(Math.max(...lines.map((line) => line.length))).to.be.at.most(HTML_TEXT_LIMITS.wordwrap);
    const paragraph = textFromHtml(`<p>${'word '.repeat(100)}</p>`).split('\n');
    expect(paragraph.length).to.be.greaterThan(5);
    expect(paragraph.every((line) => line.length <= HTML_TEXT_LIMITS.wordwrap)).to.equal(true);
  });

  it('stays within its bounds whatever the HTML, silently', () => {
    const info = sinon.stub(console, 'info');
    const warn = sinon.stub(console, 'warn');
    try {
      const hostile = [
        `<table>${'<tr><td rowspan="1000">x</td><td>y</td></tr>'.repeat(10_000)}</table>`,
        `<table><tr>${'<td>a</td>'.repeat(50_000)}</tr></table>`,
        `<table><tr>${`<td>${'a'.repeat(60)}</td>`.repeat(50)}</tr>${`<tr>${'<td></td>'.repeat(50)}</tr>`.repeat(1_000)}</table>`,
        '<hr>'.repeat(130_000),
        `<ol start="99999999999999999999">${'<li>a</li>'.repeat(50_000)}</ol>`,
        `${'<ul><li>'.repeat(20_000)}x`,
      ];
      for (const html of hostile) expect(textFromHtml(html).length).to.be.at.most(HTML_TEXT_LIMITS.outputChars);
      expect(textFromHtml(`<p>${'x'.repeat(HTML_TEXT_LIMITS.inputChars * 2)}</p>`).length).to.be.at.most(HTML_TEXT_LIMITS.inputChars);
      expect(info.called || warn.called).to.equal(false);
    } finally {
      info.restore();
      warn.restore();
    }
  });
});
