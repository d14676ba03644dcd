# syntax=docker/dockerfile:1
# forge3d-worker-cuda: the worker on an NVIDIA GPU: the CUDA runtime libraries (JCuda's kernels need the driver,
# mounted by the NVIDIA Container Toolkit or device plugin) with the same worker build; the worker uses the GPU when
# a device is present (FORGE3D_BACKEND=auto|cuda) and the CPU otherwise.
#   docker build -f docker/worker-cuda.Dockerfile -t forge3d-worker-cuda:0.1.0 .
# MAVEN_ARGS selects extra build profiles (e.g. DJL's CUDA PyTorch natives, when the build offers a profile for them).
ARG MAVEN_ARGS=""

FROM maven:3.9.11-eclipse-temurin-25 AS build
ARG MAVEN_ARGS
WORKDIR /src
COPY pom.xml ./
COPY job-options/pom.xml job-options/
COPY gpu-runtime/pom.xml gpu-runtime/
COPY api-client/pom.xml api-client/
COPY worker-service/pom.xml worker-service/
COPY api-service/pom.xml api-service/
COPY launcher/pom.xml launcher/
COPY deploy/pom.xml deploy/
RUN mvn -B -q -pl worker-service -am dependency:go-offline -DexcludeGroupIds=dev.forge3d ${MAVEN_ARGS} || true
COPY . .
RUN mvn -B -q -pl worker-service -am -DskipTests ${MAVEN_ARGS} package \
 && mkdir -p /layers/all /layers/snapshot/BOOT-INF/lib && cd /layers/all \
 && jar xf /src/worker-service/target/forge3d-worker-exec.jar \
 && mv BOOT-INF/lib/*-SNAPSHOT.jar /layers/snapshot/BOOT-INF/lib/

# The JRE, copied into the CUDA image below.
FROM eclipse-temurin:25-jre-noble AS jre

FROM nvidia/cuda:12.6.3-runtime-ubuntu24.04
ENV JAVA_HOME=/opt/java/openjdk \
    PATH=/opt/java/openjdk/bin:/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin
COPY --from=jre /opt/java/openjdk /opt/java/openjdk
RUN apt-get update && apt-get install -y --no-install-recommends curl ca-certificates fontconfig ffmpeg \
    libheif-examples libheif-plugin-libde265 \
 && rm -rf /var/lib/apt/lists/* \
 && groupadd --system --gid 10001 forge3d \
 && useradd --system --uid 10001 --gid forge3d --home-dir /var/lib/forge3d --create-home forge3d
WORKDIR /app
# The exploded jar in layers, least to most often changed: released libraries (PyTorch, ONNX Runtime, ...: the
# big one), the loader, forge3d's own snapshot modules, the worker's classes. (The worker jar has no Spring, so
# Spring Boot's jarmode tools cannot split it; the same split by hand.)
COPY --from=build /layers/all/BOOT-INF/lib/ ./BOOT-INF/lib/
COPY --from=build /layers/all/org/ ./org/
COPY --from=build /layers/all/META-INF/ ./META-INF/
COPY --from=build /layers/snapshot/ ./
COPY --from=build /layers/all/BOOT-INF/classes/ ./BOOT-INF/classes/
COPY --from=build /layers/all/BOOT-INF/classpath.idx /layers/all/BOOT-INF/layers.idx ./BOOT-INF/
COPY docker/forge3d /usr/local/bin/forge3d
ENV FORGE3D_BACKEND=auto \
    FORGE3D_API_URL=http://api:8080 \
    NVIDIA_DRIVER_CAPABILITIES=compute,utility
USER 10001:10001
HEALTHCHECK --interval=30s --timeout=5s --start-period=30s --retries=3 \
  CMD curl -fsS "$FORGE3D_API_URL/actuator/health/liveness" >/dev/null || exit 1
ENTRYPOINT ["/usr/local/bin/forge3d"]
CMD ["worker", "--api", "http://api:8080", "--work-dir", "/var/lib/forge3d/worker"]
