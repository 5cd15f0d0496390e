/** What a mail with a link is made of. */
export interface LinkMailValues {
  /** Only for the account's own proven address (see greeting). */
  name?: string;
  link: string;
  validSeconds: number;
}

/** Text for HTML: the five characters that could open markup or leave an attribute. */
export function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
}

/**
 * The first line: the account's name only when the mail goes to the account's own proven
 * address; a mail to an address nobody proved carries no text the account chose (it could be
 * anyone's address, and the name anything).
 */
export function greeting(name?: string): string {
  return name === undefined ? 'Hello,' : `Hello ${name},`;
}

/** The HTML part of every mail: paragraphs of escaped text, and one button for the link, if any. */
export function htmlMail(paragraphs: string[], link?: { url: string; label: string }): string {
  const body = paragraphs.map((p) => `<p>${escapeHtml(p)}</p>`);
  if (link) {
    body.push(`<p><a href="${escapeHtml(link.url)}">${escapeHtml(link.label)}</a></p>`);
    body.push(`<p>Or paste this address into your browser: ${escapeHtml(link.url)}</p>`);
  }
  return `<!doctype html><html><body style="font-family: sans-serif">${body.join('')}</body></html>`;
}

/** The plain-text part: paragraphs, then the link alone on its line (mail clients make it clickable). */
export function textMail(paragraphs: string[], link?: string): string {
  return [...paragraphs, ...(link ? [link] : [])].join('\n\n') + '\n';
}

/** "7 days", "24 hours", "1 hour", "30 minutes": a lifetime as a mail says it. */
export function lifetime(seconds: number): string {
  const [amount, unit] =
    seconds % 86_400 === 0 && seconds >= 172_800
      ? [seconds / 86_400, 'day']
      : seconds % 3_600 === 0
        ? [seconds / 3_600, 'hour']
        : [Math.ceil(seconds / 60), 'minute'];
  return `${amount} ${unit}${amount === 1 ? '' : 's'}`;
}
