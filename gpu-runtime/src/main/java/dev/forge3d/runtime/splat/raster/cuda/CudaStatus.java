package dev.forge3d.runtime.splat.raster.cuda;

import java.util.Locale;

/**
 * Whether the CUDA backend can run on this machine, and the facts behind the answer.
 *
 * @param usable        true when device 0 can run the bundled kernels
 * @param reason        why not (empty when usable)
 * @param deviceName    e.g. "NVIDIA H100 80GB HBM3" (empty when no device)
 * @param totalMemory   device memory in bytes
 * @param driverVersion CUDA version the driver supports, encoded 1000 major + 10 minor (e.g. 13000), 0 if unknown
 * @param ccMajor       compute capability
 * @param ccMinor       compute capability
 * @param deviceCount   CUDA devices visible
 * @param kernels       the binary chosen for the device (empty when none)
 */
public record CudaStatus(boolean usable, String reason, String deviceName, long totalMemory, int driverVersion,
                         int ccMajor, int ccMinor, int deviceCount, String kernels) {

    /** A status for a machine where CUDA cannot be used, with the reason. */
    public static CudaStatus unavailable(String reason) {
        return new CudaStatus(false, reason, "", 0, 0, 0, 0, 0, "");
    }

    static CudaStatus unavailable(String reason, int driverVersion, int deviceCount) {
        return new CudaStatus(false, reason, "", 0, driverVersion, 0, 0, deviceCount, "");
    }

    /** The driver's CUDA version as "13.0". */
    public String driverVersionText() {
        return driverVersion == 0 ? "unknown" : (driverVersion / 1000) + "." + (driverVersion % 1000) / 10;
    }

    /** One line for {@code forge3d doctor} and logs. */
    public String describe() {
        if (!usable) {
            if (deviceName.isEmpty()) return "unavailable: " + reason;
            return String.format(Locale.ROOT, "unavailable: %s (%s, compute %d.%d, driver CUDA %s)", reason, deviceName, ccMajor, ccMinor, driverVersionText());
        }
        return String.format(Locale.ROOT, "%s, %.1f GiB, compute %d.%d, driver CUDA %s, %d device(s), kernels: %s",
                deviceName, totalMemory / (double) (1L << 30), ccMajor, ccMinor, driverVersionText(), deviceCount, kernels);
    }
}
