// The Gaussian splat in Spark (three.js), with orbit controls. A camera from the job's COLMAP model can be applied
// exactly (pose and pinhole intrinsics, principal point included) so that a frame matches preview.png.
import * as THREE from 'three';
import { OrbitControls } from 'three/examples/jsm/controls/OrbitControls.js';
import { SparkRenderer, SplatMesh } from '@sparkjsdev/spark';
import { rotation } from './colmap.js';

export class SplatView {
  constructor(container, { background, fixedSize }) {
    this.container = container;
    this.fixedSize = fixedSize; // {width, height} in preview mode: the canvas is exactly the preview's size
    this.renderer = new THREE.WebGLRenderer({ antialias: false, preserveDrawingBuffer: true });
    this.renderer.setPixelRatio(fixedSize ? 1 : Math.min(window.devicePixelRatio || 1, 2));
    this.renderer.setClearColor(new THREE.Color(...background), 1);
    this.renderer.outputColorSpace = THREE.SRGBColorSpace;
    container.appendChild(this.renderer.domElement);
    this.scene = new THREE.Scene();
    this.spark = new SparkRenderer({ renderer: this.renderer });
    this.scene.add(this.spark);
    this.camera = new THREE.PerspectiveCamera(50, 1, 0.01, 1000);
    this.controls = new OrbitControls(this.camera, this.renderer.domElement);
    this.controls.enableDamping = !fixedSize;
    this.frames = 0;
    this.intrinsics = null;
    this.resize();
    new ResizeObserver(() => this.resize()).observe(container);
    this.renderer.setAnimationLoop(() => {
      if (this.userMoved || !this.fixedSize) this.controls.update();
      this.renderer.render(this.scene, this.camera);
      this.frames++;
    });
    this.controls.addEventListener('start', () => { this.userMoved = true; });
  }

  async load(url, bytesLoader, fileType) {
    const fileBytes = await bytesLoader(url);
    this.mesh = new SplatMesh({ fileBytes, fileType });
    this.scene.add(this.mesh);
    await this.mesh.initialized;
    return this.mesh;
  }

  size() {
    if (this.fixedSize) return this.fixedSize;
    return { width: Math.max(1, this.container.clientWidth), height: Math.max(1, this.container.clientHeight) };
  }

  resize() {
    const { width, height } = this.size();
    this.renderer.setSize(width, height, true);
    this.camera.aspect = width / height;
    this.applyProjection();
  }

  /** Looks at the splat's bounding box from the front, when no camera of the job is known. */
  frameBox() {
    const box = this.mesh.getBoundingBox(true);
    const centre = box.getCenter(new THREE.Vector3());
    const radius = Math.max(box.getSize(new THREE.Vector3()).length() / 2, 1e-3);
    this.camera.position.copy(centre).add(new THREE.Vector3(0, 0, radius * 2.2));
    this.camera.up.set(0, 1, 0);
    this.camera.near = radius / 100;
    this.camera.far = radius * 100;
    this.controls.target.copy(centre);
    this.camera.lookAt(centre);
    this.applyProjection();
  }

  /**
   * A COLMAP image (world-to-camera quaternion and translation, OpenCV axes) with its camera's intrinsics, scaled
   * to the canvas. The orbit target is put on the optical axis at the splat's depth, and "up" is the camera's own
   * up, so that orbiting starts from exactly this view.
   */
  setColmapView(image, cam) {
    const r = rotation(image.q);
    const t = image.t;
    const centre = new THREE.Vector3(
      -(r[0] * t[0] + r[3] * t[1] + r[6] * t[2]),
      -(r[1] * t[0] + r[4] * t[1] + r[7] * t[2]),
      -(r[2] * t[0] + r[5] * t[1] + r[8] * t[2]));
    // OpenGL camera axes in world coordinates: x = R^T e_x, y = -R^T e_y, z = -R^T e_z.
    const x = new THREE.Vector3(r[0], r[1], r[2]);
    const y = new THREE.Vector3(-r[3], -r[4], -r[5]);
    const z = new THREE.Vector3(-r[6], -r[7], -r[8]);
    this.camera.position.copy(centre);
    this.camera.quaternion.setFromRotationMatrix(new THREE.Matrix4().makeBasis(x, y, z));
    this.camera.up.copy(y);
    const box = this.mesh ? this.mesh.getBoundingBox(true) : null;
    const depth = box ? Math.max(box.getCenter(new THREE.Vector3()).sub(centre).dot(z.clone().negate()), 0.1) : 1;
    this.controls.target.copy(centre).addScaledVector(z, -depth);
    this.camera.near = depth / 100;
    this.camera.far = depth * 100;
    this.intrinsics = cam;
    this.camera.updateMatrixWorld(true);
    this.applyProjection();
  }

  applyProjection() {
    const cam = this.intrinsics;
    if (!cam) {
      this.camera.updateProjectionMatrix();
      return;
    }
    const { width, height } = this.size();
    // Intrinsics scaled to the canvas; when the aspect differs, the vertical field of view is kept.
    const sy = height / cam.height;
    const sx = this.fixedSize ? width / cam.width : sy;
    const fx = cam.fx * sx, fy = cam.fy * sy;
    const cx = this.fixedSize ? cam.cx * sx : width / 2 + (cam.cx - cam.width / 2) * sx;
    const cy = cam.cy * sy;
    const n = this.camera.near, f = this.camera.far;
    this.camera.projectionMatrix.set(
      2 * fx / width, 0, 1 - 2 * cx / width, 0,
      0, 2 * fy / height, 2 * cy / height - 1, 0,
      0, 0, -(f + n) / (f - n), -2 * f * n / (f - n),
      0, 0, -1, 0);
    this.camera.projectionMatrixInverse.copy(this.camera.projectionMatrix).invert();
  }
}
