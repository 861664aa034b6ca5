import MarkdownIt from 'markdown-it';
import { createElement, type ReactNode } from 'react';

/*
 * F1: the safe Markdown subset of messages — **bold**, _italics_, `inline code`, fenced
 * code blocks, > quotes, and links ([text](url) and bare https://… auto-links) — parsed
 * by markdown-it and turned into React elements token by token. No HTML string is ever
 * made or inserted: raw HTML in a message is text (html: false), and only http:, https:
 * and mailto: links become links, opened in a new tab without referrer or opener.
 * Loaded on demand (it is most of the formatting code), so the first paint does not wait.
 */

const md = new MarkdownIt('zero', { html: false, linkify: true, breaks: true })
  .enable(['fence', 'blockquote'])
  // `linkify` is both the core rule and the inline one: enabling the name turns on both.
  .enable(['newline', 'escape', 'backticks', 'emphasis', 'link', 'autolink', 'entity', 'linkify']);
md.linkify.set({ fuzzyLink: false, fuzzyEmail: false, fuzzyIP: false });

const SAFE_PROTOCOLS = new Set(['http:', 'https:', 'mailto:']);

/** Only absolute http(s) and mailto URLs are links; anything else stays text. */
export function safeHref(href: string): string | null {
  try {
    const url = new URL(href.trim());
    return SAFE_PROTOCOLS.has(url.protocol) ? url.href : null;
  } catch {
    return null;
  }
}
md.validateLink = (url) => safeHref(url) !== null;

type Token = ReturnType<typeof md.parse>[number];

/** How a run of plain text is shown (mentions are highlighted by the caller). */
export type TextRenderer = (text: string, key: string) => ReactNode;

type Frame = { tag: string; props: Record<string, unknown>; children: ReactNode[] };

const BLOCK_TAGS: Record<string, string> = { paragraph: 'p', blockquote: 'blockquote' };
const INLINE_TAGS: Record<string, string> = { strong: 'strong', em: 'em' };

/** Builds React elements from open/close token pairs, with a stack of open elements. */
class TreeBuilder {
  private readonly root: Frame = { tag: 'root', props: {}, children: [] };
  private readonly stack: Frame[] = [this.root];
  private next = 0;

  constructor(private readonly text: TextRenderer) {}

  get top(): Frame {
    return this.stack[this.stack.length - 1]!;
  }

  key(): string {
    return `md${this.next++}`;
  }

  open(tag: string, props: Record<string, unknown> = {}): void {
    this.stack.push({ tag, props, children: [] });
  }

  close(): void {
    if (this.stack.length <= 1) return;
    const frame = this.stack.pop()!;
    this.top.children.push(createElement(frame.tag, { key: this.key(), ...frame.props }, ...frame.children));
  }

  add(node: ReactNode): void {
    this.top.children.push(node);
  }

  addText(text: string): void {
    if (text) this.add(this.text(text, this.key()));
  }

  done(): ReactNode[] {
    while (this.stack.length > 1) this.close();
    return this.root.children;
  }
}

function inline(children: Token[], tree: TreeBuilder): void {
  // A link whose href was refused is shown as its text: its closing token must not close anything.
  const refusedLinks: boolean[] = [];
  for (const token of children) {
    const base = token.type.replace(/_(open|close)$/, '');
    if (token.type === 'text' || token.type === 'text_special') tree.addText(token.content);
    else if (token.type === 'softbreak' || token.type === 'hardbreak')
      tree.add(createElement('br', { key: tree.key() }));
    else if (token.type === 'code_inline') tree.add(createElement('code', { key: tree.key() }, token.content));
    else if (token.type === 'link_open') {
      const href = safeHref(String(token.attrGet('href') ?? ''));
      refusedLinks.push(href === null);
      if (href !== null) tree.open('a', { href, target: '_blank', rel: 'noopener noreferrer nofollow' });
    } else if (token.type === 'link_close') {
      if (refusedLinks.pop() === false) tree.close();
    } else if (INLINE_TAGS[base]) {
      if (token.nesting === 1) tree.open(INLINE_TAGS[base]!);
      else tree.close();
    } else tree.addText(token.content);
  }
}

/** The message text as React elements of the allowed subset. */
export function renderMarkdown(text: string, renderText: TextRenderer): ReactNode[] {
  const tree = new TreeBuilder(renderText);
  for (const token of md.parse(text, {})) {
    const base = token.type.replace(/_(open|close)$/, '');
    if (token.type === 'inline') inline(token.children ?? [], tree);
    else if (token.type === 'fence') {
      tree.add(
        createElement('pre', { key: tree.key() }, createElement('code', null, token.content.replace(/\n$/, ''))),
      );
    } else if (BLOCK_TAGS[base]) {
      if (token.nesting === 1) tree.open(BLOCK_TAGS[base]!);
      else tree.close();
    } else tree.addText(token.content);
  }
  return tree.done();
}
