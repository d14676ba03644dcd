package dev.forge3d.worker.cli;

import dev.forge3d.runtime.splat.raster.cuda.CudaProbe;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

import java.io.PrintWriter;
import java.io.StringWriter;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/** {@code --backend} on the rasterizing commands and the worker: a clear one-line error when the choice cannot be honoured. */
class BackendOptionTest {

    record Run(int code, String err) { }

    static Run run(String... args) {
        CommandLine cl = Forge3dCli.commandLine();
        StringWriter err = new StringWriter();
        cl.setErr(new PrintWriter(err));
        return new Run(cl.execute(args), err.toString());
    }

    @Test
    void cudaWithoutAUsableDeviceIsOneLineWithTheReason() {
        assumeTrue(!CudaProbe.status().usable(), "this machine has a usable CUDA device");
        Run r = run("bench-raster", "--backend", "cuda", "--gaussians", "100", "--sizes", "32", "--iterations", "1");
        assertThat(r.code()).isEqualTo(1);
        assertThat(r.err().strip()).hasLineCount(1)
                .startsWith("forge3d bench-raster: --backend cuda: CUDA unavailable: " + CudaProbe.status().reason());
    }

    @Test
    void aWorkerAskedForCudaWithoutAUsableDeviceStopsBeforeContactingTheApi() {
        assumeTrue(!CudaProbe.status().usable(), "this machine has a usable CUDA device");
        Run r = run("worker", "--api", "http://127.0.0.1:9", "--token", "t", "--backend", "cuda");
        assertThat(r.code()).isEqualTo(1);
        assertThat(r.err().strip()).hasLineCount(1).startsWith("forge3d worker: --backend cuda: CUDA unavailable: ");
        assertThat(dev.forge3d.worker.HostProbe.capabilities(dev.forge3d.runtime.splat.raster.RasterBackend.AUTO).backend()).isEqualTo("cpu");
        assertThat(dev.forge3d.worker.HostProbe.capabilities(dev.forge3d.runtime.splat.raster.RasterBackend.CPU).backend()).isEqualTo("cpu");
    }

    @Test
    void anUnknownBackendIsOneLine() {
        Run r = run("bench-raster", "--backend", "opencl", "--gaussians", "100", "--sizes", "32", "--iterations", "1");
        assertThat(r.code()).isEqualTo(1);
        assertThat(r.err().strip()).isEqualTo("forge3d bench-raster: unknown backend 'opencl': use cpu, cuda or auto");
    }

    @Test
    void theBackendOptionIsOnTrainRenderAndBenchRaster() {
        CommandLine cl = Forge3dCli.commandLine();
        for (String cmd : new String[] {"train", "render", "bench-raster", "worker"})
            assertThat(cl.getSubcommands().get(cmd).getCommandSpec().findOption("--backend")).as(cmd).isNotNull();
    }
}
