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

/** Unit quaternion (w, x, y, z) of a row-major 3x3 rotation. */
export function quaternion(r) {
  const tr = r[0] + r[4] + r[8];
  let w, x, y, z;
  if (tr > 0) {
    const s = Math.sqrt(tr + 1) * 2;
    w = 0.25 * s; x = (r[7] - r[5]) / s; y = (r[2] - r[6]) / s; z = (r[3] - r[1]) / s;
  } else if (r[0] > r[4] && r[0] > r[8]) {
    const s = Math.sqrt(1 + r[0] - r[4] - r[8]) * 2;
    w = (r[7] - r[5]) / s; x = 0.25 * s; y = (r[1] + r[3]) / s; z = (r[2] + r[6]) / s;
  } else if (r[4] > r[8]) {
    const s = Math.sqrt(1 + r[4] - r[0] - r[8]) * 2;
    w = (r[2] - r[6]) / s; x = (r[1] + r[3]) / s; y = 0.25 * s; z = (r[5] + r[7]) / s;
  } else {
    const s = Math.sqrt(1 + r[8] - r[0] - r[4]) * 2;
    w = (r[3] - r[1]) / s; x = (r[2] + r[6]) / s; y = (r[5] + r[7]) / s; z = 0.25 * s;
  }
  const n = Math.hypot(w, x, y, z);
  return [w / n, x / n, y / n, z / n];
}

/**
 * The image's pose in the frame the job delivered its splat and mesh in: metrics.json crop.modelFromScene is the
 * row-major 4x4 similarity x_model = s R x_scene + t, so the camera that sees the model as this image saw the scene
 * is R' = R_c R^T, t' = s t_c - R' t (its depth scaled by s, which projection ignores).
 */
export function inModelFrame(image, m) {
  if (!m || m.length !== 16) return image;
  const s = Math.hypot(m[0], m[4], m[8]);
  const r = [m[0] / s, m[1] / s, m[2] / s, m[4] / s, m[5] / s, m[6] / s, m[8] / s, m[9] / s, m[10] / s];
  const t = [m[3], m[7], m[11]];
  const rc = rotation(image.q);
  const rp = new Array(9);
  for (let i = 0; i < 3; i++) {
    for (let j = 0; j < 3; j++) rp[3 * i + j] = rc[3 * i] * r[3 * j] + rc[3 * i + 1] * r[3 * j + 1] + rc[3 * i + 2] * r[3 * j + 2];
  }
  const tp = [0, 1, 2].map((i) => s * image.t[i] - (rp[3 * i] * t[0] + rp[3 * i + 1] * t[1] + rp[3 * i + 2] * t[2]));
  return { ...image, q: quaternion(rp), t: tp };
}
