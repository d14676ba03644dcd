package dev.forge3d.runtime.asset;

import dev.forge3d.runtime.mesh.TexturedMesh;

import javax.imageio.IIOImage;
import javax.imageio.ImageIO;
import javax.imageio.ImageWriteParam;
import javax.imageio.ImageWriter;
import javax.imageio.stream.MemoryCacheImageOutputStream;
import java.awt.image.BufferedImage;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.List;

/**
 * Bakes a base-colour texture for a {@link UvAtlas}: every texel a triangle covers is mapped back to its surface
 * point (barycentric), coloured from the photos that see it ({@link PhotoColours}), and the charts' borders are
 * grown into the gutters so that filtering never reads the empty background. Encoded as JPEG (sRGB display values,
 * what glTF's baseColorTexture holds).
 */
public final class TextureBaker {

    static final float JPEG_QUALITY = 0.9f;

    private TextureBaker() { }

    /**
     * @param atlas     the atlas, positions in the model frame
     * @param toScene   maps the atlas's positions (and normals) to the photos' scene frame
     * @param tolerance visibility tolerance for {@link PhotoColours#sample} (scene units)
     */
    public static TexturedMesh bake(UvAtlas atlas, Similarity toScene, List<PhotoColours.Source> sources, double tolerance) {
        int size = atlas.size();
        int[] owner = new int[size * size];
        float[] bary = new float[2 * size * size];
        java.util.Arrays.fill(owner, -1);
        float[] uv = atlas.uvs();
        int[] idx = atlas.indices();
        for (int t = 0; t < idx.length / 3; t++) {
            int a = idx[3 * t], b = idx[3 * t + 1], c = idx[3 * t + 2];
            double ax = uv[2 * a] * size, ay = uv[2 * a + 1] * size, bx = uv[2 * b] * size, by = uv[2 * b + 1] * size;
            double cx = uv[2 * c] * size, cy = uv[2 * c + 1] * size;
            double det = (bx - ax) * (cy - ay) - (cx - ax) * (by - ay);
            if (Math.abs(det) < 1e-12) continue;
            int x0 = Math.max(0, (int) Math.floor(Math.min(ax, Math.min(bx, cx)) - 1));
            int x1 = Math.min(size - 1, (int) Math.ceil(Math.max(ax, Math.max(bx, cx)) + 1));
            int y0 = Math.max(0, (int) Math.floor(Math.min(ay, Math.min(by, cy)) - 1));
            int y1 = Math.min(size - 1, (int) Math.ceil(Math.max(ay, Math.max(by, cy)) + 1));
            for (int y = y0; y <= y1; y++) {
                for (int x = x0; x <= x1; x++) {
                    double px = x + 0.5, py = y + 0.5;
                    double l1 = ((px - ax) * (cy - ay) - (cx - ax) * (py - ay)) / det;
                    double l2 = ((bx - ax) * (py - ay) - (px - ax) * (by - ay)) / det;
                    double l0 = 1 - l1 - l2;
                    if (l0 < 0 || l1 < 0 || l2 < 0) continue;
                    int i = y * size + x;
                    owner[i] = t;
                    bary[2 * i] = (float) l1;
                    bary[2 * i + 1] = (float) l2;
                }
            }
        }
        // the covered texels' surface points and normals, in the photos' frame
        int covered = 0;
        for (int o : owner) if (o >= 0) covered++;
        float[] pts = new float[3 * covered], nrm = new float[3 * covered];
        int[] texel = new int[covered];
        float[] p = atlas.positions(), n = atlas.normals();
        int k = 0;
        for (int i = 0; i < owner.length; i++) {
            int t = owner[i];
            if (t < 0) continue;
            float l1 = bary[2 * i], l2 = bary[2 * i + 1], l0 = 1 - l1 - l2;
            int a = idx[3 * t], b = idx[3 * t + 1], c = idx[3 * t + 2];
            double[] q = new double[3], m = new double[3];
            for (int d = 0; d < 3; d++) {
                q[d] = l0 * p[3 * a + d] + l1 * p[3 * b + d] + l2 * p[3 * c + d];
                m[d] = l0 * n[3 * a + d] + l1 * n[3 * b + d] + l2 * n[3 * c + d];
            }
            double[] qs = toScene.apply(q), ms = Mat3.normalized(toScene.rotate(m));
            for (int d = 0; d < 3; d++) { pts[3 * k + d] = (float) qs[d]; nrm[3 * k + d] = (float) ms[d]; }
            texel[k++] = i;
        }
        float[] colour = PhotoColours.sample(pts, nrm, sources, tolerance, new float[] {Float.NaN, Float.NaN, Float.NaN});
        float[] rgb = new float[3 * size * size];
        boolean[] filled = new boolean[size * size];
        double[] mean = new double[3];
        int known = 0;
        for (int j = 0; j < covered; j++) {
            if (Float.isNaN(colour[3 * j])) continue;
            int i = texel[j];
            for (int d = 0; d < 3; d++) { rgb[3 * i + d] = colour[3 * j + d]; mean[d] += colour[3 * j + d]; }
            filled[i] = true;
            known++;
        }
        for (int d = 0; d < 3; d++) mean[d] = known == 0 ? 0.5 : mean[d] / known;
        grow(rgb, filled, size, 2 * UvAtlas.GUTTER + 8);
        BufferedImage img = new BufferedImage(size, size, BufferedImage.TYPE_INT_RGB);
        for (int i = 0; i < size * size; i++) {
            int r = to8(filled[i] ? rgb[3 * i] : mean[0]), g = to8(filled[i] ? rgb[3 * i + 1] : mean[1]), b = to8(filled[i] ? rgb[3 * i + 2] : mean[2]);
            img.setRGB(i % size, i / size, r << 16 | g << 8 | b);
        }
        return new TexturedMesh(atlas.positions(), atlas.normals(), atlas.uvs(), atlas.indices(), jpeg(img), "image/jpeg", size);
    }

    /** Fills empty texels from their filled 8-neighbours, ring by ring. */
    static void grow(float[] rgb, boolean[] filled, int size, int rings) {
        for (int r = 0; r < rings; r++) {
            boolean[] next = filled.clone();
            for (int y = 0; y < size; y++) {
                for (int x = 0; x < size; x++) {
                    int i = y * size + x;
                    if (filled[i]) continue;
                    double s0 = 0, s1 = 0, s2 = 0;
                    int c = 0;
                    for (int dy = -1; dy <= 1; dy++) {
                        for (int dx = -1; dx <= 1; dx++) {
                            int xx = x + dx, yy = y + dy;
                            if (xx < 0 || yy < 0 || xx >= size || yy >= size || !filled[yy * size + xx]) continue;
                            int j = yy * size + xx;
                            s0 += rgb[3 * j]; s1 += rgb[3 * j + 1]; s2 += rgb[3 * j + 2];
                            c++;
                        }
                    }
                    if (c == 0) continue;
                    rgb[3 * i] = (float) (s0 / c); rgb[3 * i + 1] = (float) (s1 / c); rgb[3 * i + 2] = (float) (s2 / c);
                    next[i] = true;
                }
            }
            System.arraycopy(next, 0, filled, 0, filled.length);
        }
    }

    private static int to8(double v) { return (int) Math.round(Math.clamp(v, 0, 1) * 255); }

    static byte[] jpeg(BufferedImage img) {
        ImageWriter writer = ImageIO.getImageWritersByFormatName("jpeg").next();
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (MemoryCacheImageOutputStream out = new MemoryCacheImageOutputStream(bytes)) {
            writer.setOutput(out);
            ImageWriteParam param = writer.getDefaultWriteParam();
            param.setCompressionMode(ImageWriteParam.MODE_EXPLICIT);
            param.setCompressionQuality(JPEG_QUALITY);
            writer.write(null, new IIOImage(img, null, null), param);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } finally {
            writer.dispose();
        }
        return bytes.toByteArray();
    }
}
