package dev.scimsync.runtime;

import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import dev.scimsync.cli.InfrastructureException;
import dev.scimsync.core.log.Redact;
import dev.scimsync.embedded.EmbeddedDatabase;
import dev.scimsync.embedded.EmbeddedKafkaBroker;
import dev.scimsync.emulator.EmulatorOptions;
import dev.scimsync.emulator.WorkosEmulator;

/**
 * The three things scim-sync connects to, each either configured or — zero setup — embedded: a Kafka
 * broker (a real KRaft broker under {@code <data>/kafka}), PostgreSQL (under {@code <data>/postgres}, its
 * password in {@code <data>/postgres-password}) and WorkOS (the emulator with a demo directory, persisted to
 * {@code <data>/emulator.json}). A configured Kafka or database is asked first whether it answers.
 */
public final class Infrastructure implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(Infrastructure.class);
    /** The embedded database stops within pg_ctl's own 5 s; the broker flushes its logs. */
    private static final Duration STOP_BOUND = Duration.ofSeconds(10);

    /** What the process was configured with (null = embed). */
    public record Wanted(String kafkaBootstrap, String dbUrl, String dbUser, String dbPassword, String workosApiKey,
                         URI workosBaseUrl, Path dataDir) {
        @Override
        public String toString() {
            return "Wanted[kafkaBootstrap=" + kafkaBootstrap + ", dbUrl=" + Redact.url(dbUrl) + ", dbUser=" + dbUser
                    + ", dbPassword=" + Redact.secret(dbPassword) + ", workosApiKey=" + Redact.secret(workosApiKey)
                    + ", workosBaseUrl=" + workosBaseUrl + ", dataDir=" + dataDir + "]";
        }
    }

    private final List<AutoCloseable> owned = new ArrayList<>();
    private String kafkaBootstrap;
    private String dbUrl;
    private String dbUser;
    private String dbPassword;
    private String workosApiKey;
    private URI workosBaseUrl;
    private volatile WorkosEmulator emulator;
    private volatile EmbeddedKafkaBroker startedBroker;
    private volatile EmbeddedDatabase startedDatabase;
    private DemoDirectory.Created demo;
    private DemoActivity demoActivity;

    private Infrastructure() {
    }

    /**
     * Checks that what is configured answers, then starts what is not configured. Only the parts a stage needs
     * are asked for: e.g. the writer alone needs no WorkOS.
     *
     * @throws dev.scimsync.cli.InfrastructureException naming the variable to set, when a configured part does
     *                                                   not answer or an embedded one cannot start
     */
    public static Infrastructure start(Wanted wanted, boolean kafka, boolean database, boolean workos) {
        checkConfiguredAnswer(kafka ? wanted.kafkaBootstrap() : null, database ? wanted : null);
        Infrastructure infra = new Infrastructure();
        // the three start at once (after a crash: broker ~4 s, database ~2 s with its orphan stopped, emulator's
        // journal ~0.6 s, one after the other before); they are adopted in this order, so they stop in reverse
        ExecutorService starts = Executors.newFixedThreadPool(3, r -> {
            Thread thread = new Thread(r, "scim-sync-start");
            thread.setDaemon(true);
            return thread;
        });
        try {
            List<CompletableFuture<Void>> started = List.of(
                    kafka ? CompletableFuture.runAsync(() -> infra.startKafka(wanted), starts) : DONE,
                    database ? CompletableFuture.runAsync(() -> infra.startDatabase(wanted), starts) : DONE,
                    workos ? CompletableFuture.runAsync(() -> infra.startWorkos(wanted), starts) : DONE);
            RuntimeException failure = null;
            for (CompletableFuture<Void> start : started) {
                try {
                    start.join();
                } catch (CompletionException e) {
                    if (e.getCause() instanceof Error error) {
                        infra.adoptStarted();
                        infra.close();
                        throw error;
                    }
                    RuntimeException cause = e.getCause() instanceof RuntimeException r ? r : e;
                    if (failure == null) {
                        failure = cause;
                    } else {
                        failure.addSuppressed(cause);
                    }
                }
            }
            infra.adoptStarted();
            if (failure != null) {
                throw failure;
            }
            return infra;
        } catch (RuntimeException e) {
            infra.close();
            throw e;
        } finally {
            starts.shutdownNow();
        }
    }

    private static final CompletableFuture<Void> DONE = CompletableFuture.completedFuture(null);

    /** What the parallel starts left in their fields, owned in the order broker, database, emulator. */
    private void adoptStarted() {
        for (AutoCloseable part : new AutoCloseable[] {startedBroker, startedDatabase, emulator}) {
            if (part != null) {
                owned.add(part);
            }
        }
    }

    /** Both asked at once, so the operator hears of both within one deadline. */
    private static void checkConfiguredAnswer(String kafkaBootstrap, Wanted database) {
        boolean checksDatabase = database != null && database.dbUrl() != null;
        if (kafkaBootstrap == null && !checksDatabase) {
            return;
        }
        ExecutorService checks = Executors.newFixedThreadPool(2, r -> {
            Thread thread = new Thread(r, "scim-sync-startup-check");
            thread.setDaemon(true);
            return thread;
        });
        try {
            CompletableFuture<String> kafka = kafkaBootstrap == null ? CompletableFuture.completedFuture(null)
                    : CompletableFuture.supplyAsync(() -> Reachability.kafkaProblem(kafkaBootstrap,
                            Reachability.DEADLINE), checks);
            CompletableFuture<String> db = !checksDatabase ? CompletableFuture.completedFuture(null)
                    : CompletableFuture.supplyAsync(() -> Reachability.databaseProblem(database.dbUrl(),
                            database.dbUser(), database.dbPassword(), Reachability.DEADLINE), checks);
            List<String> problems = new ArrayList<>();
            for (CompletableFuture<String> check : List.of(kafka, db)) {
                if (check.join() != null) {
                    problems.add(check.join());
                }
            }
            if (!problems.isEmpty()) {
                throw new InfrastructureException(String.join(" ", problems));
            }
        } finally {
            checks.shutdownNow();
        }
    }

    private void startKafka(Wanted wanted) {
        if (wanted.kafkaBootstrap() != null) {
            kafkaBootstrap = wanted.kafkaBootstrap();
            return;
        }
        try {
            EmbeddedKafkaBroker broker = EmbeddedKafkaBroker.start(wanted.dataDir().resolve("kafka"), 0);
            startedBroker = broker;
            kafkaBootstrap = broker.bootstrapServers();
        } catch (RuntimeException e) {
            throw new InfrastructureException("the embedded Kafka broker could not start (" + e.getMessage()
                    + "); set SCIM_SYNC_KAFKA_BOOTSTRAP to use a running broker instead", e);
        }
    }

    private void startDatabase(Wanted wanted) {
        if (wanted.dbUrl() != null) {
            dbUrl = wanted.dbUrl();
            dbUser = wanted.dbUser();
            dbPassword = wanted.dbPassword();
            return;
        }
        try {
            EmbeddedDatabase database;
            try {
                database = EmbeddedDatabase.start(wanted.dataDir().resolve("postgres"), 0);
            } catch (RuntimeException first) {
                // its free port is chosen by probing while the broker binds its own at the same time: a port taken
                // in between fails the start; once more, then the error stands
                LOG.warn("the embedded PostgreSQL did not start ({}): trying once more", first.getMessage());
                database = EmbeddedDatabase.start(wanted.dataDir().resolve("postgres"), 0);
            }
            startedDatabase = database;
            dbUrl = database.jdbcUrl();
            dbUser = database.user();
            dbPassword = database.password();
        } catch (RuntimeException e) {
            throw new InfrastructureException(e.getMessage(), e);
        }
    }

    private void startWorkos(Wanted wanted) {
        if (wanted.workosApiKey() != null) {
            workosApiKey = wanted.workosApiKey();
            workosBaseUrl = wanted.workosBaseUrl();
            return;
        }
        emulator = WorkosEmulator.start(EmulatorOptions.defaults()
                .withPersistFile(wanted.dataDir().resolve("emulator.json")));
        workosApiKey = emulator.apiKey();
        workosBaseUrl = URI.create(emulator.baseUrl());
        demo = DemoDirectory.create(emulator, DemoDirectory.DEFAULT_USERS, DemoDirectory.DEFAULT_GROUPS);
        LOG.info("WorkOS emulator at {} with demo directory {}", emulator.baseUrl(), demo.directoryId());
    }

    /** Starts the gentle stream of demo IdP changes (zero-setup only). */
    public void startDemoActivity(java.time.Duration every) {
        if (emulator != null && demo != null && demoActivity == null) {
            demoActivity = new DemoActivity(emulator, demo).start(every);
            owned.add(demoActivity);
        }
    }

    public String kafkaBootstrap() {
        return kafkaBootstrap;
    }

    public boolean kafkaEmbedded() {
        return owned.stream().anyMatch(EmbeddedKafkaBroker.class::isInstance);
    }

    public String dbUrl() {
        return dbUrl;
    }

    public String dbUser() {
        return dbUser;
    }

    public String dbPassword() {
        return dbPassword;
    }

    public boolean databaseEmbedded() {
        return owned.stream().anyMatch(EmbeddedDatabase.class::isInstance);
    }

    public String workosApiKey() {
        return workosApiKey;
    }

    public URI workosBaseUrl() {
        return workosBaseUrl;
    }

    /** The built-in emulator, or null when a WorkOS key was configured. */
    public WorkosEmulator emulator() {
        return emulator;
    }

    public DemoDirectory.Created demo() {
        return demo;
    }

    /** Stops what this process started, newest first: the demo, the emulator, the database, then the broker. */
    @Override
    public void close() {
        for (int i = owned.size() - 1; i >= 0; i--) {
            BoundedClose.close(owned.get(i), STOP_BOUND);
        }
        owned.clear();
    }
}
