package dev.forge3d.runtime.splat.raster;

import dev.forge3d.runtime.splat.raster.cuda.CudaProbe;
import dev.forge3d.runtime.splat.raster.cuda.CudaStatus;
import org.junit.jupiter.api.Test;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

class RasterizerFactoryTest {

    private static final CudaStatus NO_DRIVER = CudaStatus.unavailable("no NVIDIA driver: libcuda.so.1 not found");

    @Test
    void autoFallsBackToCpuWithTheReason() {
        try (var s = RasterizerFactory.open(RasterBackend.AUTO, 2, NO_DRIVER).rasterizer()) {
            assertThat(s.name()).isEqualTo("cpu");
        }
        var s = RasterizerFactory.open(RasterBackend.AUTO, 2, NO_DRIVER);
        s.rasterizer().close();
        assertThat(s.backend()).isEqualTo("cpu");
        assertThat(s.reason()).isEqualTo("cpu (2 threads): CUDA unavailable: no NVIDIA driver: libcuda.so.1 not found");
    }

    @Test
    void cudaOnAMachineWithoutItIsAClearError() {
        assertThatThrownBy(() -> RasterizerFactory.open(RasterBackend.CUDA, 2, NO_DRIVER))
                .isInstanceOf(IllegalStateException.class)
                .hasMessage("--backend cuda: CUDA unavailable: no NVIDIA driver: libcuda.so.1 not found");
    }

    @Test
    void cpuIsCpu() {
        var s = RasterizerFactory.open(RasterBackend.CPU, 3);
        s.rasterizer().close();
        assertThat(s.reason()).isEqualTo("cpu (3 threads): requested");
    }

    @Test
    void backendNamesParse() {
        assertThat(RasterBackend.parse("CUDA")).isEqualTo(RasterBackend.CUDA);
        assertThat(RasterBackend.parse(" cpu ")).isEqualTo(RasterBackend.CPU);
        assertThat(RasterBackend.parse(null)).isEqualTo(RasterBackend.AUTO);
        assertThatThrownBy(() -> RasterBackend.parse("opencl")).hasMessage("unknown backend 'opencl': use cpu, cuda or auto");
    }

    @Test
    void withoutAnNvidiaDriverTheRealProbeSaysWhyAndAutoPicksCpu() {
        boolean driver = List.of("/usr/lib/x86_64-linux-gnu", "/usr/lib64", "/usr/lib", "/usr/local/nvidia/lib64", "/usr/lib/wsl/lib")
                .stream().anyMatch(d -> Files.exists(Path.of(d, "libcuda.so.1")));
        assumeTrue(!driver, "this machine has an NVIDIA driver: the no-driver fallback is not observable here");
        CudaStatus st = CudaProbe.status();
        assertThat(st.usable()).isFalse();
        assertThat(st.reason()).contains("libcuda.so.1");
        assertThat(st.describe()).startsWith("unavailable: no NVIDIA driver");
        var s = RasterizerFactory.open(RasterBackend.AUTO, 2);
        s.rasterizer().close();
        assertThat(s.backend()).isEqualTo("cpu");
        assertThat(s.reason()).contains("CUDA unavailable: no NVIDIA driver");
    }
}
