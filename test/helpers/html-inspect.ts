import { Parser } from 'htmlparser2';

/** What an HTML parser sees in a document: every element with its attributes, and the decoded text. */
export interface HtmlInspection {
  tags: { name: string; attributes: Record<string, string> }[];
  text: string;
}

/**
 * Parses HTML the way a mail client's parser would (htmlparser2, entities decoded) so tests can
 * assert which elements and attributes exist rather than grepping the source.
 * htmlparser2 is installed with aws-ses-v2-local (through mailparser).
 */
export function inspectHtml(html: string): HtmlInspection {
  const tags: HtmlInspection['tags'] = [];
  const text: string[] = [];
  const parser = new Parser(
    {
      onopentag(name, attributes) {
        tags.push({ name, attributes });
      },
      ontext(chunk) {
        text.push(chunk);
      },
    },
    { decodeEntities: true, lowerCaseTags: true, lowerCaseAttributeNames: true },
  );
  parser.write(html);
  parser.end();
  return { tags, text: text.join('') };
}

/** Elements a digest email may contain; anything else (script, img, a, iframe, style, …) is a defect. */
export const ALLOWED_DIGEST_TAGS = new Set(['html', 'head', 'meta', 'title', 'body', 'table', 'tr', 'td', 'th', 'h1', 'h2', 'p', 'span', 'div', 'pre', 'br']);

/** Attributes a digest email may carry; no event handler, no href/src, no srcset. */
export const ALLOWED_DIGEST_ATTRIBUTES = new Set(['lang', 'charset', 'name', 'content', 'style', 'role', 'width', 'cellpadding', 'cellspacing', 'border', 'align', 'colspan']);
