import { renderToStaticMarkup } from 'react-dom/server';
import { createElement, Fragment } from 'react';
import { describe, expect, it } from 'vitest';
import { renderMarkdown, safeHref } from './markdown.render';

const html = (text: string) =>
  renderToStaticMarkup(
    createElement(Fragment, null, ...renderMarkdown(text, (t, key) => createElement(Fragment, { key }, t))),
  );

describe('F1: the Markdown subset', () => {
  it('F1: bold, italics, inline code, fenced code, quotes and line breaks', () => {
    expect(html('**bold** and _it_ and *it2* and `x < y`')).toBe(
      '<p><strong>bold</strong> and <em>it</em> and <em>it2</em> and <code>x &lt; y</code></p>',
    );
    expect(html('```\nconst a = 1;\n<b>\n```')).toBe('<pre><code>const a = 1;\n&lt;b&gt;</code></pre>');
    expect(html('> quoted\nline two')).toBe('<blockquote><p>quoted<br/>line two</p></blockquote>');
  });

  it('F1: links and bare https:// links open in a new tab without opener or referrer', () => {
    const rel = 'target="_blank" rel="noopener noreferrer nofollow"';
    expect(html('[docs](https://example.com/a?b=1)')).toBe(
      `<p><a href="https://example.com/a?b=1" ${rel}>docs</a></p>`,
    );
    expect(html('see https://example.com/x.')).toBe(
      `<p>see <a href="https://example.com/x" ${rel}>https://example.com/x</a>.</p>`,
    );
    expect(html('[mail](mailto:ann@example.com)')).toBe(`<p><a href="mailto:ann@example.com" ${rel}>mail</a></p>`);
  });

  it('F1: no headings, lists, tables, images or indented code: they stay text', () => {
    expect(html('# title')).toBe('<p># title</p>');
    expect(html('- a\n- b')).toBe('<p>- a<br/>- b</p>');
    // An image is no image: its URL is a link like any other.
    expect(html('![alt](https://example.com/x.png)')).not.toContain('<img');
    expect(html('www.example.com and ann@example.com')).toBe('<p>www.example.com and ann@example.com</p>');
  });

  it('F1 XSS: raw HTML, javascript:/data:/vbscript: links, entity tricks and attribute breaks never become markup or links', () => {
    const vectors = [
      '<script>alert(1)</script>',
      '<img src=x onerror=alert(1)>',
      '[click](javascript:alert(1))',
      '[click](JaVaScRiPt:alert(1))',
      '[click](javascript&#58;alert(1))',
      '[click](&#106;avascript:alert(1))',
      '[click](data:text/html,<script>alert(1)</script>)',
      '[click](vbscript:msgbox(1))',
      '<a href="javascript:alert(1)">x</a>',
      '&lt;script&gt;alert(1)&lt;/script&gt;',
      '[x](https://example.com/"onmouseover="alert(1))',
      '`<svg onload=alert(1)>`',
    ];
    for (const vector of vectors) {
      const out = html(vector);
      expect(out, vector).not.toMatch(/<(script|img|svg|iframe)/i);
      expect(out, vector).not.toMatch(/href="(?!https?:|mailto:)/i);
      expect(out, vector).not.toMatch(/<[^>]*\son\w+=/i);
    }
    expect(html('<b>bold?</b>')).toBe('<p>&lt;b&gt;bold?&lt;/b&gt;</p>');
  });

  it('safeHref keeps only absolute http(s) and mailto URLs', () => {
    expect(safeHref('https://example.com')).toBe('https://example.com/');
    expect(safeHref(' javascript:alert(1)')).toBeNull();
    expect(safeHref('/relative')).toBeNull();
    expect(safeHref('ftp://example.com')).toBeNull();
  });
});
