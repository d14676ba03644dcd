// The COLMAP text model of a job's cameras (cameras/cameras.txt, cameras/images.txt): pinhole intrinsics and
// world-to-camera poses in the OpenCV convention (x right, y down, z forward).

function lines(text) {
  return text.split('\n').map((l) => l.trim()).filter((l) => l && !l.startsWith('#'));
}

export function parseCameras(text) {
  const cams = new Map();
  for (const l of lines(text)) {
    const [id, model, w, h, ...p] = l.split(/\s+/);
    const v = p.map(Number);
    const k = model === 'SIMPLE_PINHOLE' || model === 'SIMPLE_RADIAL'
      ? { fx: v[0], fy: v[0], cx: v[1], cy: v[2] }
      : { fx: v[0], fy: v[1], cx: v[2], cy: v[3] };
    cams.set(id, { model, width: Number(w), height: Number(h), ...k });
  }
  return cams;
}

/** images.txt: two lines per image, the first "ID QW QX QY QZ TX TY TZ CAMERA_ID NAME". */
export function parseImages(text) {
  const out = [];
  const all = text.split('\n').filter((l) => !l.startsWith('#'));
  for (let i = 0; i < all.length; i++) {
    const f = all[i].trim().split(/\s+/);
    if (f.length < 10) continue;
    out.push({ id: f[0], q: f.slice(1, 5).map(Number), t: f.slice(5, 8).map(Number), camera: f[8], name: f.slice(9).join(' ') });
    i++; // the points line
  }
  return out;
}

export function findImage(images, view) {
  const strip = (n) => n.replace(/\.[^./]+$/, '');
  return images.find((im) => im.name === view) || images.find((im) => strip(im.name) === strip(view));
}

/** Row-major 3x3 rotation of a unit quaternion (w, x, y, z). */
export function rotation([w, x, y, z]) {
  return [
    1 - 2 * (y * y + z * z), 2 * (x * y - w * z), 2 * (x * z + w * y),
    2 * (x * y + w * z), 1 - 2 * (x * x + z * z), 2 * (y * z - w * x),
    2 * (x * z - w * y), 2 * (y * z + w * x), 1 - 2 * (x * x + y * y),
  ];
}
