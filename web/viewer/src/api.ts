// The viewer's side of the API, typed by @forge3d/api-types (generated from openapi.yaml by openapi-typescript):
// every route it calls is a path of the contract and every answer it reads is the contract's schema, so a
// change of openapi.yaml that breaks the viewer fails its type check (npm run build: tsc, then esbuild).
// Where the job comes from: a share link (/s/{token}[/embed], no key) or /viewer/index.html?job=ID with an API key.
import type { components, paths } from '@forge3d/api-types';

export type Job = components['schemas']['Job'];
export type Artifact = components['schemas']['Artifact'];
type JobState = components['schemas']['JobState'];
type ArtifactList = paths['/v1/jobs/{id}/artifacts']['get']['responses'][200]['content']['application/json'];
type SharedArtifactList = paths['/s/{token}/artifacts']['get']['responses'][200]['content']['application/json'];
type StreamToken = paths['/v1/jobs/{id}/stream-tokens']['post']['responses'][201]['content']['application/json'];
type Problem = components['schemas']['Problem'];

export interface Connection {
  mode: 'share' | 'key';
  embed: boolean;
  params: URLSearchParams;
  /** The job id (key mode). */
  job: string | null;
  /** The API's origin and prefix in key mode ('' for this server); undefined through a share link. */
  api?: string;
  jobUrl: string | null;
  key(): string | null;
  headers(): Record<string, string>;
  eventsUrl(): Promise<string>;
}

/** A path of the contract (a key of openapi.yaml's paths) with its parameters filled in. */
function route<P extends keyof paths>(template: P, params: Record<string, string>): string {
  return template.replace(/\{(\w+)\}/g, (_, name: string) => encodeURIComponent(params[name] ?? ''));
}

export function connection(location: Location, storage: Storage): Connection {
  const share = location.pathname.match(/^\/s\/([A-Za-z0-9_-]+)(\/embed)?\/?$/);
  const params = new URLSearchParams(location.search);
  if (share) {
    const token = share[1];
    return {
      mode: 'share', embed: Boolean(share[2]) || params.has('embed'), params, job: null,
      jobUrl: route('/s/{token}/job', { token }),
      key: () => null,
      headers: () => ({}),
      eventsUrl: async () => route('/s/{token}/events', { token }),
    };
  }
  const job = params.get('job');
  const api = (params.get('api') || '').replace(/\/$/, '');
  const key = () => storage.getItem('forge3d.apiKey');
  const headers = (): Record<string, string> => { const k = key(); return k ? { Authorization: `Bearer ${k}` } : {}; };
  return {
    mode: 'key', embed: params.has('embed'), params, job, api,
    jobUrl: job ? api + route('/v1/jobs/{id}', { id: job }) : null,
    key,
    headers,
    // EventSource sends no headers: a short-lived stream token of this job goes in the query instead.
    async eventsUrl() {
      const r = await fetch(api + route('/v1/jobs/{id}/stream-tokens', { id: job ?? '' }), { method: 'POST', headers: headers() });
      if (!r.ok) throw new Error(`stream token: HTTP ${r.status}`);
      const token: StreamToken = await r.json();
      return api + token.eventsUrl;
    },
  };
}

export class ApiError extends Error {
  status: number;
  constructor(message: string, status: number) {
    super(message);
    this.status = status;
  }
}

async function getJson<T>(conn: Connection, url: string): Promise<T> {
  const r = await fetch(url, { headers: conn.headers() });
  if (!r.ok) {
    let detail = `HTTP ${r.status}`;
    try { detail = ((await r.json()) as Problem).detail || detail; } catch { /* not JSON */ }
    throw new ApiError(detail, r.status);
  }
  return (await r.json()) as T;
}

/** The job (GET /v1/jobs/{id}, or /s/{token}/job through a share link). */
export function getJob(conn: Connection): Promise<Job> {
  if (!conn.jobUrl) throw new Error('no job to open');
  return getJson<Job>(conn, conn.jobUrl);
}

/** The job's artifacts: those it carries, else its artifacts list (links.artifacts). */
export async function artifacts(conn: Connection, job: Job): Promise<Artifact[]> {
  if (job.artifacts.length) return job.artifacts;
  const list = await getJson<ArtifactList | SharedArtifactList>(conn, job.links.artifacts);
  return list.items;
}

/** Where an artifact is downloaded from: its href (relative to this server, or to ?api= in key mode). */
export function artifactUrl(conn: Connection, artifact: Artifact): string {
  return conn.mode === 'key' && conn.api !== undefined ? conn.api + artifact.href : artifact.href;
}

export async function getBytes(conn: Connection, url: string): Promise<Uint8Array> {
  const r = await fetch(url, { headers: conn.headers() });
  if (!r.ok) throw new Error(`${url}: HTTP ${r.status}`);
  return new Uint8Array(await r.arrayBuffer());
}

export async function getText(conn: Connection, url: string): Promise<string> {
  return new TextDecoder().decode(await getBytes(conn, url));
}

/** Follows the job: server-sent events (event `job`, the Job JSON), or polling when the stream cannot be opened. */
export function follow(conn: Connection, onJob: (job: Job) => void): () => void {
  let closed = false;
  let source: EventSource | null = null;
  const poll = async () => {
    while (!closed) {
      try {
        const job = await getJob(conn);
        onJob(job);
        if (terminal(job)) return;
      } catch { /* retried */ }
      await new Promise((r) => setTimeout(r, 2000));
    }
  };
  conn.eventsUrl().then((url) => {
    if (closed) return;
    const es = new EventSource(url);
    source = es;
    es.addEventListener('job', (e) => {
      const job = JSON.parse((e as MessageEvent<string>).data) as Job;
      onJob(job);
      if (terminal(job)) { es.close(); closed = true; }
    });
    es.onerror = () => {
      if (closed) return;
      es.close();
      poll();
    };
  }).catch(poll);
  return () => { closed = true; if (source) source.close(); };
}

const TERMINAL: readonly JobState[] = ['SUCCEEDED', 'FAILED', 'CANCELED'];

export function terminal(job: Job): boolean {
  return TERMINAL.includes(job.state);
}
