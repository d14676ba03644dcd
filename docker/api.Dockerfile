# syntax=docker/dockerfile:1
# forge3d-api: the REST API alone, for PostgreSQL and S3 you run (no worker, no ML library, no embedded database:
# api-service's jar, checked by ApiJarContentsIT). Build from the repository root:
#   docker build -f docker/api.Dockerfile -t forge3d-api:0.1.0 .

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
RUN FORGE3D_VIEWER_REQUIRED=1 mvn -B -q -pl api-service -am -DskipTests package \
 && java -Djarmode=tools -jar api-service/target/forge3d-api-exec.jar extract --layers --launcher --destination /layers

FROM eclipse-temurin:25-jre-noble
RUN apt-get update && apt-get install -y --no-install-recommends curl \
 && rm -rf /var/lib/apt/lists/* \
 && groupadd --system --gid 10001 forge3d \
 && useradd --system --uid 10001 --gid forge3d --home-dir /var/lib/forge3d --create-home forge3d
WORKDIR /app
# Spring Boot's layers, least to most often changed, so an application change ships as a small layer.
COPY --from=build /layers/dependencies/ ./
COPY --from=build /layers/spring-boot-loader/ ./
COPY --from=build /layers/snapshot-dependencies/ ./
COPY --from=build /layers/application/ ./
COPY docker/forge3d /usr/local/bin/forge3d
ENV FORGE3D_DATA_DIR=/var/lib/forge3d
USER 10001:10001
EXPOSE 8080
HEALTHCHECK --interval=10s --timeout=3s --start-period=90s --retries=3 \
  CMD curl -fsS http://127.0.0.1:8080/actuator/health/readiness >/dev/null || exit 1
ENTRYPOINT ["/usr/local/bin/forge3d"]
CMD ["serve", "--host", "0.0.0.0", "--port", "8080", "--no-worker"]
