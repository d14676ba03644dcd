# One image for the API and the workers: `forge3d serve ...` or `forge3d worker --api URL --token T`.
# Build from the repository root: docker build -t forge3d:local .
FROM maven:3.9-eclipse-temurin-25 AS build
WORKDIR /src
COPY pom.xml ./
COPY gpu-runtime/pom.xml gpu-runtime/
COPY api-client/pom.xml api-client/
COPY worker-service/pom.xml worker-service/
COPY api-service/pom.xml api-service/
# Dependencies first, so source edits do not re-download them.
RUN mvn -q -B dependency:go-offline -DexcludeGroupIds=dev.forge3d || true
COPY . .
RUN mvn -q -B -DskipTests package

FROM eclipse-temurin:25-jre
RUN useradd --system --uid 10001 --home-dir /var/lib/forge3d --create-home forge3d
WORKDIR /app
COPY --from=build /src/api-service/target/forge3d-api-exec.jar /app/forge3d-api.jar
COPY --from=build /src/worker-service/target/forge3d-worker-exec.jar /app/forge3d-worker.jar
COPY docker/forge3d /usr/local/bin/forge3d
ENV FORGE3D_DATA_DIR=/var/lib/forge3d \
    JAVA_TOOL_OPTIONS="--add-modules jdk.incubator.vector --enable-native-access=ALL-UNNAMED"
USER forge3d
EXPOSE 8080
ENTRYPOINT ["/usr/local/bin/forge3d"]
CMD ["serve", "--host", "0.0.0.0"]
