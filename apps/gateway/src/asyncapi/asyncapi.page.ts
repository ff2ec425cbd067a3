/**
 * A readable HTML page of an AsyncAPI 3.0 document, for analysts: topics, who sends and receives,
 * and per message its key, headers and payload as field tables. Self-contained (inline styles, no
 * scripts). Every text taken from the document is escaped: descriptions come from schema authors.
 */

type Json = Record<string, unknown>;

export function escapeHtml(value: unknown): string {
  return String(value).replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;').replace(/'/g, '&#39;');
}

/** Escaped text with `code` spans and paragraphs (the part of CommonMark the descriptions use). */
function prose(text: unknown): string {
  if (typeof text !== 'string' || text === '') return '';
  return text
    .split(/\n{2,}/)
    .map((p) => `<p>${escapeHtml(p).replace(/`([^`]+)`/g, '<code>$1</code>')}</p>`)
    .join('');
}

function inline(text: unknown): string {
  return typeof text === 'string' ? escapeHtml(text).replace(/`([^`]+)`/g, '<code>$1</code>') : '';
}

/** An id for an anchor: only safe characters, whatever the document holds. */
function anchor(kind: string, name: string): string {
  return `${kind}-${name.replace(/[^A-Za-z0-9._-]/g, '_')}`;
}

function isObject(value: unknown): value is Json {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** Follows local `$ref`s (`#/components/...`); anything else is returned as it is. */
function resolver(doc: Json) {
  return function resolve(node: unknown, depth = 0): unknown {
    if (!isObject(node) || typeof node['$ref'] !== 'string' || depth > 16) return node;
    const ref = node['$ref'];
    if (!ref.startsWith('#/')) return node;
    const target = ref
      .slice(2)
      .split('/')
      .map((s) => s.replace(/~1/g, '/').replace(/~0/g, '~'))
      .reduce<unknown>((n, key) => (isObject(n) ? n[key] : undefined), doc);
    return resolve(target, depth + 1);
  };
}

const RULES = [
  'minLength',
  'maxLength',
  'minimum',
  'exclusiveMinimum',
  'maximum',
  'exclusiveMaximum',
  'minItems',
  'maxItems',
  'uniqueItems',
  'pattern',
  'multipleOf',
];

function typeOf(schema: Json): string {
  const t = schema['type'];
  const types = (Array.isArray(t) ? (t as unknown[]) : [t]).filter((x): x is string => typeof x === 'string');
  let text = types.map(escapeHtml).join(' | ') || 'any';
  if (types.includes('array') && isObject(schema['items'])) text = `array of ${typeOf(schema['items'])}`;
  if (typeof schema['format'] === 'string') text += ` <span class="muted">(${escapeHtml(schema['format'])})</span>`;
  if ('const' in schema) text += ` = <code>${escapeHtml(JSON.stringify(schema['const']))}</code>`;
  if (Array.isArray(schema['enum']))
    text += `<br>one of ${schema['enum'].map((v) => `<code>${escapeHtml(JSON.stringify(v))}</code>`).join(', ')}`;
  return text;
}

function rulesOf(schema: Json): string {
  // A pattern shows as the regular expression itself, not JSON-escaped.
  const text = (v: unknown) => (typeof v === 'string' ? v : JSON.stringify(v));
  const rules = RULES.filter((r) => r in schema).map((r) => `${r}: <code>${escapeHtml(text(schema[r]))}</code>`);
  if (schema['additionalProperties'] === false) rules.push('no other fields');
  return rules.join('<br>');
}

/** One row per field, nested fields and array items by their dotted path (`address.city`, `path[]`). */
function fieldRows(schema: unknown, resolve: (n: unknown) => unknown, prefix = '', depth = 0): string[] {
  const s = resolve(schema);
  if (!isObject(s) || depth > 8) return [];
  const rows: string[] = [];
  const required = new Set(Array.isArray(s['required']) ? s['required'].map(String) : []);
  const properties = isObject(s['properties']) ? s['properties'] : {};
  for (const [name, raw] of Object.entries(properties)) {
    const p = resolve(raw);
    if (!isObject(p)) continue;
    const path = prefix ? `${prefix}.${name}` : name;
    rows.push(
      `<tr><td><code>${escapeHtml(path)}</code></td><td>${typeOf(p)}</td><td>${required.has(name) ? 'yes 是' : ''}</td>` +
        `<td>${rulesOf(p)}</td><td>${inline(p['description'])}</td></tr>`,
    );
    rows.push(...fieldRows(p, resolve, path, depth + 1));
    const items = resolve(p['items']);
    if (isObject(items) && isObject(items['properties'])) rows.push(...fieldRows(items, resolve, `${path}[]`, depth + 1));
  }
  return rows;
}

function fieldTable(schema: unknown, resolve: (n: unknown) => unknown): string {
  const rows = fieldRows(schema, resolve);
  if (rows.length === 0) return '<p class="muted">No fields described. 未描述字段。</p>';
  return (
    '<table class="fields"><colgroup><col style="width:17%"><col style="width:28%"><col style="width:9%"><col style="width:14%"><col></colgroup>' +
    '<thead><tr><th>Field 字段</th><th>Type 类型</th><th>Required 必填</th><th>Rules 约束</th><th>Description 说明</th></tr></thead>' +
    `<tbody>${rows.join('')}</tbody></table>`
  );
}

function messageSection(name: string, raw: unknown, resolve: (n: unknown) => unknown): string {
  const m = resolve(raw);
  if (!isObject(m)) return '';
  const payload = resolve(m['payload']);
  const kafka = isObject(m['bindings']) && isObject(m['bindings']['kafka']) ? m['bindings']['kafka'] : {};
  const key = resolve(kafka['key']);
  const correlation = resolve(m['correlationId']);
  const facts: [string, string][] = [
    ['Event type 事件类型', `<code>${escapeHtml(m['name'] ?? name)}</code>`],
    ['Content type 内容类型', `<code>${escapeHtml(m['contentType'] ?? '')}</code>`],
    ['Record key 消息键', isObject(key) ? `${typeOf(key)} — ${inline(key['description'])}` : ''],
    ['Correlation id 关联标识', isObject(correlation) ? `<code>${escapeHtml(correlation['location'])}</code>` : ''],
    ['Schema', isObject(payload) && typeof payload['$id'] === 'string' ? `<code>${escapeHtml(payload['$id'])}</code>` : ''],
  ];
  return (
    `<section class="message" id="${escapeHtml(anchor('message', name))}"><h4>${escapeHtml(m['title'] ?? name)}</h4>${prose(m['summary'])}${prose(m['description'])}` +
    `<dl>${facts
      .filter(([, v]) => v)
      .map(([k, v]) => `<dt>${k}</dt><dd>${v}</dd>`)
      .join('')}</dl>` +
    `<h5>Headers 消息头</h5>${fieldTable(m['headers'], resolve)}` +
    `<h5>Payload 消息体</h5>${isObject(payload) ? prose(payload['description']) : ''}${fieldTable(payload, resolve)}</section>`
  );
}

function channelSection(key: string, channel: Json, operations: Json[], resolve: (n: unknown) => unknown): string {
  const kafka = isObject(channel['bindings']) && isObject(channel['bindings']['kafka']) ? channel['bindings']['kafka'] : {};
  const config = isObject(kafka['topicConfiguration']) ? kafka['topicConfiguration'] : {};
  const policy = Array.isArray(config['cleanup.policy']) ? config['cleanup.policy'].map(escapeHtml).join(', ') : '';
  const ops = operations
    .map((op) => `<li><strong>${escapeHtml(op['action'])}</strong> ${escapeHtml(op['title'] ?? '')}${prose(op['summary'])}</li>`)
    .join('');
  const messages = isObject(channel['messages']) ? Object.entries(channel['messages']) : [];
  return (
    `<section class="channel" id="${escapeHtml(anchor('channel', key))}"><h3>Topic 主题 <code>${escapeHtml(channel['address'] ?? key)}</code></h3>` +
    `<p><strong>${escapeHtml(channel['title'] ?? '')}</strong></p>${prose(channel['description'])}` +
    (policy ? `<p class="muted">cleanup.policy: ${policy}</p>` : '') +
    (ops ? `<ul class="ops">${ops}</ul>` : '') +
    messages.map(([name, m]) => messageSection(name, m, resolve)).join('') +
    '</section>'
  );
}

const STYLE = `
body{font:15px/1.55 system-ui,-apple-system,"Segoe UI","PingFang TC","Microsoft JhengHei",sans-serif;margin:0 auto;max-width:70rem;padding:1.5rem;color:#1d2330}
h1{font-size:1.6rem;margin-bottom:.2rem}h3{border-top:2px solid #b3202a;padding-top:.8rem;margin-top:2.5rem}
code{font:13px ui-monospace,Menlo,Consolas,monospace;background:#f3f4f7;padding:0 .25rem;border-radius:3px}
table{border-collapse:collapse;width:100%;margin:.5rem 0 1rem;font-size:14px}.fields{table-layout:fixed}.fields td code{word-break:break-all}th,td{border:1px solid #dde1e8;padding:.3rem .5rem;text-align:left;vertical-align:top}
th{background:#f6f7f9}.muted{color:#667085}dl{display:grid;grid-template-columns:max-content 1fr;gap:.2rem 1rem}dt{font-weight:600}dd{margin:0}
.message{border-left:3px solid #dde1e8;padding-left:1rem;margin:1.2rem 0}nav ul{columns:2}`;

/** Renders the whole document as one HTML page. */
export function renderAsyncApiPage(doc: Json): string {
  const resolve = resolver(doc);
  const info = isObject(doc['info']) ? doc['info'] : {};
  const servers = isObject(doc['servers']) ? Object.entries(doc['servers']) : [];
  const channels = (isObject(doc['channels']) ? Object.entries(doc['channels']) : []).map(([key, ch]) => [key, resolve(ch)] as const);
  const operations = isObject(doc['operations']) ? Object.values(doc['operations']).filter(isObject) : [];
  const opsOf = (key: string) => operations.filter((op) => isObject(op['channel']) && op['channel']['$ref'] === `#/channels/${key}`);
  const title = escapeHtml(info['title'] ?? 'AsyncAPI');
  const serverRows = servers
    .map(([name, raw]) => {
      const s = resolve(raw);
      if (!isObject(s)) return '';
      return `<tr><td>${escapeHtml(name)}</td><td><code>${escapeHtml(s['host'] ?? '')}</code></td><td>${escapeHtml(s['protocol'] ?? '')}</td><td>${inline(s['description'])}</td></tr>`;
    })
    .join('');
  const toc = channels
    .map(
      ([key, ch]) =>
        `<li><a href="#${escapeHtml(anchor('channel', key))}"><code>${escapeHtml(isObject(ch) ? (ch['address'] ?? key) : key)}</code></a></li>`,
    )
    .join('');
  return (
    `<!doctype html><html lang="zh"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">` +
    `<title>${title}</title><style>${STYLE}</style></head><body>` +
    `<header><h1>${title}</h1><p class="muted">AsyncAPI ${escapeHtml(doc['asyncapi'])} · version ${escapeHtml(info['version'] ?? '')} · ` +
    `<a href="/asyncapi.json">asyncapi.json</a></p>${prose(info['description'])}</header>` +
    `<nav><h2>Topics 主题</h2><ul>${toc}</ul></nav>` +
    `<h2>Servers 服务器</h2><table><thead><tr><th>Name</th><th>Host</th><th>Protocol</th><th>Description 说明</th></tr></thead><tbody>${serverRows}</tbody></table>` +
    `<h2>Topics and messages 主题与消息</h2>` +
    channels.map(([key, ch]) => (isObject(ch) ? channelSection(key, ch, opsOf(key), resolve) : '')).join('') +
    '</body></html>\n'
  );
}
