package dev.forge3d.api.bench;

import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * CPU time of this JVM (server and load generator together) and of the local PostgreSQL server (its postmaster,
 * the backends it has reaped and the ones still running). CPU per operation depends much less than throughput on
 * what else runs on the machine, so it shows whether a change made the work cheaper.
 */
final class CpuMeter {
    private final long postmasterPid;

    /** {@code backendPid}: {@code pg_backend_pid()} of any connection; -1 when PostgreSQL is not a local process. */
    CpuMeter(long backendPid) {
        this.postmasterPid = backendPid > 0 ? parentOf(backendPid) : -1;
    }

    record Sample(long jvmNanos, long postgresNanos) {
        Sample minus(Sample o) {
            return new Sample(jvmNanos - o.jvmNanos, postgresNanos < 0 ? -1 : postgresNanos - o.postgresNanos);
        }

        String perOperation(long operations) {
            return String.format("JVM %.3f ms, PostgreSQL %s", jvmNanos / 1e6 / operations,
                    postgresNanos < 0 ? "n/a" : String.format("%.3f ms", postgresNanos / 1e6 / operations));
        }
    }

    Sample sample() {
        long jvm = ((com.sun.management.OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean())
                .getProcessCpuTime();
        return new Sample(jvm, postmasterPid > 0 ? postgresNanos() : -1);
    }

    private long postgresNanos() {
        long ticks = ticks(postmasterPid, true);
        var children = ProcessHandle.of(postmasterPid).map(p -> p.children().toList()).orElse(java.util.List.of());
        for (ProcessHandle c : children) ticks += Math.max(0, ticks(c.pid(), false));
        return ticks * 10_000_000L; // USER_HZ is 100 on Linux
    }

    /** utime + stime (+ cutime + cstime of reaped children) in clock ticks; -1 when unreadable. */
    private static long ticks(long pid, boolean withChildren) {
        try {
            String s = Files.readString(Path.of("/proc", Long.toString(pid), "stat"));
            String[] f = s.substring(s.lastIndexOf(')') + 2).split(" ");
            long t = Long.parseLong(f[11]) + Long.parseLong(f[12]);
            if (withChildren) t += Long.parseLong(f[13]) + Long.parseLong(f[14]);
            return t;
        } catch (IOException | RuntimeException e) {
            return -1;
        }
    }

    private static long parentOf(long pid) {
        try {
            String s = Files.readString(Path.of("/proc", Long.toString(pid), "stat"));
            return Long.parseLong(s.substring(s.lastIndexOf(')') + 2).split(" ")[1]);
        } catch (IOException | RuntimeException e) {
            return -1;
        }
    }

    static String loadAverage() {
        try {
            String[] f = Files.readString(Path.of("/proc/loadavg")).split(" ");
            return f[0] + " " + f[1] + " " + f[2];
        } catch (IOException | RuntimeException e) {
            return "unknown";
        }
    }
}
