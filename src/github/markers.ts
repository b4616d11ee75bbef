/**
 * Hidden markers: an HTML comment in an issue, pull request or comment body
 * that names what Bellwether wrote, so that the next run finds it again
 * (one sticky comment per marker, one issue per incident) instead of writing
 * a second one.
 */

const MARKER_KEY = /^[A-Za-z0-9._:/@-]{1,200}$/;

/** The hidden comment for `marker`, such as `<!-- bellwether:canary/api/prod -->`. */
export function markerComment(marker: string): string {
  if (!MARKER_KEY.test(marker)) {
    throw new RangeError(`marker ${JSON.stringify(marker)} must be 1-200 letters, digits or . _ : / @ -`);
  }
  return `<!-- bellwether:${marker} -->`;
}

/** True when `body` carries exactly this marker (not one that merely starts the same). */
export function hasMarker(body: string | null | undefined, marker: string): boolean {
  return (body ?? '').includes(markerComment(marker));
}

/** `body` with the marker on its last line, added once. */
export function withMarker(body: string, marker: string): string {
  if (hasMarker(body, marker)) return body;
  const sep = body.endsWith('\n') || body === '' ? '' : '\n';
  return `${body}${sep}${markerComment(marker)}\n`;
}
