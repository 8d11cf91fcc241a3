# syntax=docker/dockerfile:1
#
# The scim-sync application image: one image, every stage. The command picks what the container runs:
#   docker build -t scim-sync .
#   docker run scim-sync poller | processor | writer      (production: configured through SCIM_SYNC_* / WORKOS_*)
#   docker run -p 8080:8080 scim-sync run                 (zero setup: embedded Kafka, PostgreSQL and WorkOS emulator)
#   docker run -p 8090:8090 scim-sync emulator --host 0.0.0.0 --demo
# Without a command the image prints its help: zero setup is there, but never started by surprise.

# --- build: the Maven Wrapper brings Maven; the local repository is a build cache, not a layer -------------
FROM eclipse-temurin:17-jdk AS build
WORKDIR /src
COPY mvnw pom.xml ./
COPY .mvn/ .mvn/
COPY sync-core/ sync-core/
COPY embedded/ embedded/
COPY testkit/ testkit/
COPY workos-emulator/ workos-emulator/
COPY ingest-poller/ ingest-poller/
COPY stream-processor/ stream-processor/
COPY state-writer/ state-writer/
COPY scim-sync/ scim-sync/
RUN --mount=type=cache,target=/root/.m2 \
    ./mvnw -B -q -DskipTests -pl scim-sync -am package \
    && cp scim-sync/target/scim-sync.jar /scim-sync.jar

# --- run: a JRE, a user without privileges, curl for the health check --------------------------------------
FROM eclipse-temurin:17-jre
RUN apt-get update \
    && apt-get install -y --no-install-recommends curl \
    && rm -rf /var/lib/apt/lists/* \
    && groupadd --system --gid 10001 scimsync \
    && useradd --system --uid 10001 --gid scimsync --home-dir /var/lib/scim-sync --no-create-home \
       --shell /usr/sbin/nologin scimsync \
    && install -d -o scimsync -g scimsync -m 700 /var/lib/scim-sync
COPY --from=build /scim-sync.jar /opt/scim-sync/scim-sync.jar

# Documented settings with container defaults: listen on every interface (the port is published or scraped
# from other containers), data (processor state, generated admin token, zero-setup data) in the volume.
ENV SCIM_SYNC_HTTP_HOST=0.0.0.0 \
    SCIM_SYNC_HTTP_PORT=8080 \
    SCIM_SYNC_DATA_DIR=/var/lib/scim-sync
VOLUME ["/var/lib/scim-sync"]
WORKDIR /var/lib/scim-sync
EXPOSE 8080
USER 10001:10001

# /health/ready: Kafka, and per stage the database, the writer, the processor, the poller (a standby poller is
# ready). The emulator command serves no /health: docker-compose.yml gives it its own check.
HEALTHCHECK --interval=10s --timeout=3s --start-period=60s --retries=3 \
    CMD curl -fsS -o /dev/null "http://127.0.0.1:${SCIM_SYNC_HTTP_PORT}/health/ready" || exit 1

# The JVM sizes its heap from the container's memory limit (container support is on by default in Java 17),
# not from the host's; an OutOfMemoryError ends the process so that the orchestrator restarts it. More JVM
# options: JAVA_TOOL_OPTIONS.
ENTRYPOINT ["java", "-XX:MaxRAMPercentage=75.0", "-XX:+ExitOnOutOfMemoryError", "-jar", "/opt/scim-sync/scim-sync.jar"]
CMD ["--help"]
