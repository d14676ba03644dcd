# syntax=docker/dockerfile:1
# forge3d-api: the REST API alone, for PostgreSQL and S3 you run (no worker, no ML library, no embedded database:
# api-service's jar, checked by ApiJarContentsIT), on a jlink'd Java runtime, with a JVM AOT cache made in a
# training run at build time. Build from the repository root:
#   docker build -f docker/api.Dockerfile -t forge3d-api:0.1.0 .
#   docker build -f docker/api.Dockerfile --build-arg FORGE3D_AOT_CACHE=0 ...   (no cache: ~150 MB smaller, slower start)

# Node for the browser viewer that the API serves (web/viewer, built by api-service's Maven build).
FROM node:22.20.0-bookworm-slim AS node

FROM maven:3.9.11-eclipse-temurin-25 AS build
COPY --from=node /usr/local/bin/node /usr/local/bin/node
COPY --from=node /usr/local/lib/node_modules /usr/local/lib/node_modules
RUN ln -s ../lib/node_modules/npm/bin/npm-cli.js /usr/local/bin/npm
WORKDIR /src
# The poms first, so that a source edit does not download the dependencies again.
COPY pom.xml ./
COPY job-options/pom.xml job-options/
COPY gpu-runtime/pom.xml gpu-runtime/
COPY api-client/pom.xml api-client/
COPY worker-service/pom.xml worker-service/
COPY api-service/pom.xml api-service/
COPY launcher/pom.xml launcher/
COPY deploy/pom.xml deploy/
RUN mvn -B -q -pl api-service -am dependency:go-offline -DexcludeGroupIds=dev.forge3d || true
COPY . .
# The jar extracted in Spring Boot's layers, each holding jars (lib/*.jar and the application's jar, whose manifest
# lists them): the JVM's AOT cache maps classes only from jars on the class path, not from exploded directories.
# Then a runtime of only the modules those jars use (jdeps), linked by this stage's JDK.
RUN FORGE3D_VIEWER_REQUIRED=1 mvn -B -q -pl api-service -am -DskipTests package \
 && java -Djarmode=tools -jar api-service/target/forge3d-api-exec.jar extract --layers --destination /layers \
 && sh docker/jlink-runtime.sh /layers /runtime

# What the final image and the AOT cache's training run share: the same runtime, the same jars at the same paths
# (the cache is valid only for them).
FROM ubuntu:24.04 AS runtime
RUN apt-get update && apt-get install -y --no-install-recommends curl ca-certificates \
 && rm -rf /var/lib/apt/lists/* \
 && groupadd --system --gid 10001 forge3d \
 && useradd --system --uid 10001 --gid forge3d --home-dir /var/lib/forge3d --create-home forge3d
COPY --from=build /runtime /opt/java
ENV JAVA_HOME=/opt/java \
    PATH=/opt/java/bin:$PATH
WORKDIR /app
# Spring Boot's layers, least to most often changed, so an application change ships as a small layer.
COPY --from=build /layers/dependencies/ ./
COPY --from=build /layers/spring-boot-loader/ ./
COPY --from=build /layers/snapshot-dependencies/ ./
COPY --from=build /layers/application/ ./
COPY docker/forge3d /usr/local/bin/forge3d

# The training run (JEP 483/514/515): a throw-away PostgreSQL, the API started by the image's own entry point with
# -XX:AOTCacheOutput, the calls clients and workers make most, stop; the JVM writes the cache as it exits.
FROM runtime AS aot
ARG FORGE3D_AOT_CACHE=1
RUN apt-get update && DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends postgresql \
 && rm -rf /var/lib/apt/lists/*
COPY docker/api-aot-training.sh /usr/local/bin/api-aot-training
RUN mkdir /aot && if [ "$FORGE3D_AOT_CACHE" = 1 ]; then sh /usr/local/bin/api-aot-training /aot/api.aot; fi

FROM runtime
# The cache (absent with FORGE3D_AOT_CACHE=0); the entry point uses it when present.
COPY --from=aot /aot/ /app/
ENV FORGE3D_DATA_DIR=/var/lib/forge3d
USER 10001:10001
EXPOSE 8080
HEALTHCHECK --interval=10s --timeout=3s --start-period=90s --retries=3 \
  CMD curl -fsS http://127.0.0.1:8080/actuator/health/readiness >/dev/null || exit 1
ENTRYPOINT ["/usr/local/bin/forge3d"]
CMD ["serve", "--host", "0.0.0.0", "--port", "8080", "--no-worker"]
