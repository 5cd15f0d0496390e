import Bowser from 'bowser';

/**
 * A short name for the device a User-Agent describes, such as "Firefox on Linux", by bowser (a
 * maintained parser); what it cannot name is left out, and nothing known is "Unknown device".
 */
export function deviceLabel(userAgent: string | null): string {
  if (!userAgent) return 'Unknown device';
  const { browser, os } = Bowser.parse(userAgent);
  if (browser.name && os.name) return `${browser.name} on ${os.name}`;
  return browser.name || os.name || 'Unknown device';
}
