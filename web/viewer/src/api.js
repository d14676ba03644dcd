// Where the job comes from: a share link (/s/{token}[/embed], no key) or /viewer/index.html?job=ID with an API key.

export function connection(location, storage) {
  const share = location.pathname.match(/^\/s\/([A-Za-z0-9_-]+)(\/embed)?\/?$/);
  const params = new URLSearchParams(location.search);
  if (share) {
    const base = `/s/${share[1]}`;
    return {
      mode: 'share', embed: Boolean(share[2]) || params.has('embed'), params,
      jobUrl: `${base}/job`,
      headers: () => ({}),
      eventsUrl: async () => `${base}/events`,
    };
  }
  const job = params.get('job');
  const api = (params.get('api') || '').replace(/\/$/, '');
  return {
    mode: 'key', embed: params.has('embed'), params, job,
    jobUrl: job ? `${api}/v1/jobs/${encodeURIComponent(job)}` : null,
    key: () => storage.getItem('forge3d.apiKey'),
    headers() { const k = this.key(); return k ? { Authorization: `Bearer ${k}` } : {}; },
    // EventSource sends no headers: a short-lived stream token of this job goes in the query instead.
    async eventsUrl() {
      const r = await fetch(`${api}/v1/jobs/${encodeURIComponent(job)}/stream-tokens`, { method: 'POST', headers: this.headers() });
      if (!r.ok) throw new Error(`stream token: HTTP ${r.status}`);
      return api + (await r.json()).eventsUrl;
    },
    api,
  };
}

export async function getJson(conn, url) {
  const r = await fetch(url, { headers: conn.headers() });
  if (!r.ok) {
    let detail = `HTTP ${r.status}`;
    try { detail = (await r.json()).detail || detail; } catch { /* not JSON */ }
    const e = new Error(detail);
    e.status = r.status;
    throw e;
  }
  return r.json();
}

export async function getBytes(conn, url) {
  const r = await fetch(url, { headers: conn.headers() });
  if (!r.ok) throw new Error(`${url}: HTTP ${r.status}`);
  return new Uint8Array(await r.arrayBuffer());
}

export async function getText(conn, url) {
  return new TextDecoder().decode(await getBytes(conn, url));
}

/** Follows the job: server-sent events, or polling when the stream cannot be opened. */
export function follow(conn, onJob) {
  let closed = false;
  let source = null;
  const poll = async () => {
    while (!closed) {
      try {
        const job = await getJson(conn, conn.jobUrl);
        onJob(job);
        if (terminal(job)) return;
      } catch { /* retried */ }
      await new Promise((r) => setTimeout(r, 2000));
    }
  };
  conn.eventsUrl().then((url) => {
    if (closed) return;
    source = new EventSource(url);
    source.addEventListener('job', (e) => {
      const job = JSON.parse(e.data);
      onJob(job);
      if (terminal(job)) { source.close(); closed = true; }
    });
    source.onerror = () => {
      if (closed) return;
      source.close();
      poll();
    };
  }).catch(poll);
  return () => { closed = true; if (source) source.close(); };
}

export function terminal(job) {
  return ['SUCCEEDED', 'FAILED', 'CANCELED'].includes(job.state);
}
