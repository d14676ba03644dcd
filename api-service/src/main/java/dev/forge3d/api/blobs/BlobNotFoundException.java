package dev.forge3d.api.blobs;

import java.io.IOException;

public class BlobNotFoundException extends IOException {
    public BlobNotFoundException(String key) {
        super("no blob at " + key);
    }
}
