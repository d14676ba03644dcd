// The forge3d job viewer: progress while the job runs (server-sent events), then the splat and the GLB.
// State for scripts and tests is on window.forge3dViewer and on <body data-state>.
import './viewer.css';
import { artifacts, artifactUrl, connection, follow, getBytes, getJob, getText, terminal } from './api.ts';
import { findImage, inModelFrame, parseCameras, parseImages } from './colmap.js';

const $ = (id) => document.getElementById(id);
const status = { state: null, progressSeen: [], splat: 'none', mesh: 'none', error: null };
window.forge3dViewer = status;

const conn = connection(window.location, window.sessionStorage);
// ?view=preview: the camera of the job's preview.png, on a canvas of its size; ?view=<image name>: another
// camera of the job's COLMAP model, on the same canvas.
const viewParam = conn.params.get('view');
const previewMode = Boolean(viewParam);
if (conn.embed) document.body.classList.add('embed');
if (previewMode) document.body.classList.add('preview');

start().catch((e) => fail(e));

async function start() {
  if (conn.mode === 'key') {
    if (!conn.job) return fail(new Error('open this page as /viewer/index.html?job=<job id>, or through a share link'));
    if (!conn.key()) {
      $('key-form').hidden = false;
      await new Promise((resolve) => $('key-form').querySelector('form').addEventListener('submit', (e) => {
        e.preventDefault();
        window.sessionStorage.setItem('forge3d.apiKey', $('api-key').value.trim());
        $('key-form').hidden = true;
        resolve();
      }));
    }
  }
  const first = await getJob(conn);
  $('job-id').textContent = `${first.type} ${first.id}`;
  let done = false;
  const onJob = (job) => {
    show(job);
    if (terminal(job) && !done) {
      done = true;
      finished(job).catch(fail);
    }
  };
  onJob(first);
  if (!terminal(first)) follow(conn, onJob);
}

function show(job) {
  status.state = job.state;
  document.body.dataset.state = job.state;
  $('state').textContent = job.state;
  $('state').className = `badge ${job.state}`;
  const pct = Math.round((job.state === 'SUCCEEDED' ? 1 : job.progress || 0) * 1000) / 10;
  if (status.progressSeen[status.progressSeen.length - 1] !== pct) status.progressSeen.push(pct);
  $('progress').setAttribute('aria-valuenow', String(pct));
  $('progress-fill').style.width = `${pct}%`;
  $('stage').textContent = job.stage ? `${job.stage} · ${pct.toFixed(0)} %` : job.state.toLowerCase();
  $('eta').textContent = job.etaSeconds != null && !terminal(job) ? `about ${eta(job.etaSeconds)} left` : '';
  $('message').textContent = job.error ? (job.error.detail || job.error.title || '')
    : job.state === 'SUCCEEDED' ? '' : (job.message || '');
}

function eta(s) {
  if (s < 60) return `${Math.max(1, Math.round(s))} s`;
  if (s < 3600) return `${Math.round(s / 60)} min`;
  return `${(s / 3600).toFixed(1)} h`;
}

async function finished(job) {
  document.body.classList.add('done');
  if (job.state !== 'SUCCEEDED') {
    notice(job.state === 'FAILED' ? 'The job failed.' : 'The job was canceled.');
    return;
  }
  const list = await artifacts(conn, job);
  const byName = new Map(list.map((a) => [a.name, a]));
  const href = (name) => artifactUrl(conn, byName.get(name));
  downloads(list, href);
  const background = parseBackground(job.params && job.params.background);
  let metrics = null;
  if (byName.has('metrics.json')) {
    try { metrics = JSON.parse(await getText(conn, href('metrics.json'))); quality(metrics); } catch { /* shown without */ }
  }
  const splatName = ['scene.spz', 'scene.ply', 'scene.splat'].find((n) => byName.has(n));
  const hasGlb = byName.has('model.glb');
  if (hasGlb && splatName) {
    $('toggle').hidden = false;
    $('show-splat').onclick = () => toggle('splat');
    $('show-mesh').onclick = () => toggle('mesh');
  }
  if (splatName) {
    await showSplat(splatName, href, byName, metrics, background);
  } else if (hasGlb) {
    toggle('mesh');
  }
  if (hasGlb) await loadMesh(href('model.glb'), background, !splatName);
}

async function showSplat(name, href, byName, metrics, background) {
  status.splat = 'loading';
  const { SplatView } = await import('./splat.js');
  let fixedSize = null;
  const previewView = metrics && metrics.quality && metrics.quality.previewView;
  let cameras = null;
  if (byName.has('cameras/cameras.txt') && byName.has('cameras/images.txt')) {
    try {
      cameras = { cams: parseCameras(await getText(conn, href('cameras/cameras.txt'))),
        images: parseImages(await getText(conn, href('cameras/images.txt'))) };
    } catch { cameras = null; }
  }
  if (previewMode && byName.has('preview.png')) fixedSize = await imageSize(href('preview.png'));
  const view = new SplatView($('splat-view'), { background, fixedSize });
  status.view = view;
  const type = name.split('.').pop();
  await view.load(href(name), (u) => getBytes(conn, u), type);
  const wanted = viewParam && viewParam !== 'preview' ? viewParam : previewView;
  const image = cameras && wanted ? findImage(cameras.images, wanted) : cameras ? cameras.images[0] : null;
  if (image && cameras.cams.has(image.camera)) {
    // cameras/ is in the reconstruction's frame; the splat was moved into the delivered one (upright, cropped)
    const modelFromScene = metrics && metrics.crop && metrics.crop.modelFromScene;
    view.setColmapView(inModelFrame(image, modelFromScene), cameras.cams.get(image.camera));
    status.camera = image.name;
  } else {
    view.frameBox();
    status.camera = 'box';
    if (previewMode) notice('This job has no camera model: the preview view cannot be set.');
  }
  status.splat = 'ready';
  status.splatFile = name;
  document.body.dataset.splat = 'ready';
}

async function loadMesh(url, background, visible) {
  status.mesh = 'loading';
  try {
    const bytes = await getBytes(conn, url);
    const blobUrl = URL.createObjectURL(new Blob([bytes], { type: 'model/gltf-binary' }));
    const { showGlb } = await import('./mesh.js');
    if (visible) toggle('mesh');
    await showGlb($('mesh-view'), blobUrl, background);
    status.mesh = 'ready';
    document.body.dataset.mesh = 'ready';
  } catch (e) {
    status.mesh = 'failed';
    notice(e.message);
  }
}

function toggle(which) {
  $('splat-view').hidden = which !== 'splat';
  $('mesh-view').hidden = which !== 'mesh';
  $('show-splat').setAttribute('aria-pressed', String(which === 'splat'));
  $('show-mesh').setAttribute('aria-pressed', String(which === 'mesh'));
  status.showing = which;
}

function quality(m) {
  const q = m.quality || {};
  const rows = [
    ['PSNR (held-out)', q.psnr ?? m.psnr, (v) => `${v.toFixed(2)} dB`],
    ['SSIM (held-out)', q.ssim ?? m.ssim, (v) => v.toFixed(4)],
    ['held-out views', q.heldOutViews],
    ['Gaussians', m.gaussians, (v) => v.toLocaleString('en')],
    ['photos registered', m.imagesRegistered != null ? `${m.imagesRegistered} / ${m.imagesGiven}` : null],
    ['reprojection error', m.meanReprojectionErrorPx, (v) => `${v.toFixed(3)} px`],
    ['preview view', q.previewView],
    ['backend', m.backend],
    ['prompt', m.prompt],
  ];
  const table = $('quality');
  table.replaceChildren();
  for (const [label, value, fmt] of rows) {
    if (value == null) continue;
    const tr = table.insertRow();
    tr.insertCell().textContent = label;
    tr.insertCell().textContent = typeof value === 'number' && fmt ? fmt(value) : String(value);
  }
  status.quality = { psnr: q.psnr ?? m.psnr ?? null, ssim: q.ssim ?? m.ssim ?? null };
}

function downloads(list, href) {
  const ul = $('downloads');
  ul.replaceChildren();
  for (const a of list) {
    const li = document.createElement('li');
    const link = document.createElement('a');
    link.textContent = a.name;
    link.href = href(a.name);
    link.download = a.name.split('/').pop();
    if (conn.mode === 'key') {
      // The API key goes in a header, which a plain link cannot send.
      link.onclick = async (e) => {
        e.preventDefault();
        const url = URL.createObjectURL(new Blob([await getBytes(conn, href(a.name))], { type: a.mediaType }));
        const tmp = Object.assign(document.createElement('a'), { href: url, download: link.download });
        tmp.click();
        setTimeout(() => URL.revokeObjectURL(url), 10000);
      };
    }
    li.append(link, ` ${size(a.size)}`);
    ul.append(li);
  }
}

function size(n) {
  return n < 1024 ? `${n} B` : n < 1 << 20 ? `${(n / 1024).toFixed(0)} KB` : `${(n / (1 << 20)).toFixed(1)} MB`;
}

/** The job's background option (white, black, #rrggbb, r,g,b in 0..1); white when unset, as the trainer. */
export function parseBackground(s) {
  const v = (s || 'white').trim().toLowerCase();
  if (v === 'black') return [0, 0, 0];
  if (/^#[0-9a-f]{6}$/.test(v)) return [1, 3, 5].map((i) => parseInt(v.slice(i, i + 2), 16) / 255);
  const p = v.split(',').map(Number);
  return p.length === 3 && p.every((x) => x >= 0 && x <= 1) ? p : [1, 1, 1];
}

async function imageSize(url) {
  const blob = new Blob([await getBytes(conn, url)], { type: 'image/png' });
  const bmp = await createImageBitmap(blob);
  return { width: bmp.width, height: bmp.height };
}

function notice(text) {
  $('notice').textContent = text;
}

function fail(e) {
  status.error = e.message;
  document.body.dataset.error = e.message;
  $('state').textContent = e.status === 404 ? 'not found' : 'error';
  notice(e.status === 404 ? 'This link does not exist, has expired or was revoked.' : e.message);
}
