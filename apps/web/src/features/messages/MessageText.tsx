import { memo, useEffect, useState, type ReactNode } from 'react';

type Markdown = typeof import('./markdown.render');

/*
 * A message's text (F1), formatted once the Markdown module has loaded (it is fetched on
 * first use, so it never weighs on the first paint); until then, the same text plain.
 * `@mentions` of known people are highlighted (E6), mine apart.
 */

let loaded: Markdown | null = null;
let loading: Promise<Markdown> | null = null;

function useMarkdown(): Markdown | null {
  const [markdown, setMarkdown] = useState(loaded);
  useEffect(() => {
    if (markdown) return;
    let current = true;
    loading ??= import('./markdown.render').then((module) => (loaded = module));
    void loading.then((module) => {
      if (current) setMarkdown(module);
    });
    return () => {
      current = false;
    };
  }, [markdown]);
  return markdown;
}

const MENTION = /(?<![\p{L}\p{N}_.\-@])@([A-Za-z0-9_-]{3,32})(?![A-Za-z0-9_-])/gu;

/** Splits `text` around the mentions of `names` (lower case), wrapping each. */
function withMentions(text: string, names: ReadonlyMap<string, 'me' | 'other'>, key: string): ReactNode {
  if (names.size === 0 || !text.includes('@')) return text;
  const parts: ReactNode[] = [];
  let last = 0;
  for (const match of text.matchAll(MENTION)) {
    const who = names.get(match[1]!.toLowerCase());
    if (!who) continue;
    if (match.index > last) parts.push(text.slice(last, match.index));
    parts.push(
      <span key={`${key}-${match.index}`} className={who === 'me' ? 'mention mention-me' : 'mention'}>
        {match[0]}
      </span>,
    );
    last = match.index + match[0].length;
  }
  if (parts.length === 0) return text;
  if (last < text.length) parts.push(text.slice(last));
  return <span key={key}>{parts}</span>;
}

export const MessageText = memo(function MessageText({
  text,
  mentioned,
  edited,
}: {
  text: string;
  /** E1: followed by the word "edited". */
  edited: boolean;
  /** Lower-case usernames this message mentions, and whether each is me. */
  mentioned: ReadonlyMap<string, 'me' | 'other'>;
}) {
  const markdown = useMarkdown();
  const renderText = (run: string, key: string) => withMentions(run, mentioned, key);
  return (
    // dir=auto isolates the text: bidi controls in it cannot reorder the UI around it.
    <div className="message-text" dir="auto">
      {markdown ? markdown.renderMarkdown(text, renderText) : <p>{renderText(text, 'plain')}</p>}
      {edited && <span className="message-edited"> (edited)</span>}
    </div>
  );
});
