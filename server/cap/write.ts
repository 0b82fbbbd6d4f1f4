import { ALERT, isComplex, type Field } from './read';
import { CAP_NS, type CapMessage } from './message';

/**
 * CapMessage → a CAP 1.2 document, every element in the schema's order (the same
 * field table the reader checks against), text escaped, characters XML 1.0 cannot
 * carry dropped. What the reader accepted, the writer writes back schema-valid.
 */
export function writeCap(message: CapMessage): string {
  return `<?xml version="1.0" encoding="UTF-8"?>\n<alert xmlns="${CAP_NS}">\n${body(message as unknown as Node, ALERT, '  ')}</alert>\n`;
}

type Node = Record<string, unknown>;

function body(node: Node, fields: readonly Field[], indent: string): string {
  let out = '';
  for (const field of fields) {
    const value = node[field.name];
    const values = field.many ? ((value as unknown[] | undefined) ?? []) : value === undefined || value === null ? [] : [value];
    for (const v of values) {
      if (isComplex(field.type)) out += `${indent}<${field.name}>\n${body(v as Node, field.type, `${indent}  `)}${indent}</${field.name}>\n`;
      else out += `${indent}<${field.name}>${escapeXml(String(v))}</${field.name}>\n`;
    }
  }
  return out;
}

/** Text and attribute values: markup escaped; C0 controls other than tab, LF, CR, lone surrogates and U+FFFE/F removed. */
export function escapeXml(text: string): string {
  return text
    // XML 1.0 cannot carry these at all (not even as references): dropping them is the only faithful choice.
    // eslint-disable-next-line no-control-regex
    .replace(/[\u0000-\u0008\u000b\u000c\u000e-\u001f\ufffe\uffff]|[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/g, '')
    .replace(/&/g, '&amp;')
    .replace(/</g, '&lt;')
    .replace(/>/g, '&gt;')
    .replace(/"/g, '&quot;');
}
