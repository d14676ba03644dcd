// The textured mesh (model.glb) in <model-viewer>, loaded only when a job has one (a chunk of its own).
export async function showGlb(container, url, background) {
  const { ModelViewerElement } = await import('@google/model-viewer');
  // Decoders from this server (build.mjs copies them), never from model-viewer's default CDN.
  ModelViewerElement.dracoDecoderLocation = '/viewer/decoders/draco/';
  ModelViewerElement.ktx2TranscoderLocation = '/viewer/decoders/basis/';
  ModelViewerElement.meshoptDecoderLocation = '/viewer/decoders/meshopt.js';
  const mv = document.createElement('model-viewer');
  // Loaded at once even while the splat is shown (by default it waits until the element is on screen).
  mv.setAttribute('loading', 'eager');
  mv.setAttribute('camera-controls', '');
  mv.setAttribute('touch-action', 'pan-y');
  mv.setAttribute('interaction-prompt', 'none');
  mv.setAttribute('shadow-intensity', '0.5');
  mv.setAttribute('alt', 'The job\'s textured mesh');
  mv.style.backgroundColor = `rgb(${background.map((c) => Math.round(c * 255)).join(',')})`;
  mv.src = url;
  container.appendChild(mv);
  await new Promise((resolve, reject) => {
    mv.addEventListener('load', resolve, { once: true });
    mv.addEventListener('error', (e) => reject(new Error(`model.glb could not be shown: ${e.detail?.type || 'error'}`)), { once: true });
  });
  return mv;
}
