import { XMLParser, XMLValidator } from 'fast-xml-parser';
import { AppError } from '../errors';

/**
 * Untrusted XML in, a small namespace-resolved element tree out. The rules, in order:
 * a DOCTYPE (and with it every entity declaration: billion laughs, external entities)
 * is refused before any parser sees the text; the text must be well-formed; the only
 * entity references allowed are XML's five predefined ones and character references,
 * decoded here (the parser runs with entity processing off, so nothing expands);
 * nesting is capped. Namespaces are resolved per element, so `<alert xmlns="…">` and
 * `<cap:alert xmlns:cap="…">` read the same.
 */
export interface XmlElement {
  /** Namespace URI, or null for an element in no namespace. */
  ns: string | null;
  local: string;
  /** Attributes other than namespace declarations, by their qualified name. */
  attrs: Record<string, string>;
  children: XmlElement[];
  /** Character data directly inside this element (trimmed), CDATA included. */
  text: string;
}

const MAX_DEPTH = 32;
const XML_NS = 'http://www.w3.org/XML/1998/namespace';

const parser = new XMLParser({
  preserveOrder: true,
  ignoreAttributes: false,
  attributeNamePrefix: '',
  allowBooleanAttributes: false,
  processEntities: false,
  htmlEntities: false,
  parseTagValue: false,
  parseAttributeValue: false,
  trimValues: false,
  cdataPropName: '#cdata',
  commentPropName: false,
  ignoreDeclaration: true,
  ignorePiTags: true,
  maxNestedTags: MAX_DEPTH,
});

function refused(message: string, details: Record<string, unknown>): AppError {
  return new AppError('BAD_XML', message, details);
}

/** Reads a document, or throws BAD_XML (400) / UNSUPPORTED_MEDIA_TYPE (415, a declared encoding other than UTF-8). */
export function readXml(input: string): XmlElement {
  const text = input.charCodeAt(0) === 0xfeff ? input.slice(1) : input;
  if (/<!DOCTYPE/i.test(text) || /<!ENTITY/i.test(text)) {
    throw refused('DOCTYPE and entity declarations are refused', { reason: 'doctype' });
  }
  const declared = /^\s*<\?xml[^>]*\bencoding\s*=\s*["']([^"']+)["']/.exec(text)?.[1];
  if (declared && !/^utf-?8$/i.test(declared)) {
    throw new AppError('UNSUPPORTED_MEDIA_TYPE', `only UTF-8 documents are accepted, the declaration says ${declared}`, {
      expected: 'utf-8',
      received: declared,
    });
  }
  const verdict = XMLValidator.validate(text, { allowBooleanAttributes: false });
  if (verdict !== true) {
    throw refused(`not well-formed XML: ${verdict.err.msg}`, { reason: 'syntax', line: verdict.err.line, column: verdict.err.col });
  }
  checkReferences(text);
  let nodes: unknown[];
  try {
    nodes = parser.parse(text) as unknown[];
  } catch (error) {
    throw refused(`XML could not be read: ${(error as Error).message}`, { reason: 'syntax' });
  }
  const roots = nodes.filter((n) => elementName(n) !== null && elementName(n) !== '?xml');
  if (roots.length !== 1) throw refused('an XML document has exactly one root element', { reason: 'syntax' });
  return toElement(roots[0]!, new Map([['xml', XML_NS]]), 1);
}

/** Every `&` outside CDATA must start `&lt;` `&gt;` `&amp;` `&quot;` `&apos;` or a character reference to an XML character. */
function checkReferences(text: string): void {
  // Character data only: CDATA sections, comments and processing instructions may hold a bare `&`.
  const outsideCdata = text.replace(/<!\[CDATA\[[\s\S]*?\]\]>|<!--[\s\S]*?-->|<\?[\s\S]*?\?>/g, '');
  const amp = /&(?!(?:lt|gt|amp|quot|apos);)(#x[0-9a-fA-F]+;|#[0-9]+;)?/g;
  for (let m = amp.exec(outsideCdata); m; m = amp.exec(outsideCdata)) {
    if (!m[1]) {
      const name = /^&([\w.-]*);/.exec(outsideCdata.slice(m.index, m.index + 64))?.[1];
      if (name === undefined) throw refused('a bare & must be written &amp;', { reason: 'entity', entity: null });
      throw refused(`entity reference &${name}; is refused: only the predefined entities and character references are allowed`, { reason: 'entity', entity: name });
    }
    const code = m[1].startsWith('#x') ? parseInt(m[1].slice(2), 16) : parseInt(m[1].slice(1), 10);
    if (!isXmlChar(code)) throw refused(`character reference &${m[1]} is not an XML character`, { reason: 'entity' });
  }
}

function isXmlChar(code: number): boolean {
  return code === 0x9 || code === 0xa || code === 0xd || (code >= 0x20 && code <= 0xd7ff) || (code >= 0xe000 && code <= 0xfffd) || (code >= 0x10000 && code <= 0x10ffff);
}

const PREDEFINED: Record<string, string> = { lt: '<', gt: '>', amp: '&', quot: '"', apos: "'" };

function decode(value: string): string {
  return value.replace(/&(lt|gt|amp|quot|apos|#x[0-9a-fA-F]+|#[0-9]+);/g, (_, ref: string) => {
    if (ref[0] !== '#') return PREDEFINED[ref]!;
    return String.fromCodePoint(ref[1] === 'x' ? parseInt(ref.slice(2), 16) : parseInt(ref.slice(1), 10));
  });
}

type OrderedNode = Record<string, unknown>;

function elementName(node: unknown): string | null {
  if (!node || typeof node !== 'object') return null;
  const key = Object.keys(node).find((k) => k !== ':@');
  return key && key !== '#text' && key !== '#cdata' ? key : null;
}

function toElement(node: unknown, scope: Map<string, string>, depth: number): XmlElement {
  const qname = elementName(node)!;
  const raw = (node as OrderedNode)[':@'] as Record<string, string> | undefined;
  const own = new Map(scope);
  const attrs: Record<string, string> = {};
  for (const [name, value] of Object.entries(raw ?? {})) {
    const decoded = decode(String(value));
    if (name === 'xmlns') {
      if (decoded === '') own.delete('');
      else own.set('', decoded);
    } else if (name.startsWith('xmlns:')) {
      own.set(name.slice(6), decoded);
    } else {
      attrs[name] = decoded;
    }
  }
  const colon = qname.indexOf(':');
  const prefix = colon >= 0 ? qname.slice(0, colon) : '';
  const local = colon >= 0 ? qname.slice(colon + 1) : qname;
  const ns = own.get(prefix) ?? null;
  if (prefix && ns === null) throw refused(`namespace prefix "${prefix}" of <${qname}> is not declared`, { reason: 'namespace', element: qname });

  const children: XmlElement[] = [];
  let text = '';
  for (const child of ((node as OrderedNode)[qname] as unknown[]) ?? []) {
    const name = elementName(child);
    if (name !== null) {
      if (depth >= MAX_DEPTH) throw refused(`elements nest deeper than ${MAX_DEPTH}`, { reason: 'depth' });
      children.push(toElement(child, own, depth + 1));
    } else if (child && typeof child === 'object' && '#text' in child) {
      text += decode(String((child as OrderedNode)['#text']));
    } else if (child && typeof child === 'object' && '#cdata' in child) {
      for (const part of ((child as OrderedNode)['#cdata'] as unknown[]) ?? []) text += String((part as OrderedNode)['#text'] ?? '');
    }
  }
  return { ns, local, attrs, children, text: text.trim() };
}
