package dev.forge3d.runtime.splat.train;

import dev.forge3d.runtime.splat.GaussianModel;
import dev.forge3d.runtime.splat.GaussianTable;
import dev.forge3d.runtime.splat.ParamGroup;

import java.io.BufferedInputStream;
import java.io.BufferedOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;

/**
 * Saves and restores a {@link TrainingState} (binary, big endian, versioned). Written to a temporary file and
 * moved into place, so a crash never leaves a half-written checkpoint.
 */
public final class CheckpointIo {

    private static final int MAGIC = 0x46334443; // "F3DC"
    private static final int VERSION = 1;

    private CheckpointIo() { }

    public static void write(TrainingState s, Path file) {
        Path tmp = file.resolveSibling(file.getFileName() + ".tmp");
        try {
            Path parent = file.toAbsolutePath().getParent();
            if (parent != null) Files.createDirectories(parent);
            try (DataOutputStream out = new DataOutputStream(new BufferedOutputStream(Files.newOutputStream(tmp), 1 << 20))) {
                out.writeInt(MAGIC);
                out.writeInt(VERSION);
                out.writeInt(s.iteration);
                out.writeLong(s.trainingNanos);
                out.writeLong(s.rng.state());
                out.writeDouble(s.psnrEstimate);
                out.writeDouble(s.lossEstimate);
                int views = s.viewStack == null ? 0 : s.viewStack.length;
                out.writeInt(views);
                for (int i = 0; i < views; i++) out.writeInt(s.viewStack[i]);
                out.writeInt(s.viewsLeft);
                out.writeInt(s.model.shDegree());
                out.writeInt(s.model.size());
                writeTable(out, s.model);
                out.writeLong(s.adam.step());
                writeTable(out, s.adam.firstMoments());
                writeTable(out, s.adam.secondMoments());
                for (int i = 0; i < s.model.size(); i++) out.writeFloat(s.stats.gradAccum()[i]);
                for (int i = 0; i < s.model.size(); i++) out.writeInt(s.stats.denom()[i]);
            }
            Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write checkpoint " + file + ": " + e.getMessage(), e);
        }
    }

    public static TrainingState read(Path file, double adamEps) {
        try (DataInputStream in = new DataInputStream(new BufferedInputStream(Files.newInputStream(file), 1 << 20))) {
            if (in.readInt() != MAGIC) throw new IllegalArgumentException(file + " is not a forge3d training checkpoint");
            int version = in.readInt();
            if (version != VERSION) throw new IllegalArgumentException(file + ": unsupported checkpoint version " + version);
            int iteration = in.readInt();
            long nanos = in.readLong();
            long rng = in.readLong();
            TrainingState s = new TrainingState(0);
            s.rng.setState(rng);
            s.iteration = iteration;
            s.trainingNanos = nanos;
            s.psnrEstimate = in.readDouble();
            s.lossEstimate = in.readDouble();
            int views = in.readInt();
            s.viewStack = views == 0 ? null : new int[views];
            for (int i = 0; i < views; i++) s.viewStack[i] = in.readInt();
            s.viewsLeft = in.readInt();
            int deg = in.readInt();
            int n = in.readInt();
            s.model = new GaussianModel(n);
            s.model.setShDegree(deg);
            readTable(in, s.model);
            s.adam = new Adam(n, adamEps);
            s.adam.setStep(in.readLong());
            readTable(in, s.adam.firstMoments());
            readTable(in, s.adam.secondMoments());
            float[] acc = new float[n];
            int[] den = new int[n];
            for (int i = 0; i < n; i++) acc[i] = in.readFloat();
            for (int i = 0; i < n; i++) den[i] = in.readInt();
            s.stats.restore(acc, den);
            return s;
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read checkpoint " + file + ": " + e.getMessage(), e);
        }
    }

    private static void writeTable(DataOutputStream out, GaussianTable t) throws IOException {
        for (ParamGroup g : ParamGroup.ALL) {
            float[] a = t.get(g);
            for (int i = 0; i < t.size() * g.dim; i++) out.writeFloat(a[i]);
        }
    }

    private static void readTable(DataInputStream in, GaussianTable t) throws IOException {
        for (ParamGroup g : ParamGroup.ALL) {
            float[] a = t.get(g);
            for (int i = 0; i < t.size() * g.dim; i++) a[i] = in.readFloat();
        }
    }
}
