/**
 * Block Kit's limits as Slack applies them to a message posted to an incoming webhook, for the
 * sandbox's Slack sink. Slack refuses a message that breaks one with HTTP 400 and the body
 * `invalid_blocks` (incoming webhooks, "Handling errors"); a payload that is not well-formed
 * (JSON, or text with a lone UTF-16 surrogate) with HTTP 400 `invalid_payload` (Slack changelog
 * 2016-05-17, "Improving error conditions for Incoming Webhooks").
 *
 * Limits, from the Block Kit reference (https://api.slack.com/reference/block-kit/blocks and
 * .../composition-objects, .../block-elements): at most 50 blocks in a message; `block_id` at most
 * 255 characters; header text (plain_text) at most 150; section text at most 3,000, section
 * `fields` at most 10 items of at most 2,000 each; context at most 10 elements; actions at most 25
 * elements; a button's text at most 75 and its url at most 3,000. Lengths are UTF-16 code units,
 * the unit functions/commons/text.ts budgets in.
 */

export const BLOCK_KIT_LIMITS = {
  blocks: 50,
  blockId: 255,
  headerText: 150,
  sectionText: 3000,
  sectionFields: 10,
  sectionFieldText: 2000,
  /** Any other text object (context elements). */
  textObject: 3000,
  contextElements: 10,
  actionsElements: 25,
  buttonText: 75,
  buttonUrl: 3000,
} as const;

const LONE_SURROGATE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/;

/** True when `text` holds a lone UTF-16 surrogate (not well-formed). */
export function hasLoneSurrogate(text: string): boolean {
  return LONE_SURROGATE.test(text);
}

type Json = Record<string, unknown>;
const textOf = (value: unknown): string | undefined =>
  typeof (value as Json | undefined)?.text === 'string' ? ((value as Json).text as string) : undefined;
const list = (value: unknown): unknown[] => (Array.isArray(value) ? value : []);

/** Every Block Kit limit `blocks` breaks, as `blocks[i].<path>: <what>` lines; empty when valid. */
export function blockKitProblems(blocks: unknown): string[] {
  const problems: string[] = [];
  if (blocks === undefined) return problems;
  if (!Array.isArray(blocks)) return ['blocks: must be an array'];
  if (blocks.length > BLOCK_KIT_LIMITS.blocks)
    problems.push(`blocks: ${blocks.length} blocks, at most ${BLOCK_KIT_LIMITS.blocks}`);
  const tooLong = (at: string, text: string | undefined, max: number) => {
    if (text === undefined) return;
    if (text.length > max) problems.push(`${at}: ${text.length} characters, at most ${max}`);
    if (hasLoneSurrogate(text)) problems.push(`${at}: not well-formed UTF-16 (a lone surrogate)`);
  };
  const tooMany = (at: string, items: unknown[], max: number) => {
    if (items.length > max) problems.push(`${at}: ${items.length} items, at most ${max}`);
  };
  blocks.forEach((raw, index) => {
    const block = (raw ?? {}) as Json;
    const at = `blocks[${index}]`;
    if (typeof block.block_id === 'string')
      tooLong(`${at}.block_id`, block.block_id, BLOCK_KIT_LIMITS.blockId);
    switch (block.type) {
      case 'header':
        tooLong(`${at}.text`, textOf(block.text), BLOCK_KIT_LIMITS.headerText);
        return;
      case 'section': {
        tooLong(`${at}.text`, textOf(block.text), BLOCK_KIT_LIMITS.sectionText);
        const fields = list(block.fields);
        tooMany(`${at}.fields`, fields, BLOCK_KIT_LIMITS.sectionFields);
        fields.forEach((field, i) =>
          tooLong(`${at}.fields[${i}]`, textOf(field), BLOCK_KIT_LIMITS.sectionFieldText),
        );
        return;
      }
      case 'context': {
        const elements = list(block.elements);
        tooMany(`${at}.elements`, elements, BLOCK_KIT_LIMITS.contextElements);
        elements.forEach((element, i) =>
          tooLong(`${at}.elements[${i}]`, textOf(element), BLOCK_KIT_LIMITS.textObject),
        );
        return;
      }
      case 'actions': {
        const elements = list(block.elements);
        tooMany(`${at}.elements`, elements, BLOCK_KIT_LIMITS.actionsElements);
        elements.forEach((element, i) => {
          const button = (element ?? {}) as Json;
          if (button.type !== 'button') return;
          tooLong(`${at}.elements[${i}].text`, textOf(button.text), BLOCK_KIT_LIMITS.buttonText);
          if (typeof button.url === 'string')
            tooLong(`${at}.elements[${i}].url`, button.url, BLOCK_KIT_LIMITS.buttonUrl);
        });
        return;
      }
      default:
        return;
    }
  });
  return problems;
}
