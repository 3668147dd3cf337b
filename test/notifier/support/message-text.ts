/** Flattens a Block Kit message to its texts, block by block, for assertions. */
import type { SlackMessage } from '../../../functions/commons/slack/post-message';

type AnyBlock = {
  type: string;
  text?: { text: string };
  fields?: { text: string }[];
  elements?: { text?: string }[];
};

/** Every text of every block, joined with newlines. */
export function messageText(message: SlackMessage): string {
  return ((message.blocks ?? []) as AnyBlock[])
    .flatMap((b) => [
      b.text?.text,
      ...(b.fields ?? []).map((f) => f.text),
      ...(b.elements ?? []).map((e) => e.text),
    ])
    .filter((t): t is string => typeof t === 'string')
    .join('\n');
}

/** The text of the section whose text starts with `*<title>*`. */
export function section(message: SlackMessage, title: string): string | undefined {
  const texts = ((message.blocks ?? []) as AnyBlock[]).flatMap((b) => [
    b.text?.text,
    ...(b.fields ?? []).map((f) => f.text),
  ]);
  return texts.find((t): t is string => typeof t === 'string' && t.startsWith(`*${title}*`));
}
