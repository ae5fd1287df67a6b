/**
 * The page's only style sheet and script, served from the package at /admin/assets/ (never a
 * CDN; the CSP allows scripts and styles from this origin only, nothing inline). Kept as strings
 * in a module so dist/ carries them without a copy step. The page works without the script:
 * it adds the live refresh of the Writeback Logs and "select all failed".
 */
import { createHash } from 'node:crypto';

const CSS = `
:root { --ink: #1b1f24; --muted: #4a5360; --line: #c9d1db; --bg: #f6f8fa; --accent: #0a5cb8;
  --ok: #146c2e; --bad: #b3261e; --warn: #7a4d00; --focus: #f0a500; }
* { box-sizing: border-box; }
body { margin: 0; font: 15px/1.45 system-ui, -apple-system, "Segoe UI", Roboto, sans-serif;
  color: var(--ink); background: #fff; }
a { color: var(--accent); }
:focus-visible { outline: 3px solid var(--focus); outline-offset: 2px; }
.skip { position: absolute; left: -999px; top: 0; background: #fff; padding: .5rem 1rem; }
.skip:focus { left: .5rem; z-index: 10; }
header.top { display: flex; align-items: center; justify-content: space-between; gap: 1rem;
  padding: .6rem 1.5rem; background: #0d2a4a; color: #fff; }
header.top a, header.top .who { color: #fff; }
header.top .brand { font-weight: 700; font-size: 1.05rem; text-decoration: none; }
header.top form { display: inline; margin: 0; }
header.top button { background: transparent; color: #fff; border: 1px solid #9fb3c8; }
nav.tabs { border-bottom: 1px solid var(--line); background: var(--bg); padding: 0 1.5rem; }
nav.tabs ul { list-style: none; display: flex; flex-wrap: wrap; gap: .25rem; margin: 0; padding: 0; }
nav.tabs a { display: block; padding: .7rem 1rem; text-decoration: none; color: var(--ink);
  border-bottom: 3px solid transparent; }
nav.tabs a[aria-current="page"] { border-bottom-color: var(--accent); font-weight: 600; }
main { padding: 1.25rem 1.5rem 3rem; max-width: 1280px; }
h1 { font-size: 1.45rem; margin: .2rem 0 1rem; }
h2 { font-size: 1.15rem; margin: 1.5rem 0 .6rem; }
p.hint, .hint { color: var(--muted); font-size: .9rem; }
label { font-weight: 600; display: block; margin-bottom: .2rem; }
input[type=text], input[type=url], input[type=email], input[type=password], input[type=date],
input[type=search], select { font: inherit; padding: .4rem .5rem; border: 1px solid #7d8896;
  border-radius: 4px; min-width: 12rem; max-width: 100%; background: #fff; color: var(--ink); }
button, .button { font: inherit; padding: .45rem 1rem; border-radius: 4px; border: 1px solid var(--accent);
  background: var(--accent); color: #fff; cursor: pointer; text-decoration: none; display: inline-block; }
button.secondary, .button.secondary { background: #fff; color: var(--accent); }
button:disabled { background: #6b7480; border-color: #6b7480; cursor: not-allowed; }
.field { margin-bottom: 1rem; }
.row { display: flex; flex-wrap: wrap; gap: 1rem; align-items: flex-start; }
.row.bottom { align-items: flex-end; }
.card { border: 1px solid var(--line); border-radius: 6px; padding: 1rem 1.25rem; margin-bottom: 1rem; }
.stats { display: grid; grid-template-columns: repeat(auto-fit, minmax(11rem, 1fr)); gap: 1rem; }
.stat { border: 1px solid var(--line); border-radius: 6px; padding: .8rem 1rem; }
.stat .n { font-size: 1.6rem; font-weight: 700; display: block; }
.alert { border-left: 5px solid var(--bad); background: #fdf0ef; padding: .75rem 1rem; margin: 0 0 1rem; }
.alert.ok { border-left-color: var(--ok); background: #eef7f0; }
.alert.warn { border-left-color: var(--warn); background: #fff6e5; }
.alert ul { margin: .3rem 0 0; }
table { border-collapse: collapse; width: 100%; }
th, td { text-align: left; padding: .45rem .55rem; border-bottom: 1px solid var(--line); vertical-align: top; }
th { background: var(--bg); font-weight: 600; }
.status-successful { color: var(--ok); font-weight: 600; }
.status-failed { color: var(--bad); font-weight: 600; }
.status-pending, .status-sending, .status-not_attempted { color: var(--warn); font-weight: 600; }
details.why summary { cursor: pointer; }
details.why[open] { background: var(--bg); padding: .4rem .6rem; border-radius: 4px; }
details.why dl { margin: .4rem 0 0; }
details.why dt { font-weight: 600; margin-top: .4rem; }
details.why dd { margin: 0; }
pre { white-space: pre-wrap; word-break: break-word; font-size: .85rem; }
.pager { display: flex; gap: 1rem; align-items: center; margin-top: .8rem; }
.visually-hidden { position: absolute; width: 1px; height: 1px; overflow: hidden; clip: rect(0 0 0 0); white-space: nowrap; }
.login { max-width: 26rem; margin: 3rem auto; }
label.inline { display: inline; }
.inline-choice { display: inline-block; margin-right: 1rem; }
details.card > summary { cursor: pointer; font-weight: 600; }
ul.records { margin: .3rem 0; padding-left: 1.2rem; }
fieldset { border: 1px solid var(--line); border-radius: 6px; margin: 0 0 1rem; }
legend { font-weight: 600; }
code { background: var(--bg); padding: .05rem .3rem; border-radius: 3px; }
`;

const JS = `'use strict';
(function () {
  // Writeback Logs: new events appear without a reload (the same filters, read every 5 s);
  // open chevrons and ticked rows stay as they were.
  var body = document.getElementById('log-rows');
  var stamp = document.getElementById('log-updated');
  if (body && body.dataset.live) {
    setInterval(function () {
      if (document.hidden) return;
      fetch(body.dataset.live, { headers: { accept: 'text/html' }, credentials: 'same-origin' })
        .then(function (response) { return response.ok ? response.text() : null; })
        .then(function (text) {
          if (text === null) return;
          var open = {}, ticked = {};
          body.querySelectorAll('details[open]').forEach(function (d) { open[d.dataset.id] = true; });
          body.querySelectorAll('input[type=checkbox]:checked').forEach(function (b) { ticked[b.value] = true; });
          var focused = document.activeElement && body.contains(document.activeElement);
          if (focused) return;
          var template = document.createElement('template');
          template.innerHTML = text;
          var rows = template.content.getElementById('log-rows');
          if (!rows) return;
          body.innerHTML = rows.innerHTML;
          body.querySelectorAll('details').forEach(function (d) { if (open[d.dataset.id]) d.open = true; });
          body.querySelectorAll('input[type=checkbox]').forEach(function (b) { if (ticked[b.value]) b.checked = true; });
          var total = template.content.getElementById('log-total');
          var here = document.getElementById('log-total');
          if (total && here) here.textContent = total.textContent;
          if (stamp) stamp.textContent = 'Updated ' + new Date().toLocaleTimeString();
        })
        .catch(function () {});
    }, 5000);
  }
  // "Select all failed rows" ticks every failed row's box on the page.
  var all = document.getElementById('select-failed');
  if (all) {
    all.addEventListener('change', function () {
      document.querySelectorAll('input[name="ids"]').forEach(function (box) { box.checked = all.checked; });
    });
  }
})();
`;

/** An asset: its body, type and a short hash of its content (the URL's version). */
export interface Asset {
  body: string;
  type: string;
  version: string;
}

function asset(body: string, type: string): Asset {
  return { body, type, version: createHash('sha256').update(body).digest('hex').slice(0, 12) };
}

/** The page's assets by file name. */
export const ASSETS: Readonly<Record<string, Asset>> = {
  'admin.css': asset(CSS, 'text/css; charset=utf-8'),
  'admin.js': asset(JS, 'text/javascript; charset=utf-8'),
};

/** The URL of an asset, versioned by its content (so it may be cached for a year). */
export function assetUrl(name: keyof typeof ASSETS & string): string {
  return `/admin/assets/${name}?v=${ASSETS[name]!.version}`;
}
