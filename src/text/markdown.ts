/**
 * Teams renders markdown in messages and in Adaptive Card TextBlocks; anything a person typed (a name, an
 * agency, a note) must not become a link, heading or emphasis when it is echoed, so markdown control
 * characters are backslash-escaped and angle brackets dropped.
 */
export function escapeMarkdown(text: string): string {
  return text.replace(/[<>]/g, '').replace(/([\\`*_{}\[\]()#+\-.!|~])/g, '\\$1');
}
