/**
 * `cris-audit preflight --html FILE`: one self-contained page (no external assets, no network) with
 * the matrix (a line per profile and source Region, a column per distinct SCP chain), filters by OU
 * and by profile, and the detail of a cell on click: targets, destinations, the denying statements
 * and the fix. The data travels as JSON inside the page and is only ever inserted with
 * `textContent`, so no value from an SCP or a snapshot can become markup.
 * @see https://cheatsheetseries.owasp.org/cheatsheets/Cross_Site_Scripting_Prevention_Cheat_Sheet.html
 */
import { neutralizeText } from '../text-safety.js';
import type { Language } from '../types.js';
import type { PreflightMatrix } from './group.js';
import { PREFLIGHT_MESSAGES } from './messages.js';
import type { PreflightStats, PreflightTarget } from './types.js';

/** Options of {@link renderPreflightHtml}. */
export interface RenderPreflightHtmlOptions {
  lang: Language;
  /** The targets of the run (their paths feed the OU filter). */
  targets: readonly PreflightTarget[];
}

/** Fixed texts of the page, per language. */
export const PREFLIGHT_HTML_TEXT: Record<Language, Record<string, string>> = {
  en: {
    filterOu: 'OU', filterProfile: 'Profile', all: 'all', detail: 'Click a cell for its detail.', targets: 'Targets',
    destinations: 'Destinations', denied: 'Denied', deniedBy: 'Denied by', fix: 'Recommended fix', verification: 'verification',
    ready: 'ready', blocked: 'blocked', none: 'none', source: 'source-Region call denied', level: 'level', implicit: 'no SCP at this level allows it',
    noFix: 'no option passed verification', notes: 'Notes', more: 'more', open: ' (', close: ')',
  },
  ja: {
    filterOu: 'OU', filterProfile: 'プロファイル', all: 'すべて', detail: 'セルをクリックすると詳細を表示します。', targets: 'ターゲット',
    destinations: '送信先リージョン', denied: '拒否されたリージョン', deniedBy: '拒否元', fix: '推奨される修正', verification: '検証',
    ready: '準備完了', blocked: 'ブロック', none: 'なし', source: '送信元リージョンでの呼び出しが拒否されます', level: 'レベル', implicit: 'このレベルに許可する SCP がありません',
    noFix: '検証に通った選択肢はありません', notes: '注記', more: '件ほか', open: '（', close: '）',
  },
};

/** JSON safe inside a `<script>` element: no `<`, `>`, `&`, or line separators left literal. */
export function scriptJson(value: unknown): string {
  return JSON.stringify(value).replace(/[<>&\u2028\u2029]/g, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`);
}

function clean(value: string | null): string | null {
  return value === null ? null : neutralizeText(value, { multiline: true });
}

const STYLE = `body{font:14px/1.4 system-ui,"Noto Sans CJK JP",sans-serif;margin:16px;color:#1d1d1f}
h1{font-size:20px;margin:0 0 4px}p.summary{color:#555;margin:0 0 12px}
.filters{display:flex;gap:16px;margin:8px 0 12px;align-items:center}
table{border-collapse:collapse}th,td{border:1px solid #ddd;padding:3px 6px;white-space:nowrap;font-size:13px}
th{background:#f4f4f6;position:sticky;top:0}td.route{font-family:ui-monospace,monospace}
td.cell{cursor:pointer;text-align:center}td.ready{background:#e7f6ea;color:#11652b}td.blocked{background:#fdecec;color:#9b1c1c}
td.selected{outline:3px solid #2457d6;outline-offset:-3px}
.wrap{display:flex;gap:16px;align-items:flex-start}.matrix{overflow:auto;max-height:80vh;max-width:60vw}
#detail{flex:1;border:1px solid #ddd;padding:8px 12px;min-width:320px;max-height:80vh;overflow:auto}
#detail h2{font-size:16px;margin:4px 0}#detail pre{background:#f7f7f9;padding:8px;overflow:auto;max-height:320px;white-space:pre-wrap;word-break:break-all}
.muted{color:#666}code{font-family:ui-monospace,monospace}`;

const SCRIPT = `(function(){
var D=JSON.parse(document.getElementById('preflight-data').textContent),T=D.text;
function el(t,c,x){var e=document.createElement(t);if(c)e.className=c;if(x!=null)e.textContent=x;return e}
var ou=document.getElementById('filter-ou'),pf=document.getElementById('filter-profile');
D.ous.forEach(function(o){var op=el('option',null,o.name?o.id+' '+o.name:o.id);op.value=o.id;ou.appendChild(op)});
function colVisible(c){var v=ou.value;if(!v)return true;return D.columns[c].targets.some(function(t){return t.id===v||t.path.indexOf(v)>=0})}
function render(){
var tbl=document.getElementById('matrix');tbl.textContent='';
var cols=D.columns.map(function(_,i){return i}).filter(colVisible),q=pf.value.toLowerCase();
var head=el('tr');head.appendChild(el('th',null,D.labels.profile));head.appendChild(el('th',null,D.labels.source));
cols.forEach(function(c){var th=el('th',null,D.columns[c].label);th.title=D.columns[c].summary;head.appendChild(th)});tbl.appendChild(head);
D.routes.forEach(function(r,ri){if(q&&r.profile.toLowerCase().indexOf(q)<0)return;var tr=el('tr');
tr.appendChild(el('td','route',r.profile));tr.appendChild(el('td','route',r.source));
cols.forEach(function(c){var k=D.cells[ri][c],td;if(k==null){td=el('td','cell','-')}else{var o=D.outcomes[k];
var dl=(o.sourceDenied?[D.labels.sourceDenied]:[]).concat(o.denied);td=el('td','cell '+o.status,o.status==='ready'?'\\u2713':'\\u2717 '+(dl.length<=2?dl.join(', '):dl[0]+' +'+(dl.length-1)));td.title=dl.join(', ');
td.setAttribute('data-route',String(ri));td.setAttribute('data-column',String(c));td.addEventListener('click',function(){show(ri,c,td)})}tr.appendChild(td)});
tbl.appendChild(tr)})}
function section(p,title){p.appendChild(el('h3',null,title))}
function show(ri,c,td){var prev=document.querySelector('td.selected');if(prev)prev.classList.remove('selected');td.classList.add('selected');
var r=D.routes[ri],col=D.columns[c],o=D.outcomes[D.cells[ri][c]],p=document.getElementById('detail');p.textContent='';
var h=el('h2',null,r.profile+' @ '+r.source);p.appendChild(h);p.appendChild(el('p','status '+o.status,o.status==='ready'?T.ready:T.blocked));
section(p,T.targets+T.open+col.label+T.close);var ul=el('ul');col.targets.slice(0,50).forEach(function(t){ul.appendChild(el('li',null,t.id+(t.name?' '+t.name:'')))});
if(col.targets.length>50)ul.appendChild(el('li','muted','+'+(col.targets.length-50)+' '+T.more));p.appendChild(ul);
section(p,T.destinations);p.appendChild(el('p',null,o.destinations.join(', ')));
section(p,T.denied);p.appendChild(el('p',null,o.denied.length?o.denied.join(', '):T.none));if(o.sourceDenied)p.appendChild(el('p',null,T.source));
if(o.deniedBy.length){section(p,T.deniedBy);var l=el('ul');o.deniedBy.forEach(function(d){l.appendChild(el('li',null,d.policyId===null?T.implicit+T.open+T.level+' '+d.level+T.close:d.policyId+(d.policyName&&d.policyName!==d.policyId?' '+d.policyName:'')+(d.sid?' "'+d.sid+'"':'')+T.open+T.level+' '+d.level+T.close))});p.appendChild(l)}
if(o.fix!=null){var f=D.fixes[o.fix];section(p,T.fix);p.appendChild(el('p','fix-title',(f.title||T.noFix)+' ['+T.verification+': '+f.verification+']'));
if(f.snippet){var pre=el('pre',null,f.snippet);p.appendChild(pre)}if(f.notes.length){section(p,T.notes);var n=el('ul');f.notes.forEach(function(x){n.appendChild(el('li',null,x))});p.appendChild(n)}}}
ou.addEventListener('change',render);pf.addEventListener('input',render);render()})();`;

/** Renders the page. Contract: pure; one HTML document with no external reference. */
export function renderPreflightHtml(matrix: PreflightMatrix, stats: PreflightStats, options: RenderPreflightHtmlOptions): string {
  const m = PREFLIGHT_MESSAGES[options.lang];
  const text = PREFLIGHT_HTML_TEXT[options.lang];
  const outcomes: unknown[] = [];
  const outcomeIndex = new Map<string, number>();
  const fixes: unknown[] = [];
  const fixIndex = new Map<string, number>();
  const cells = matrix.cells.map((line) =>
    matrix.columns.map((_, column) => {
      const row = line[column];
      if (row === undefined) return null;
      let fix: number | null = null;
      if (row.fix !== null) {
        const f = { title: clean(row.fix.title), verification: m.verificationLabels[row.fix.verification as 'verified'] ?? row.fix.verification, snippet: clean(row.fix.snippet), notes: row.fix.notes.map((n) => clean(n)) };
        const key = JSON.stringify(f);
        fix = fixIndex.get(key) ?? fixes.push(f) - 1;
        fixIndex.set(key, fix);
      }
      const outcome = {
        status: row.status,
        destinations: row.destinations,
        denied: row.deniedDestinations,
        sourceDenied: row.sourceCallDenied,
        deniedBy: row.deniedBy.map((d) => ({ ...d, policyId: clean(d.policyId), policyName: clean(d.policyName), sid: clean(d.sid) })),
        fix,
      };
      const key = JSON.stringify(outcome);
      const index = outcomeIndex.get(key) ?? outcomes.push(outcome) - 1;
      outcomeIndex.set(key, index);
      return index;
    }),
  );
  const byId = new Map(options.targets.map((t) => [t.id, t]));
  const ous = options.targets.filter((t) => t.kind === 'ou').map((t) => ({ id: t.id, name: clean(t.name) }));
  const columns = matrix.columns.map((column) => ({
    label: column.label,
    summary: `${column.targets.length} ${m.accounts}/${m.ous}`,
    targets: column.targets.map((t) => ({ id: t.id, name: clean(t.name), path: byId.get(t.id)?.path ?? [] })),
  }));
  const routes = matrix.routes.map((r) => ({ profile: r.profile, source: r.sourceRegion }));
  const data = { text, labels: { profile: m.profile, source: m.source, sourceDenied: m.sourceDenied }, ous, columns, routes, cells, outcomes, fixes };
  const summary = m.summary({
    rows: stats.rows,
    ready: stats.rows - stats.blocked,
    blocked: stats.blocked,
    targets: stats.targets,
    chains: stats.chains,
    profiles: new Set(matrix.routes.map((r) => r.profile)).size,
    regions: new Set(matrix.routes.map((r) => r.sourceRegion)).size,
    evaluations: stats.evaluations,
    fixes: stats.fixes,
  });
  const esc = (value: string): string => value.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
  return `<!DOCTYPE html>
<html lang="${options.lang}"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width,initial-scale=1">
<meta http-equiv="Content-Security-Policy" content="default-src 'none'; style-src 'unsafe-inline'; script-src 'unsafe-inline'">
<title>${esc(m.title)}</title><style>${STYLE}</style></head>
<body><h1>${esc(m.title)}</h1><p class="summary" id="summary">${esc(summary)}</p>
<div class="filters"><label>${esc(text.filterOu ?? 'OU')} <select id="filter-ou"><option value="">${esc(text.all ?? 'all')}</option></select></label>
<label>${esc(text.filterProfile ?? 'Profile')} <input id="filter-profile" type="search" placeholder="apac.anthropic"></label></div>
<div class="wrap"><div class="matrix"><table id="matrix"></table></div><div id="detail"><p class="muted">${esc(text.detail ?? '')}</p></div></div>
<script type="application/json" id="preflight-data">${scriptJson(data)}</script>
<script>${SCRIPT}</script></body></html>
`;
}
