package dev.forge3d.runtime.mesh;

/**
 * A triangle mesh with a base-colour texture: per vertex a position, a unit normal and texture coordinates (glTF's
 * convention: u right, v down, 0..1 over the image), three indices per triangle counter-clockwise seen from outside,
 * and the texture as an encoded image (JPEG or PNG, sRGB display values as glTF expects).
 */
public record TexturedMesh(float[] positions, float[] normals, float[] uvs, int[] indices, byte[] image, String imageMimeType,
                           int textureSize) {

    public TexturedMesh {
        if (positions.length % 3 != 0 || indices.length % 3 != 0) throw new IllegalArgumentException("arrays must hold triples");
        if (normals.length != positions.length || uvs.length / 2 != positions.length / 3) {
            throw new IllegalArgumentException("one normal and one uv per vertex");
        }
    }

    public int vertexCount() { return positions.length / 3; }

    public int triangleCount() { return indices.length / 3; }
}
