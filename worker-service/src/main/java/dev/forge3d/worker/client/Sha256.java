package dev.forge3d.worker.client;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.security.DigestOutputStream;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;

/** SHA-256 of files and streams, as lowercase hex (the form the API uses). */
public final class Sha256 {

    private Sha256() { }

    public static MessageDigest newDigest() {
        try {
            return MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every JDK has SHA-256", e);
        }
    }

    public static String of(Path file) throws IOException {
        MessageDigest md = newDigest();
        try (InputStream in = Files.newInputStream(file);
             OutputStream out = new DigestOutputStream(OutputStream.nullOutputStream(), md)) {
            in.transferTo(out);
        }
        return HexFormat.of().formatHex(md.digest());
    }

    public static String of(byte[] bytes) {
        return HexFormat.of().formatHex(newDigest().digest(bytes));
    }

    /** Size and digest of a file written by {@link #copyToFile}. */
    public record Written(long size, String sha256) { }

    /**
     * Streams {@code in} into {@code target} through a temporary file in the same folder, hashing on the way,
     * and moves it into place only when the copy finished (a reader never sees half a file).
     */
    public static Written copyToFile(InputStream in, Path target) throws IOException {
        Path dir = target.toAbsolutePath().getParent();
        Files.createDirectories(dir);
        Path tmp = Files.createTempFile(dir, ".part-", ".tmp");
        MessageDigest md = newDigest();
        long n;
        try {
            try (OutputStream out = new DigestOutputStream(Files.newOutputStream(tmp), md)) {
                n = in.transferTo(out);
            }
            Files.move(tmp, target, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        } finally {
            Files.deleteIfExists(tmp);
        }
        return new Written(n, HexFormat.of().formatHex(md.digest()));
    }
}
