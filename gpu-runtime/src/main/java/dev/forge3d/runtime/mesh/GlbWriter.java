package dev.forge3d.runtime.mesh;

import tools.jackson.databind.ObjectMapper;
import tools.jackson.databind.node.ArrayNode;
import tools.jackson.databind.node.ObjectNode;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Writes a {@link TriangleMesh} as binary glTF 2.0 (.glb): one mesh, one primitive with POSITION, NORMAL and
 * COLOR_0 (vertex colours, linear RGB as glTF requires) and 32-bit indices, a matte material, and one node.
 */
public final class GlbWriter {

    private static final int GLB_MAGIC = 0x46546C67; // "glTF"
    private static final int CHUNK_JSON = 0x4E4F534A;
    private static final int CHUNK_BIN = 0x004E4942;
    private static final int ARRAY_BUFFER = 34962, ELEMENT_ARRAY_BUFFER = 34963;
    private static final int FLOAT = 5126, UNSIGNED_INT = 5125;

    private GlbWriter() { }

    public static void write(TriangleMesh mesh, Path file) throws IOException {
        Files.write(file, toBytes(mesh));
    }

    public static byte[] toBytes(TriangleMesh mesh) {
        if (mesh.triangleCount() == 0) throw new IllegalArgumentException("mesh has no triangles");
        int nv = mesh.vertexCount();
        float[] normals = mesh.vertexNormals();
        boolean hasColour = mesh.colors() != null;
        int posBytes = nv * 12, colBytes = hasColour ? nv * 12 : 0, idxBytes = mesh.indices().length * 4;
        ByteBuffer bin = ByteBuffer.allocate(posBytes * 2 + colBytes + idxBytes).order(ByteOrder.LITTLE_ENDIAN);
        for (float v : mesh.positions()) bin.putFloat(v);
        for (float v : normals) bin.putFloat(v);
        if (hasColour) for (float v : mesh.colors()) bin.putFloat(Math.max(0f, Math.min(1f, v)));
        for (int i : mesh.indices()) bin.putInt(i);

        ObjectMapper json = new ObjectMapper();
        ObjectNode root = json.createObjectNode();
        ObjectNode material = sceneWithMatteMaterial(root, "vertex-colour");

        ObjectNode attributes = json.createObjectNode();
        ArrayNode views = root.putArray("bufferViews");
        ArrayNode accessors = root.putArray("accessors");
        int offset = 0;
        attributes.put("POSITION", addAccessor(views, accessors, offset, posBytes, ARRAY_BUFFER, FLOAT, nv, "VEC3", mesh.positions()));
        offset += posBytes;
        attributes.put("NORMAL", addAccessor(views, accessors, offset, posBytes, ARRAY_BUFFER, FLOAT, nv, "VEC3", null));
        offset += posBytes;
        if (hasColour) {
            attributes.put("COLOR_0", addAccessor(views, accessors, offset, colBytes, ARRAY_BUFFER, FLOAT, nv, "VEC3", null));
            offset += colBytes;
        }
        int indexAccessor = addAccessor(views, accessors, offset, idxBytes, ELEMENT_ARRAY_BUFFER, UNSIGNED_INT, mesh.indices().length, "SCALAR", null);
        ObjectNode primitive = root.putArray("meshes").addObject().put("name", "forge3d-mesh").putArray("primitives").addObject();
        primitive.set("attributes", attributes);
        primitive.put("indices", indexAccessor).put("material", 0).put("mode", 4);
        root.putArray("buffers").addObject().put("byteLength", bin.capacity());

        return container(json.writeValueAsString(root), bin.array());
    }

    public static void write(TexturedMesh mesh, Path file) throws IOException {
        Files.write(file, toBytes(mesh));
    }

    /**
     * A textured mesh as .glb: POSITION, NORMAL and TEXCOORD_0, 32-bit indices, the image in the binary chunk, and a
     * matte material whose base colour is the texture.
     */
    public static byte[] toBytes(TexturedMesh mesh) {
        if (mesh.triangleCount() == 0) throw new IllegalArgumentException("mesh has no triangles");
        int nv = mesh.vertexCount();
        int posBytes = nv * 12, uvBytes = nv * 8, idxBytes = mesh.indices().length * 4;
        int imageOffset = posBytes * 2 + uvBytes + idxBytes;
        int imageBytes = mesh.image().length;
        ByteBuffer bin = ByteBuffer.allocate(imageOffset + ((imageBytes + 3) & ~3)).order(ByteOrder.LITTLE_ENDIAN);
        for (float v : mesh.positions()) bin.putFloat(v);
        for (float v : mesh.normals()) bin.putFloat(v);
        for (float v : mesh.uvs()) bin.putFloat(v);
        for (int i : mesh.indices()) bin.putInt(i);
        bin.put(mesh.image());

        ObjectMapper json = new ObjectMapper();
        ObjectNode root = json.createObjectNode();
        ObjectNode material = sceneWithMatteMaterial(root, "baked-texture");
        ((ObjectNode) material.get("pbrMetallicRoughness")).putObject("baseColorTexture").put("index", 0);
        root.putArray("samplers").addObject().put("magFilter", 9729).put("minFilter", 9987).put("wrapS", 33071).put("wrapT", 33071);
        root.putArray("textures").addObject().put("sampler", 0).put("source", 0);

        ArrayNode views = root.putArray("bufferViews");
        ArrayNode accessors = root.putArray("accessors");
        ObjectNode attributes = json.createObjectNode();
        int offset = 0;
        attributes.put("POSITION", addAccessor(views, accessors, offset, posBytes, ARRAY_BUFFER, FLOAT, nv, "VEC3", mesh.positions()));
        offset += posBytes;
        attributes.put("NORMAL", addAccessor(views, accessors, offset, posBytes, ARRAY_BUFFER, FLOAT, nv, "VEC3", null));
        offset += posBytes;
        attributes.put("TEXCOORD_0", addAccessor(views, accessors, offset, uvBytes, ARRAY_BUFFER, FLOAT, nv, "VEC2", null));
        offset += uvBytes;
        int indexAccessor = addAccessor(views, accessors, offset, idxBytes, ELEMENT_ARRAY_BUFFER, UNSIGNED_INT, mesh.indices().length, "SCALAR", null);
        views.addObject().put("buffer", 0).put("byteOffset", imageOffset).put("byteLength", imageBytes);
        root.putArray("images").addObject().put("bufferView", views.size() - 1).put("mimeType", mesh.imageMimeType());
        ObjectNode primitive = root.putArray("meshes").addObject().put("name", "forge3d-mesh").putArray("primitives").addObject();
        primitive.set("attributes", attributes);
        primitive.put("indices", indexAccessor).put("material", 0).put("mode", 4);
        root.putArray("buffers").addObject().put("byteLength", bin.capacity());
        return container(json.writeValueAsString(root), bin.array());
    }

    /** The asset header, one scene with one node of mesh 0, and material 0 (matte, one-sided), which it returns. */
    private static ObjectNode sceneWithMatteMaterial(ObjectNode root, String materialName) {
        root.putObject("asset").put("version", "2.0").put("generator", "forge3d");
        root.put("scene", 0);
        root.putArray("scenes").addObject().putArray("nodes").add(0);
        root.putArray("nodes").addObject().put("mesh", 0).put("name", "forge3d-mesh");
        ObjectNode material = root.putArray("materials").addObject();
        material.put("name", materialName);
        material.putObject("pbrMetallicRoughness").put("metallicFactor", 0.0).put("roughnessFactor", 1.0);
        material.put("doubleSided", false);
        return material;
    }

    private static byte[] container(String jsonText, byte[] binary) {
        byte[] jsonBytes = padded(jsonText.getBytes(StandardCharsets.UTF_8), (byte) ' ');
        byte[] binBytes = padded(binary, (byte) 0);
        int total = 12 + 8 + jsonBytes.length + 8 + binBytes.length;
        ByteBuffer glb = ByteBuffer.allocate(total).order(ByteOrder.LITTLE_ENDIAN);
        glb.putInt(GLB_MAGIC).putInt(2).putInt(total);
        glb.putInt(jsonBytes.length).putInt(CHUNK_JSON).put(jsonBytes);
        glb.putInt(binBytes.length).putInt(CHUNK_BIN).put(binBytes);
        return glb.array();
    }

    /** Adds a buffer view and its accessor; POSITION gets the min/max bounds glTF requires. */
    private static int addAccessor(ArrayNode views, ArrayNode accessors, int offset, int length, int target,
                                   int componentType, int count, String type, float[] boundsOf) {
        ObjectNode view = views.addObject().put("buffer", 0).put("byteOffset", offset).put("byteLength", length).put("target", target);
        if (target == ARRAY_BUFFER) view.put("byteStride", "VEC2".equals(type) ? 8 : 12);
        ObjectNode acc = accessors.addObject().put("bufferView", views.size() - 1).put("componentType", componentType)
                .put("count", count).put("type", type);
        if (boundsOf != null) {
            float[] min = {Float.MAX_VALUE, Float.MAX_VALUE, Float.MAX_VALUE};
            float[] max = {-Float.MAX_VALUE, -Float.MAX_VALUE, -Float.MAX_VALUE};
            for (int i = 0; i < boundsOf.length; i++) {
                min[i % 3] = Math.min(min[i % 3], boundsOf[i]);
                max[i % 3] = Math.max(max[i % 3], boundsOf[i]);
            }
            ArrayNode mn = acc.putArray("min"), mx = acc.putArray("max");
            for (int c = 0; c < 3; c++) { mn.add(min[c]); mx.add(max[c]); }
        }
        return accessors.size() - 1;
    }

    private static byte[] padded(byte[] data, byte pad) {
        int len = (data.length + 3) & ~3;
        if (len == data.length) return data;
        byte[] out = java.util.Arrays.copyOf(data, len);
        java.util.Arrays.fill(out, data.length, len, pad);
        return out;
    }
}
