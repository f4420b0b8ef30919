/**
 * Adaptive Card TextBlocks render a markdown subset: links, emphasis, lists, headings. A backslash
 * before each markdown character shows it literally, so typed `[x](https://evil)` is not a link.
 */
export const escapeCardMarkdown = (text: string) =>
  text.replace(/[\\`*_{}[\]()#+\-.!|>~<]/g, (char) => `\\${char}`).replace(/&/g, '&amp;');
