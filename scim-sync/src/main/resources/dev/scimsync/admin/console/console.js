// The admin console's script: actions through /console/api/… (the admin API behind the session), progress by
// polling. No framework, no build step. Every request that changes something carries the page's CSRF token.
'use strict';

(function () {
  const csrf = document.querySelector('meta[name="csrf-token"]').content;
  const POLL_MS = 500;
  const PAGE = 20;

  async function api(method, path) {
    const response = await fetch('/console/api/' + path, {
      method: method,
      headers: method === 'GET' ? {} : { 'X-CSRF-Token': csrf },
      credentials: 'same-origin'
    });
    let body = null;
    try {
      body = await response.json();
    } catch (e) {
      body = null;
    }
    if (!response.ok) {
      const error = new Error(body && body.error ? body.error : 'the server answered ' + response.status);
      error.status = response.status;
      throw error;
    }
    return body;
  }

  function el(tag, attrs, ...children) {
    const node = document.createElement(tag);
    Object.entries(attrs || {}).forEach(([k, v]) => {
      if (k === 'class') node.className = v; else node.setAttribute(k, v);
    });
    children.flat().forEach(c => node.append(c instanceof Node ? c : document.createTextNode(String(c))));
    return node;
  }

  function say(box, kind, text) {
    box.replaceChildren(el('p', { class: 'message ' + kind, role: kind === 'error' ? 'alert' : 'status' }, text));
  }

  const sleep = ms => new Promise(resolve => setTimeout(resolve, ms));

  // A resync from queued to its outcome: the poller's progress until its snapshot is published, then the
  // sync_runs row the pipeline writes (running → completed, held or failed).
  const PHASES = { queued: 5, scanning: 20, publishing: 50, published: 70, applying: 85 };

  async function track(org, resyncId, onProgress) {
    const started = Date.now();
    for (;;) {
      let progress = null;
      try {
        progress = await api('GET', 'organizations/' + org + '/resync');
      } catch (e) {
        if (e.status !== 404) throw e;
      }
      const runs = await api('GET', 'organizations/' + org + '/sync_runs?limit=20');
      const row = (runs.sync_runs || []).find(r => r.id === resyncId);
      if (row && row.state !== 'running') {
        onProgress({ phase: row.state, percent: 100, records: progress && progress.records, eta: 0 });
        return row;
      }
      if (progress && progress.resync_id === resyncId && progress.phase === 'failed') {
        return { id: resyncId, state: 'failed', note: progress.error || 'the scan failed' };
      }
      const phase = row ? 'applying' : (progress && progress.resync_id === resyncId ? progress.phase : 'queued');
      const percent = PHASES[phase] || 5;
      const elapsed = (Date.now() - started) / 1000;
      const eta = percent >= 10 ? Math.max(0, elapsed * (100 - percent) / percent) : null;
      onProgress({ phase: phase, percent: percent, records: progress && progress.records, eta: eta });
      await sleep(POLL_MS);
    }
  }

  function showProgress(flow, p) {
    const box = flow.querySelector('.progress');
    box.hidden = false;
    box.querySelector('.phase').textContent = p.phase;
    box.querySelector('.records').textContent = p.records != null ? p.records + ' records' : '';
    box.querySelector('.eta').textContent = p.percent >= 100 ? 'done'
      : (p.eta != null ? 'about ' + Math.ceil(p.eta) + ' s left' : '');
    box.querySelector('progress').value = p.percent;
  }

  function pagedList(title, items, describe) {
    const wrap = el('div', { class: 'paged', 'data-kind': title.toLowerCase() });
    let page = 0;
    const list = el('ul');
    const pager = el('div', { class: 'pager' });
    function render() {
      list.replaceChildren(...items.slice(page * PAGE, (page + 1) * PAGE).map(i => el('li', {}, describe(i))));
      pager.replaceChildren();
      if (items.length > PAGE) {
        const pages = Math.ceil(items.length / PAGE);
        const prev = el('button', { type: 'button', class: 'secondary' }, '←');
        const next = el('button', { type: 'button', class: 'secondary' }, '→');
        prev.disabled = page === 0;
        next.disabled = page >= pages - 1;
        prev.onclick = () => { page--; render(); };
        next.onclick = () => { page++; render(); };
        pager.append(prev, el('span', {}, 'page ' + (page + 1) + ' of ' + pages), next);
      }
    }
    render();
    wrap.append(el('h3', {}, title + ' (' + items.length + ')'), list, pager);
    return wrap;
  }

  function describeItem(item) {
    const text = item.kind + ' ' + (item.label || item.id);
    return item.fields && item.fields.length ? text + ' — ' + item.fields.join(', ') : text;
  }

  function renderPreview(flow, preview) {
    const box = flow.querySelector('.preview-list');
    if (preview.state === 'failed') {
      say(box, 'error', 'The preview failed: ' + preview.error);
      return;
    }
    const parts = [el('h3', {}, 'Preview: ' + preview.add_count + ' to add, ' + preview.change_count + ' to change, '
      + preview.remove_count + ' to remove')];
    if (preview.add_count + preview.change_count + preview.remove_count === 0) {
      parts.push(el('p', { class: 'sub' }, 'Nothing to change: the database matches WorkOS for this scope.'));
    }
    [['Adds', preview.adds], ['Changes', preview.changes], ['Removes', preview.removes]].forEach(([title, items]) => {
      if (items && items.length) parts.push(pagedList(title, items, describeItem));
    });
    box.replaceChildren(...parts);
  }

  // previewed (a dry run's end), completed, held or failed, with the pipeline's own note
  function outcomeText(row) {
    const what = row.state === 'previewed' ? 'Dry run finished' : 'Sync ' + row.state;
    return what + (row.note ? ' — ' + row.note : '');
  }

  // After an action: the page's server-rendered parts (marked data-refresh: health, counts, chart, runs, groups)
  // fetched again and swapped in, so the page shows the outcome without a reload and without a second renderer.
  async function refreshFromServer() {
    const response = await fetch(location.href, { credentials: 'same-origin' });
    if (!response.ok) return;
    const fresh = new DOMParser().parseFromString(await response.text(), 'text/html');
    document.querySelectorAll('[data-refresh]').forEach(part => {
      const replacement = fresh.getElementById(part.id);
      if (replacement) part.replaceWith(document.importNode(replacement, true));
    });
  }

  function setupSyncFlow(flow) {
    const org = flow.closest('[data-org]').dataset.org;
    const message = flow.querySelector('.flow-message');
    const previewButton = flow.querySelector('button.preview');
    const runButton = flow.querySelector('button.run');
    const held = flow.querySelector('.held');
    const forceButton = flow.querySelector('button.force');
    let previewedScope = null;
    if (flow.dataset.heldScope) {
      const held = flow.querySelector('input[name="scope"][value="' + flow.dataset.heldScope + '"]');
      if (held) held.checked = true;
    }

    function scope() {
      if (flow.dataset.scope) return flow.dataset.scope;
      return flow.querySelector('input[name="scope"]:checked').value;
    }

    function busy(on) {
      previewButton.disabled = on;
      runButton.disabled = on || previewedScope === null;
      forceButton.disabled = on;
    }

    flow.querySelectorAll('input[name="scope"]').forEach(r => r.addEventListener('change', () => {
      previewedScope = null;
      runButton.disabled = true;
      flow.querySelector('.preview-list').replaceChildren();
    }));

    previewButton.addEventListener('click', async () => {
      const s = scope();
      previewedScope = null;
      busy(true);
      held.hidden = true;
      flow.querySelector('.preview-list').replaceChildren();
      say(message, 'info', 'Previewing a ' + s + ' sync (dry run: nothing changes)…');
      try {
        const dryRun = await api('POST', 'organizations/' + org + '/resync?scope=' + s + '&dry_run=true');
        await api('POST', 'organizations/' + org + '/resync/preview?scope=' + s);
        const row = await track(org, dryRun.resync_id, p => showProgress(flow, p));
        let preview;
        for (;;) {
          preview = await api('GET', 'organizations/' + org + '/resync/preview');
          if (preview.state !== 'running') break;
          await sleep(POLL_MS);
        }
        renderPreview(flow, preview);
        say(message, row.state === 'failed' ? 'error' : 'info', outcomeText(row)
          + (row.state === 'failed' ? '' : '. Press “' + runButton.textContent + '” to apply.'));
        if (row.state !== 'failed') previewedScope = s;
        await refreshFromServer();
      } catch (e) {
        say(message, 'error', 'The preview could not start: ' + e.message);
      } finally {
        busy(false);
      }
    });

    async function run(force) {
      // "Remove anyway" repeats the held sync's scope: the one run here, or the one held when the page was built
      const s = force ? (previewedScope || flow.dataset.heldScope || scope()) : previewedScope;
      busy(true);
      held.hidden = true;
      say(message, 'info', (force ? 'Removing anyway' : 'Running the ' + s + ' sync') + '…');
      try {
        const queued = await api('POST', 'organizations/' + org + '/resync?scope=' + s + (force ? '&force=true' : ''));
        const row = await track(org, queued.resync_id, p => showProgress(flow, p));
        if (row.state === 'held') {
          say(message, 'warn', 'The sync was held by the removal safeguard; nothing was removed.');
          flow.querySelector('.held-note').textContent = row.note || 'held';
          held.hidden = false;
        } else {
          say(message, row.state === 'completed' ? 'ok' : 'error', outcomeText(row));
        }
        flow.querySelector('.preview-list').replaceChildren();
        previewedScope = row.state === 'held' ? s : null;
        delete flow.dataset.heldScope;
        await refreshFromServer();
      } catch (e) {
        say(message, 'error', 'The sync could not start: ' + e.message);
      } finally {
        busy(false);
        runButton.disabled = true;
      }
    }

    runButton.addEventListener('click', () => run(false));
    forceButton.addEventListener('click', () => run(true));
  }

  function driftTable(report) {
    const rows = ['members', 'groups', 'memberships'].map(kind => {
      const d = report[kind];
      const ids = [];
      (d.examples.missing || []).forEach(id => ids.push('missing ' + id));
      (d.examples.extra || []).forEach(id => ids.push('extra ' + id));
      (d.examples.changed || []).forEach(c => ids.push('changed ' + c.id + ' (' + c.fields.join(', ') + ')'));
      return el('tr', {}, el('td', {}, kind), el('td', { class: 'num' }, d.workos), el('td', { class: 'num' }, d.database),
        el('td', { class: 'num' }, d.missing), el('td', { class: 'num' }, d.extra), el('td', { class: 'num' }, d.changed),
        el('td', { class: 'note' }, ids.join('; ')));
    });
    return el('table', { class: 'report' },
      el('thead', {}, el('tr', {}, ...['', 'WorkOS', 'Database', 'Missing', 'Extra', 'Changed', 'Ids and fields']
        .map(h => el('th', {}, h)))),
      el('tbody', {}, ...rows));
  }

  function setupVerify(section) {
    const org = section.dataset.org;
    const button = section.querySelector('#verify-start');
    const status = section.querySelector('#verify-status');
    const report = section.querySelector('#verify-report');
    button.addEventListener('click', async () => {
      button.disabled = true;
      report.replaceChildren();
      say(status, 'info', 'Verifying: scanning WorkOS…');
      try {
        let run;
        try {
          run = await api('POST', 'organizations/' + org + '/verify');
        } catch (e) {
          if (e.status !== 409) throw e;
          run = await api('GET', 'organizations/' + org + '/verify');
        }
        while (run.state === 'running') {
          say(status, 'info', 'Verifying: ' + (run.phase || 'running') + '…');
          await sleep(POLL_MS);
          run = await api('GET', 'organizations/' + org + '/verify/' + run.verify_id);
        }
        if (run.state === 'failed') {
          say(status, 'error', 'The drift check failed: ' + run.error);
          return;
        }
        const r = run.report;
        say(status, r.in_sync ? 'ok' : 'warn', r.in_sync ? 'in sync: the database matches WorkOS'
          : 'drift found: the database differs from WorkOS (a sync repairs it)');
        report.replaceChildren(driftTable(r), el('p', { class: 'sub' }, r.workos_requests + ' WorkOS requests, '
          + r.scan_seconds + ' s scan, ' + r.rechecked + ' rechecked'));
      } catch (e) {
        say(status, 'error', 'The drift check could not start: ' + e.message);
      } finally {
        button.disabled = false;
      }
    });
  }

  document.querySelectorAll('.sync-flow').forEach(setupSyncFlow);
  const verify = document.getElementById('verify');
  if (verify) setupVerify(verify);
})();
