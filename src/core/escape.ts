// Escaping text for markup, in one place: HTML pages and notebook outputs, and the XML that GDAL
// sidecars, GDAL_METADATA and SVG hold.

/**
 * Escapes text for HTML element content and attribute values (as numeric character references).
 * @example escapeHtml('<b>"MAGT" & ALT</b>') // "&#60;b&#62;&#34;MAGT&#34; &#38; ALT&#60;/b&#62;"
 */
export function escapeHtml(text: unknown): string {
  return String(text).replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
}

const XML_ENTITIES: Record<string, string> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&apos;' };

/**
 * XML-escapes text with the five named entities, for element content and attribute values (GDAL's
 * GDAL_METADATA values are escaped twice, as GDAL writes them: `escapeXml(escapeXml(v))`).
 * @example escapeXml('a < b') // "a &lt; b"
 */
export function escapeXml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => XML_ENTITIES[c]);
}
