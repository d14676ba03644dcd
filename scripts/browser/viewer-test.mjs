// The viewer in a real browser (Debian's chromium driven by playwright-core), run by ViewerBrowserTest:
//  1. a job's share link opened while the job runs: the progress bar must move, then the splat is shown;
//  2. ?view=preview and ?view=<another camera>: canvas screenshots for the Java side to compare with preview.png;
//  3. the page at 360 px and the chrome-less embed;  4. the GLB, when the job has one;
//  5. a page on another origin polling the job with the API key (CORS preflight) and following its events
//     through a stream token; a page on an origin that is not allowed must be refused.
// Usage: node viewer-test.mjs '<json config>'; writes PNGs and report.json into config.out.
import { createServer } from 'node:http';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { chromium } from 'playwright-core';

const cfg = JSON.parse(process.argv[2]);
const CHROMIUM = process.env.FORGE3D_CHROMIUM || '/usr/bin/chromium';
mkdirSync(cfg.out, { recursive: true });
const report = { console: [] };
const deadline = Date.now() + (cfg.timeoutMs || 150000); // for the job to finish
const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

function crossOriginPage() {
  const c = JSON.stringify({ api: cfg.api, job: cfg.job, key: cfg.key });
  return `<!doctype html><meta charset="utf-8"><title>shop</title><script>
const cfg = ${c};
window.result = { done: false };
(async () => {
  const r = window.result;
  try {
    r.polls = [];
    for (let i = 0; i < 3; i++) {
      const res = await fetch(cfg.api + '/v1/jobs/' + cfg.job, { headers: { Authorization: 'Bearer ' + cfg.key } });
      r.polls.push(res.status);
      r.rateLimit = res.headers.get('RateLimit');
      r.lastState = (await res.json()).state;
      await new Promise((x) => setTimeout(x, 300));
    }
    const t = await fetch(cfg.api + '/v1/jobs/' + cfg.job + '/stream-tokens', { method: 'POST', headers: { Authorization: 'Bearer ' + cfg.key } });
    r.tokenStatus = t.status;
    const token = await t.json();
    r.events = [];
    await new Promise((resolve) => {
      const es = new EventSource(cfg.api + token.eventsUrl);
      es.addEventListener('job', (e) => {
        const j = JSON.parse(e.data);
        r.events.push(j.state + ':' + j.progress);
        if (['SUCCEEDED', 'FAILED', 'CANCELED'].includes(j.state)) { es.close(); resolve(); }
      });
      es.onerror = () => { r.sseError = true; es.close(); resolve(); };
    });
    const anon = await fetch(cfg.api + '/v1/jobs/' + cfg.job);
    r.anonymousStatus = anon.status;
  } catch (e) {
    r.error = String(e);
  }
  r.done = true;
})();
</script>`;
}

function serve(port) {
  const server = createServer((req, res) => {
    res.writeHead(200, { 'Content-Type': 'text/html; charset=utf-8' });
    // A product page embedding the share link's chrome-less viewer in an iframe.
    if (req.url.startsWith('/product')) {
      res.end(`<!doctype html><meta charset="utf-8"><title>product</title><h1>A product</h1>
<iframe src="${cfg.share}/embed" width="480" height="360" style="border:0"></iframe>`);
      return;
    }
    res.end(crossOriginPage());
  });
  return new Promise((resolve) => server.listen(port, '127.0.0.1', () => resolve(server)));
}

async function waitFor(page, fn, what, ms = 90000) {
  const end = Date.now() + ms;
  while (Date.now() < end) {
    const v = await page.evaluate(fn).catch(() => null);
    if (v) return v;
    await sleep(200);
  }
  const state = await page.evaluate(() => JSON.stringify(window.forge3dViewer, (k, v) => (k === 'view' ? undefined : v))).catch(() => '?');
  throw new Error(`timed out waiting for ${what}; viewer state ${state}`);
}

// A click through the DOM: Playwright's own click first waits for the element to be stable over animation frames,
// which a page drawing WebGL in software on a loaded 2-core machine does not give it within its timeout.
async function domClick(page, selector) {
  await page.waitForSelector(selector, { state: 'visible', timeout: 60000 });
  await page.evaluate((sel) => document.querySelector(sel).click(), selector);
}

async function canvasShot(context, url, file) {
  const page = await context.newPage();
  page.on('console', (m) => { if (m.type() === 'error') report.console.push(`${url}: ${m.text()}`); });
  // An exception in the render loop stops three.js's animation loop without a console message.
  page.on('pageerror', (e) => report.console.push(`${url}: uncaught ${e.message}`));
  // requestAnimationFrame (three.js's render loop) runs only in the foreground tab; other pages of the test stay open.
  await page.bringToFront();
  await page.goto(url);
  await waitFor(page, () => window.forge3dViewer && (window.forge3dViewer.splat === 'ready' || window.forge3dViewer.error), `splat on ${url}`);
  const err = await page.evaluate(() => window.forge3dViewer.error);
  if (err) throw new Error(`${url}: ${err}`);
  // Spark sorts the splats in a worker: let a few frames pass after the first so the sorted order is drawn.
  const start = await page.evaluate(() => window.forge3dViewer.view.frames);
  // Software WebGL on a 2-core CI machine draws about one frame a second: wait for frames, not for a fixed time.
  await page.waitForFunction((n) => window.forge3dViewer.view.frames > n + 8, start, { timeout: 120000 })
    .catch(async (e) => {
      const now = await page.evaluate(() => window.forge3dViewer.view.frames).catch(() => '?');
      throw new Error(`${e.message} (frames ${start} -> ${now}; page errors: ${report.console.join(' | ') || 'none'})`);
    });
  await sleep(1000);
  // The drawing buffer itself (preserveDrawingBuffer): exactly the preview's size, whatever the page layout.
  const png = await page.evaluate(() => document.querySelector('#splat-view canvas').toDataURL('image/png'));
  writeFileSync(join(cfg.out, file), Buffer.from(png.slice(png.indexOf(',') + 1), 'base64'));
  const info = await page.evaluate(() => ({ camera: window.forge3dViewer.camera, file: window.forge3dViewer.splatFile }));
  await page.close();
  return info;
}

const browser = await chromium.launch({
  executablePath: CHROMIUM,
  args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking'],
});
const servers = [];
try {
  servers.push(await serve(cfg.crossPort), await serve(cfg.otherPort));
  const context = await browser.newContext({ viewport: { width: 1000, height: 760 }, deviceScaleFactor: 1 });
  // The viewer must work offline: every request it makes goes to this machine (the API or the test's pages).
  report.external = [];
  context.on('request', (r) => {
    const u = new URL(r.url());
    if (u.protocol.startsWith('http') && u.hostname !== '127.0.0.1') report.external.push(r.url());
  });

  // 1. The share link while the job runs.
  const t0 = Date.now();
  const share = await context.newPage();
  share.on('console', (m) => { if (m.type() === 'error') report.console.push(`share: ${m.text()}`); });
  share.on('pageerror', (e) => report.console.push(`share: ${e.message}`));
  await share.goto(cfg.share);
  report.webgl2 = await share.evaluate(() => Boolean(document.createElement('canvas').getContext('webgl2')));
  const cross = await context.newPage();
  await cross.goto(`http://127.0.0.1:${cfg.crossPort}/`);
  const other = await context.newPage();
  await other.goto(`http://127.0.0.1:${cfg.otherPort}/`);

  const samples = [];
  while (Date.now() < deadline) {
    const s = await share.evaluate(() => ({
      state: window.forge3dViewer && window.forge3dViewer.state,
      bar: Number(document.getElementById('progress').getAttribute('aria-valuenow')),
      width: document.getElementById('progress-fill').style.width,
      stage: document.getElementById('stage').textContent,
    }));
    if (samples.length === 0 || samples[samples.length - 1].bar !== s.bar || samples[samples.length - 1].state !== s.state) {
      samples.push({ t: Date.now() - t0, ...s });
    }
    if (['SUCCEEDED', 'FAILED', 'CANCELED'].includes(s.state)) break;
    await sleep(250);
  }
  report.progress = samples;
  report.finalState = samples.length ? samples[samples.length - 1].state : null;
  await waitFor(share, () => window.forge3dViewer.splat === 'ready' || window.forge3dViewer.error, 'the splat');
  report.share = await share.evaluate(() => ({
    error: window.forge3dViewer.error, splat: window.forge3dViewer.splat, splatFile: window.forge3dViewer.splatFile,
    quality: window.forge3dViewer.quality, downloads: [...document.querySelectorAll('#downloads a')].map((a) => a.getAttribute('href')),
    glb: [...document.querySelectorAll('#downloads a')].some((a) => a.textContent === 'model.glb'),
  }));
  writeFileSync(join(cfg.out, 'preview.png'), Buffer.from(await (await fetch(`${cfg.share}/artifacts/preview.png`)).arrayBuffer()));
  const framesNow = await share.evaluate(() => window.forge3dViewer.view.frames);
  await share.waitForFunction((n) => window.forge3dViewer.view.frames > n + 8, framesNow, { timeout: 120000 });
  await sleep(1000);
  await share.screenshot({ path: join(cfg.out, 'share-page.png') });

  // 4. The GLB in <model-viewer>, when the job has one.
  if (report.share.glb) {
    await waitFor(share, () => window.forge3dViewer.mesh === 'ready' || window.forge3dViewer.mesh === 'failed', 'the GLB');
    await domClick(share, '#show-mesh');
    await sleep(1500);
    report.mesh = await share.evaluate(() => window.forge3dViewer.mesh);
    await share.locator('#mesh-view').screenshot({ path: join(cfg.out, 'mesh.png') });
  }
  // The share page is done: a WebGL page left drawing takes the (software-rendered, 2-core) CPU from the pages below.
  await share.close();

  // 4b. A job with model.glb beside its splat: the toggle, and the GLB in <model-viewer>.
  if (cfg.meshShare) {
    const m = await context.newPage();
    m.on('pageerror', (e) => report.console.push(`mesh: ${e.message}`));
    await m.goto(cfg.meshShare);
    await waitFor(m, () => window.forge3dViewer.error || (window.forge3dViewer.splat === 'ready'
      && ['ready', 'failed'].includes(window.forge3dViewer.mesh)), 'the GLB job');
    await domClick(m, '#show-mesh');
    await sleep(1500);
    report.meshJob = await m.evaluate(() => ({
      splat: window.forge3dViewer.splat, mesh: window.forge3dViewer.mesh, showing: window.forge3dViewer.showing,
      toggleVisible: !document.getElementById('toggle').hidden && getComputedStyle(document.getElementById('toggle')).display !== 'none',
      modelViewerLoaded: Boolean(document.querySelector('model-viewer') && document.querySelector('model-viewer').loaded),
      notice: document.getElementById('notice').textContent,
    }));
    await m.locator('#stage-area').screenshot({ path: join(cfg.out, 'mesh.png') });
    await m.close();
  }

  // 3b. The embed in an iframe on another origin's page (CSP frame-ancestors allows it by default).
  {
    const product = await context.newPage();
    await product.goto(`http://127.0.0.1:${cfg.crossPort}/product`);
    let frame = null;
    for (let i = 0; i < 100 && !frame; i++) {
      frame = product.frames().find((f) => f.url().endsWith('/embed'));
      if (!frame) await sleep(100);
    }
    await waitFor(frame, () => window.forge3dViewer && (window.forge3dViewer.splat === 'ready' || window.forge3dViewer.error), 'the embed in an iframe');
    report.iframe = await frame.evaluate(() => ({ splat: window.forge3dViewer.splat, embed: document.body.classList.contains('embed') }));
    await product.screenshot({ path: join(cfg.out, 'product-iframe.png') });
    await product.close();
  }

  // 6. The viewer with the API key instead of a share link (/viewer/index.html?job=ID; the key typed in the page).
  {
    const k = await context.newPage();
    await k.goto(`${cfg.api}/viewer/index.html?job=${cfg.job}`);
    await k.fill('#api-key', cfg.key);
    await domClick(k, '#key-form button');
    await waitFor(k, () => window.forge3dViewer.splat === 'ready' || window.forge3dViewer.error, 'the keyed viewer');
    report.keyed = await k.evaluate(() => ({ splat: window.forge3dViewer.splat, error: window.forge3dViewer.error,
      state: window.forge3dViewer.state, quality: window.forge3dViewer.quality }));
    await k.close();
  }

  // 5. Cross-origin pages.
  report.crossOrigin = await waitFor(cross, () => window.result.done && window.result, 'the cross-origin page', 60000);
  report.otherOrigin = await waitFor(other, () => (window.result.error || window.result.done) && window.result, 'the refused origin', 30000);
  // The pages that are done stop drawing: each WebGL page left open takes the CPU from the canvas shots below.
  await Promise.all([cross.close(), other.close()]);

  // 2. The preview camera and another camera ("auto": the camera of the model farthest in order from the preview's).
  if (cfg.wrongView === 'auto') {
    const metrics = await (await fetch(`${cfg.share}/artifacts/metrics.json`)).json();
    const names = (await (await fetch(`${cfg.share}/artifacts/cameras/images.txt`)).text()).split('\n')
      .filter((l) => l && !l.startsWith('#')).map((l) => l.trim().split(/\s+/).slice(9).join(' '))
      .filter((x) => /\.(png|jpe?g)$/i.test(x)).sort();
    const strip = (x) => x.replace(/\.[^.]+$/, '');
    const at = names.findIndex((x) => strip(x) === strip(metrics.quality.previewView));
    cfg.wrongView = names[at < names.length / 2 ? names.length - 1 : 0];
    report.previewView = metrics.quality.previewView;
  }
  report.previewShot = await canvasShot(context, `${cfg.share}?view=preview`, 'viewer-preview.png');
  if (cfg.wrongView) report.wrongShot = await canvasShot(context, `${cfg.share}?view=${encodeURIComponent(cfg.wrongView)}`, 'viewer-wrong-camera.png');

  // 3. 360 px wide, and the embed.
  const narrow = await browser.newContext({ viewport: { width: 360, height: 740 }, deviceScaleFactor: 1 });
  const n = await narrow.newPage();
  await n.goto(cfg.share);
  await waitFor(n, () => window.forge3dViewer.splat === 'ready', 'the splat at 360 px');
  report.narrow = await n.evaluate(() => {
    const c = document.querySelector('#splat-view canvas').getBoundingClientRect();
    return { scrollWidth: document.documentElement.scrollWidth, canvasWidth: Math.round(c.width), canvasHeight: Math.round(c.height),
      progressWidth: Math.round(document.getElementById('progress').getBoundingClientRect().width) };
  });
  await n.screenshot({ path: join(cfg.out, 'narrow-360.png'), fullPage: true });
  const e = await narrow.newPage();
  await e.goto(`${cfg.share}/embed`);
  await waitFor(e, () => window.forge3dViewer.splat === 'ready', 'the embed');
  report.embed = await e.evaluate(() => ({
    headerVisible: getComputedStyle(document.querySelector('header')).display !== 'none',
    detailsVisible: getComputedStyle(document.getElementById('details')).display !== 'none',
    canvasWidth: Math.round(document.querySelector('#splat-view canvas').getBoundingClientRect().width),
  }));
  await e.screenshot({ path: join(cfg.out, 'embed-360.png') });
  report.ok = true;
} catch (err) {
  report.ok = false;
  report.failure = String(err && err.stack || err);
} finally {
  writeFileSync(join(cfg.out, 'report.json'), JSON.stringify(report, null, 2));
  console.log(JSON.stringify(report));
  await browser.close();
  for (const s of servers) s.close();
}
process.exit(report.ok ? 0 : 1);
