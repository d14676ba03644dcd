# syntax=docker/dockerfile:1
# forge3d-worker: a CPU worker (photos-to-splat and text-to-3d on the CPU). It talks to the API over HTTP only.
#   docker build -f docker/worker.Dockerfile -t forge3d-worker:0.1.0 .
#   docker run -e FORGE3D_WORKER_TOKEN=... forge3d-worker:0.1.0 worker --api http://api:8080

FROM maven:3.9.11-eclipse-temurin-25 AS build
WORKDIR /src
COPY pom.xml ./
COPY job-options/pom.xml job-options/
COPY gpu-runtime/pom.xml gpu-runtime/
COPY api-client/pom.xml api-client/
COPY worker-service/pom.xml worker-service/
COPY api-service/pom.xml api-service/
COPY launcher/pom.xml launcher/
COPY deploy/pom.xml deploy/
RUN mvn -B -q -pl worker-service -am dependency:go-offline -DexcludeGroupIds=dev.forge3d || true
COPY . .
RUN mvn -B -q -pl worker-service -am -DskipTests package \
 && mkdir -p /layers/all /layers/snapshot/BOOT-INF/lib && cd /layers/all \
 && jar xf /src/worker-service/target/forge3d-worker-exec.jar \
 && mv BOOT-INF/lib/*-SNAPSHOT.jar /layers/snapshot/BOOT-INF/lib/

FROM eclipse-temurin:25-jre-noble
RUN apt-get update && apt-get install -y --no-install-recommends curl ffmpeg \
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
ENV FORGE3D_BACKEND=cpu \
    FORGE3D_API_URL=http://api:8080
USER 10001:10001
# A worker has no HTTP server: healthy means it can reach the API it leases from (FORGE3D_API_URL).
HEALTHCHECK --interval=30s --timeout=5s --start-period=30s --retries=3 \
  CMD curl -fsS "$FORGE3D_API_URL/actuator/health/liveness" >/dev/null || exit 1
ENTRYPOINT ["/usr/local/bin/forge3d"]
CMD ["worker", "--api", "http://api:8080", "--work-dir", "/var/lib/forge3d/worker"]
