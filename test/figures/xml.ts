/** A strict little XML well-formedness checker (no XML parser is installed): returns the element tree. */
export interface XmlNode {
  name: string;
  attrs: Record<string, string>;
  children: XmlNode[];
  text: string;
}

const ENTITY = /&(?:amp|lt|gt|quot|apos|#\d+|#x[0-9a-fA-F]+);/g;

function checkText(s: string, where: number): void {
  if (s.replace(ENTITY, '').includes('&')) throw new Error(`bad entity near offset ${where}`);
}

export function parseXml(src: string): XmlNode {
  const root: XmlNode = { name: '#document', attrs: {}, children: [], text: '' };
  const stack: XmlNode[] = [root];
  let i = 0;
  while (i < src.length) {
    const lt = src.indexOf('<', i);
    const text = src.slice(i, lt < 0 ? src.length : lt);
    checkText(text, i);
    stack[stack.length - 1]!.text += text;
    if (lt < 0) break;
    if (src.startsWith('<!--', lt)) {
      const end = src.indexOf('-->', lt);
      if (end < 0) throw new Error('unterminated comment');
      i = end + 3;
      continue;
    }
    if (src.startsWith('<?', lt)) {
      const end = src.indexOf('?>', lt);
      if (end < 0) throw new Error('unterminated processing instruction');
      i = end + 2;
      continue;
    }
    const gt = src.indexOf('>', lt);
    if (gt < 0) throw new Error(`unterminated tag at ${lt}`);
    const tag = src.slice(lt + 1, gt);
    if (tag.startsWith('/')) {
      const name = tag.slice(1).trim();
      const open = stack.pop();
      if (!open || open.name !== name) throw new Error(`mismatched </${name}> (open: ${open?.name}) at ${lt}`);
      if (stack.length === 0) throw new Error('closed the document');
    } else {
      const selfClosing = tag.endsWith('/');
      const body = selfClosing ? tag.slice(0, -1) : tag;
      const m = /^([A-Za-z_][\w:.-]*)((?:\s+[A-Za-z_][\w:.-]*="[^"<]*")*)\s*$/.exec(body);
      if (!m) throw new Error(`malformed tag <${tag.slice(0, 80)}> at ${lt}`);
      const attrs: Record<string, string> = {};
      for (const a of m[2]!.matchAll(/([A-Za-z_][\w:.-]*)="([^"<]*)"/g)) {
        if (a[1]! in attrs) throw new Error(`duplicate attribute ${a[1]}`);
        checkText(a[2]!, lt);
        attrs[a[1]!] = a[2]!;
      }
      const node: XmlNode = { name: m[1]!, attrs, children: [], text: '' };
      stack[stack.length - 1]!.children.push(node);
      if (!selfClosing) stack.push(node);
    }
    i = gt + 1;
  }
  if (stack.length !== 1) throw new Error(`unclosed <${stack[stack.length - 1]!.name}>`);
  if (root.children.length !== 1) throw new Error('expected exactly one root element');
  return root.children[0]!;
}

export function walk(node: XmlNode, fn: (n: XmlNode) => void): void {
  fn(node);
  node.children.forEach((c) => walk(c, fn));
}

/** Texts of the legend labels of a vega SVG. */
export function legendLabels(svg: XmlNode): string[] {
  const out: string[] = [];
  walk(svg, (n) => {
    if (n.name === 'g' && (n.attrs['class'] ?? '').includes('role-legend-label')) walk(n, (t) => t.name === 'text' && out.push(t.text));
  });
  return out;
}

/** Number of drawn line marks (paths with role-mark line containers). */
export function lineCount(svg: XmlNode): number {
  let n = 0;
  walk(svg, (g) => {
    if (g.name === 'g' && (g.attrs['class'] ?? '').includes('mark-line')) n += g.children.filter((c) => c.name === 'path').length;
  });
  return n;
}
