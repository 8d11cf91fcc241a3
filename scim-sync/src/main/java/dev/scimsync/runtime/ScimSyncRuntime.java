package dev.scimsync.runtime;

import java.io.IOException;
import java.io.PrintStream;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.UnknownHostException;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;

import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.streams.KafkaStreams;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import com.workos.WorkOS;

import dev.scimsync.admin.AdminLimits;
import dev.scimsync.admin.AdminServer;
import dev.scimsync.admin.AdminServices;
import dev.scimsync.deadletters.DeadLetterReader;
import dev.scimsync.admin.AdminToken;
import dev.scimsync.admin.StatusSource;
import dev.scimsync.cli.InfrastructureException;
import dev.scimsync.core.config.CommonSettings;
import dev.scimsync.core.config.ConfigReader;
import dev.scimsync.core.log.Redact;
import dev.scimsync.core.topic.TopicProvisioner;
import dev.scimsync.core.topic.Topics;
import dev.scimsync.embedded.EmbeddedDatabase;
import dev.scimsync.poller.EventsPoller;
import dev.scimsync.poller.PollerConfig;
import dev.scimsync.poller.PollerMetrics;
import dev.scimsync.poller.PollerSettings;
import dev.scimsync.poller.directory.DirectoryScanner;
import dev.scimsync.poller.directory.SdkDirectoryApi;
import dev.scimsync.poller.resync.ResyncPublisher;
import dev.scimsync.poller.resync.Resyncer;
import dev.scimsync.poller.workos.SdkEventsApi;
import dev.scimsync.poller.workos.WorkosClients;
import dev.scimsync.poller.workos.WorkosRetry;
import dev.scimsync.processor.ProcessorConfig;
import dev.scimsync.processor.StreamProcessor;
import dev.scimsync.writer.Database;
import dev.scimsync.writer.StateWriter;
import dev.scimsync.writer.WriterConfig;
import dev.scimsync.replay.ReplayService;
import dev.scimsync.provisioning.ProvisioningService;
import dev.scimsync.resync.ResyncService;
import dev.scimsync.resync.ResyncSettings;
import dev.scimsync.verify.OrganizationDatabase;
import dev.scimsync.verify.ResyncPreviews;
import dev.scimsync.verify.Verifier;
import dev.scimsync.verify.VerifySettings;
import dev.scimsync.workos.DirectoryLookup;
import dev.scimsync.workos.WorkosDirectoryLookup;
import dev.scimsync.writer.access.AccessQueries;
import dev.scimsync.writer.access.GroupMappingService;
import dev.scimsync.writer.provisioning.ProvisioningStore;
import dev.scimsync.writer.query.DirectoryQueries;
import dev.scimsync.writer.query.OrganizationQueries;
import dev.scimsync.writer.replay.ShadowSwitch;
import io.micrometer.core.instrument.binder.jvm.JvmGcMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmMemoryMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmThreadMetrics;
import io.micrometer.core.instrument.binder.system.ProcessorMetrics;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;

/**
 * Wires the stages of one process: reads and validates the whole configuration first (every problem at
 * once), checks that the admin port is free and takes the data directory, asks a configured Kafka and database
 * whether they answer, starts what is embedded, then the writer, the processor and the poller (downstream
 * first, so no stage produces into nothing), then the admin API. Closes in the reverse order.
 */
public final class ScimSyncRuntime implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(ScimSyncRuntime.class);
    /** {@link CommonSettings#PARTITIONS} when it is not set and the broker is embedded. */
    static final int EMBEDDED_BROKER_PARTITIONS = 1;

    /**
     * How long a stage may take to stop. A stage stops in well under a second (the writer commits what it
     * holds, the processor its transaction); one stuck on a dependency that is gone is left behind.
     */
    static final Duration STAGE_STOP_BOUND = Duration.ofSeconds(5);

    private final List<AutoCloseable> started = new ArrayList<>();
    private boolean closed;
    private final PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
    private Infrastructure infrastructure;
    private Admin kafkaAdmin;
    private AdminServer adminServer;
    private AdminToken adminToken;
    private boolean tokenGenerated;
    private boolean tokenStored;
    private EventsPoller poller;
    private StateWriter writer;
    private StreamProcessor processor;
    /** Kafka Streams' start(), on its own thread while the poller starts; null when there is no processor. */
    private CompletableFuture<Void> processorStarting;
    private Database database;
    /** The organization database's access services (null without a database). */
    private AccessQueries access;
    private GroupMappingService mappings;
    private Verifier verifier;
    private ResyncService resyncs;
    private ReplayService replays;
    private ResyncPreviews previews;
    private ProvisioningService provisioning;
    private Path dataDir;
    /** Static group membership of this instance's consumers; null where the data directory is not locked. */
    private String instanceId;

    private ScimSyncRuntime() {
    }

    /** Waits for a processor start in flight, whatever its outcome. */
    private void awaitProcessorStart() {
        if (processorStarting != null) {
            try {
                processorStarting.join();
            } catch (CompletionException e) {
                // its failure is the start's, already on its way to the caller, or closed with the rest
            }
        }
    }

    /** Reads the configuration from {@code reader} and starts {@code stages}. */
    public static ScimSyncRuntime start(ConfigReader reader, Set<Stage> stages) {
        ScimSyncRuntime runtime = new ScimSyncRuntime();
        try {
            runtime.startAll(reader, EnumSet.copyOf(stages));
            return runtime;
        } catch (RuntimeException e) {
            // never close Kafka Streams while its start() still runs on the other thread
            runtime.awaitProcessorStart();
            runtime.close();
            throw e;
        }
    }

    private void startAll(ConfigReader reader, Set<Stage> stages) {
        // 1. the whole configuration, validated before anything starts
        if (!reader.isSet(CommonSettings.KAFKA_BOOTSTRAP) && !reader.isSet(CommonSettings.PARTITIONS)) {
            // the embedded broker serves this one instance, whose one stream thread and one writer take every
            // partition anyway; each partition more is a task whose 12 RocksDB stores Kafka Streams opens (twice) at
            // every start. Topics that exist keep theirs
            reader.with(CommonSettings.PARTITIONS.name(), Integer.toString(EMBEDDED_BROKER_PARTITIONS),
                    "default with the embedded broker");
        }
        dataDir = reader.get(CommonSettings.DATA_DIR);
        String httpHost = reader.get(CommonSettings.HTTP_HOST);
        Integer httpPort = reader.get(CommonSettings.HTTP_PORT);
        String configuredToken = reader.get(CommonSettings.ADMIN_TOKEN);
        Infrastructure.Wanted wanted = new Infrastructure.Wanted(reader.get(CommonSettings.KAFKA_BOOTSTRAP),
                reader.get(CommonSettings.DB_URL), reader.get(CommonSettings.DB_USER),
                reader.get(CommonSettings.DB_PASSWORD), reader.get(CommonSettings.WORKOS_API_KEY),
                reader.get(CommonSettings.WORKOS_API_BASE_URL), dataDir);
        String topicPrefix = reader.get(CommonSettings.TOPIC_PREFIX);
        Integer partitions = reader.get(CommonSettings.PARTITIONS);
        Duration eventsRetention = reader.get(PollerSettings.EVENTS_RETENTION);
        PollerConfig pollerConfig = stages.contains(Stage.POLLER) ? PollerConfig.from(reader, null, null, null) : null;
        WriterConfig writerConfig = stages.contains(Stage.WRITER) ? WriterConfig.from(reader) : null;
        Duration verifyTimeout = reader.get(VerifySettings.TIMEOUT);
        Duration verifySettle = reader.get(VerifySettings.SETTLE);
        Integer scanUserRequestsPerSecond = reader.get(PollerSettings.SCAN_USER_REQUESTS_PER_SECOND);
        Integer maxRemovalPercent = reader.get(ResyncSettings.MAX_REMOVAL_PERCENT);
        Integer maxRemovalCount = reader.get(ResyncSettings.MAX_REMOVAL_COUNT);
        // last: it throws with the problems found so far, so everything else must have been read by now
        ProcessorConfig processorConfig = stages.contains(Stage.PROCESSOR) ? ProcessorConfig.from(reader) : null;
        reader.throwIfInvalid();
        // the drift check needs WorkOS and the organization database: where the poller and the writer run together
        boolean verifies = pollerConfig != null && writerConfig != null;
        LOG.info("effective configuration:\n{}", reader.describe(CommonSettings.ALL).stripTrailing());

        // 2. what could stop the start half-way is checked before anything starts
        requireFreePort(httpHost, httpPort);
        claimDataDirectory(wanted, stages, processorConfig, configuredToken == null);

        new JvmMemoryMetrics().bindTo(registry);
        new JvmGcMetrics().bindTo(registry);
        new JvmThreadMetrics().bindTo(registry);
        new ProcessorMetrics().bindTo(registry);

        // 3. infrastructure: configured (asked whether it answers) or embedded
        boolean needsDatabase = stages.contains(Stage.WRITER);
        infrastructure = Infrastructure.start(wanted, true, needsDatabase, stages.contains(Stage.POLLER));
        started.add(infrastructure);
        kafkaAdmin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, infrastructure.kafkaBootstrap(),
                AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, 60_000,
                AdminClientConfig.REQUEST_TIMEOUT_MS_CONFIG, 3_000));
        started.add(kafkaAdmin);
        ensureTopics(new Topics(topicPrefix), partitions, eventsRetention);

        // 4. stages, downstream first
        Map<String, BooleanSupplier> checks = new LinkedHashMap<>();
        checks.put("kafka", this::kafkaAnswers);
        StatusSource status = null;
        WriterConfig writerEffective = null;
        if (writerConfig != null) {
            WriterConfig effective = writerConfig.withKafkaBootstrap(infrastructure.kafkaBootstrap())
                    .withDatabase(infrastructure.dbUrl(), infrastructure.dbUser(), infrastructure.dbPassword())
                    .withGroupInstanceId(instanceId == null ? null : instanceId + "-writer");
            writerEffective = effective;
            database = Database.connect(effective);
            started.add(database);
            database.migrate();
            writer = new StateWriter(effective, database.dataSource(), registry);
            writer.start();
            started.add(writer);
            checks.put("database", this::databaseAnswers);
            checks.put("writer", () -> writer.isRunning());
            access = new AccessQueries(database.dataSource());
            mappings = new GroupMappingService(database.dataSource(), maxRemovalPercent, maxRemovalCount,
                    Clock.systemUTC());
            status = new DatabaseStatusSource(new OrganizationQueries(database.dataSource()), access, checks,
                    Clock.systemUTC());
            started.add(new SeatGauges(access, registry, Duration.ofSeconds(15)));
        }
        if (processorConfig != null) {
            ProcessorConfig effective = processorConfig.withBootstrapServers(infrastructure.kafkaBootstrap())
                    .withGroupInstanceId(instanceId == null ? null : instanceId + "-processor");
            processor = new StreamProcessor(effective, registry);
            started.add(processor);
            // Kafka Streams opens the stores of its tasks inside start() (~2 s after a restart): the poller starts
            // meanwhile, so the first events are on their way when the processor is
            StreamProcessor starting = processor;
            processorStarting = CompletableFuture.runAsync(starting::start, r -> {
                Thread thread = new Thread(r, "scim-sync-processor-start");
                thread.setDaemon(true);
                thread.start();
            });
            checks.put("processor", () -> processor.state() == KafkaStreams.State.RUNNING);
            if (writerEffective != null) {
                // replays rebuild from the events topic with the processor's rules into the writer's database
                replays = new ReplayService(effective, processor, writerEffective, database.dataSource(), kafkaAdmin,
                        new ShadowSwitch.RemovalLimits(maxRemovalCount, maxRemovalPercent), registry, Clock.systemUTC());
                started.add(replays);
            }
        }
        DirectoryScanner scanner = null;
        if (pollerConfig != null) {
            PollerConfig effective = pollerConfig.withConnections(infrastructure.kafkaBootstrap(),
                    infrastructure.workosApiKey(), infrastructure.workosBaseUrl());
            PollerMetrics pollerMetrics = new PollerMetrics(registry, Clock.systemUTC());
            WorkOS workos = WorkosClients.create(effective.workosApiKey(), effective.workosBaseUrl(),
                    effective.requestTimeout());
            poller = new EventsPoller(effective, new SdkEventsApi(workos), pollerMetrics, Clock.systemUTC())
                    .withGroupInstanceId(instanceId == null ? null : instanceId + "-poller").start();
            started.add(poller);
            checks.put("poller", poller::ready);
            SdkDirectoryApi directoryApi = new SdkDirectoryApi(workos);
            WorkosRetry scanRetry = new WorkosRetry(effective.maxBackoff(), effective.maxRetryAfter(), pollerMetrics);
            scanner = new DirectoryScanner(directoryApi, scanRetry, scanUserRequestsPerSecond);
            DirectoryLookup lookup = new WorkosDirectoryLookup(directoryApi, scanRetry, scanUserRequestsPerSecond,
                    Duration.ofSeconds(5));
            // one transactional id per process: resyncs of two poller instances must not fence each other
            String resyncTransactionalId = effective.transactionalId() + "-resync-" + UUID.randomUUID();
            Resyncer resyncer = new Resyncer(scanner, () -> new ResyncPublisher(effective.bootstrapServers(),
                    effective.topics(), resyncTransactionalId), Clock.systemUTC(), registry);
            started.add(resyncer);
            resyncs = new ResyncService(resyncer, lookup,
                    database == null ? null : new OrganizationQueries(database.dataSource()),
                    maxRemovalPercent, maxRemovalCount);
            if (verifies) {
                verifier = new Verifier(scanner, lookup, new OrganizationQueries(database.dataSource()),
                        Clock.systemUTC(), verifyTimeout, verifySettle, registry);
                started.add(verifier);
                previews = new ResyncPreviews(scanner, OrganizationDatabase.of(
                        new OrganizationQueries(database.dataSource())), Clock.systemUTC());
                started.add(previews);
            }
        }
        if (database != null) {
            // switches to scim scan WorkOS: only where the poller runs too (scanner non-null)
            provisioning = new ProvisioningService(new ProvisioningStore(database.dataSource()), scanner,
                    maxRemovalPercent, maxRemovalCount, registry, Clock.systemUTC());
            started.add(provisioning);
        }
        if (processorStarting != null) {
            try {
                processorStarting.join();
            } catch (CompletionException e) {
                if (e.getCause() instanceof Error error) {
                    throw error;
                }
                throw e.getCause() instanceof RuntimeException r ? r : e;
            }
        }
        if (status == null) {
            status = new NoDatabaseStatusSource(checks);
        }

        // 5. the admin API
        boolean hadStoredToken = AdminToken.readStored(dataDir) != null;
        adminToken = AdminToken.resolve(configuredToken, dataDir);
        tokenStored = configuredToken == null;
        tokenGenerated = tokenStored && !hadStoredToken;
        try {
            adminServer = AdminServer.start(httpHost, httpPort, adminToken, status,
                    new AdminServices(verifier, resyncs, replays,
                            database == null ? null : new DirectoryQueries(database.dataSource()), previews,
                            new DeadLetterReader(infrastructure.kafkaBootstrap(), new Topics(topicPrefix).dlq().name(),
                                    Duration.ofSeconds(3)), provisioning,
                            mappings, access),
                    registry, AdminLimits.DEFAULT);
        } catch (IllegalStateException e) {
            // the port was free a moment ago (requireFreePort): taken since; the message names the variables
            throw new InfrastructureException(e.getMessage(), e);
        }
        started.add(adminServer);
        infrastructure.startDemoActivity(Duration.ofSeconds(2));
        if (infrastructure.demo() != null && database != null) {
            started.add(DemoMappings.start(database.dataSource(), mappings, infrastructure.demo().organizationId()));
        }
    }

    /**
     * The admin API is started last; a port in use must not be found after the broker, the database and the
     * stages have started (and then be stopped again).
     */
    private static void requireFreePort(String host, int port) {
        if (port == 0) {
            return;
        }
        try (ServerSocket probe = new ServerSocket()) {
            probe.bind(new InetSocketAddress(host, port));
        } catch (UnknownHostException e) {
            throw new InfrastructureException("the admin API cannot listen on " + host + ": unknown host; set "
                    + "SCIM_SYNC_HTTP_HOST to an address of this machine.", e);
        } catch (IOException e) {
            throw new InfrastructureException("the admin API cannot listen on " + host + ":" + port + " (" + e.getMessage()
                    + "): another process uses the port. Stop it, or set SCIM_SYNC_HTTP_PORT (or --http-port) to a free "
                    + "port (0 = any); SCIM_SYNC_HTTP_HOST chooses the address.", e);
        }
    }

    /**
     * Made owner-only whenever this process puts anything there, and locked when it keeps state there that a
     * second instance would corrupt: an embedded broker, database or emulator, or the processor's stores.
     */
    private void claimDataDirectory(Infrastructure.Wanted wanted, Set<Stage> stages, ProcessorConfig processorConfig,
                                    boolean storesToken) {
        Path home = dataDir.toAbsolutePath().normalize();
        boolean keepsState = wanted.kafkaBootstrap() == null
                || stages.contains(Stage.WRITER) && wanted.dbUrl() == null
                || stages.contains(Stage.POLLER) && wanted.workosApiKey() == null
                || processorConfig != null && processorConfig.stateDir().toAbsolutePath().normalize().startsWith(home);
        if (!keepsState && !storesToken) {
            return;
        }
        DataDirectory directory = DataDirectory.prepare(dataDir);
        started.add(directory); // closed last: the lock outlives everything that uses the directory
        if (keepsState) {
            directory.lock();
            instanceId = directory.instanceId();
        }
    }

    /** Every stage may be the first to start in a deployment, so each makes sure the topics exist. */
    private void ensureTopics(Topics topics, int partitions, Duration eventsRetention) {
        long retentionMs = eventsRetention.compareTo(Duration.ofDays(36500)) >= 0 ? -1 : eventsRetention.toMillis();
        new TopicProvisioner(kafkaAdmin, topics, partitions, (short) -1, retentionMs).ensureAll(Duration.ofSeconds(60));
    }

    private boolean kafkaAnswers() {
        try {
            return !kafkaAdmin.describeCluster().nodes().get(3, TimeUnit.SECONDS).isEmpty();
        } catch (Exception e) {
            return false;
        }
    }

    private boolean databaseAnswers() {
        try {
            database.ping();
            return true;
        } catch (Exception e) {
            return false;
        }
    }

    /** Where things are, for the start banner. */
    public void printBanner(PrintStream out) {
        out.println();
        out.println("scim-sync is running");
        out.println("  console       " + adminServer.url() + "/   (sign in with the admin token)");
        out.println("  admin API     " + adminServer.url() + "   (GET /api/organizations, /metrics, /health/ready)");
        // the token is shown once, when it is generated; after that it is read from the file by the clients
        out.println("  admin token   " + (tokenGenerated ? adminToken.reveal() + "   (generated, stored in "
                + dataDir.resolve(AdminToken.FILE_NAME) + ")" : Redact.secret(adminToken.reveal())
                + (tokenStored ? "   (in " + dataDir.resolve(AdminToken.FILE_NAME) + ")" : "   (SCIM_SYNC_ADMIN_TOKEN)")));
        out.println("  Kafka         " + infrastructure.kafkaBootstrap()
                + (infrastructure.kafkaEmbedded() ? "   (embedded, data in " + dataDir.resolve("kafka") + ")" : ""));
        if (infrastructure.dbUrl() != null) {
            // the URL never holds the password: a configured one is masked, the embedded one's is in its file
            out.println("  database      " + Redact.url(infrastructure.dbUrl()) + (infrastructure.databaseEmbedded()
                    ? "   (embedded PostgreSQL, data in " + dataDir.resolve("postgres") + ", user postgres, password in "
                    + EmbeddedDatabase.passwordFile(dataDir.resolve("postgres")) + ")" : ""));
        }
        if (infrastructure.workosBaseUrl() != null) {
            out.println("  WorkOS        " + infrastructure.workosBaseUrl() + (infrastructure.emulator() != null
                    ? "   (built-in emulator, API key " + infrastructure.emulator().apiKey() + ")" : ""));
        }
        if (infrastructure.demo() != null) {
            out.println("  demo          organization " + infrastructure.demo().organizationId() + ", directory "
                    + infrastructure.demo().directoryId() + " (" + DemoDirectory.DEFAULT_USERS + " members, "
                    + DemoDirectory.DEFAULT_GROUPS + " groups, a change every 2 s)");
        }
        out.println("  status        java -jar scim-sync/target/scim-sync.jar status"
                + (adminServer.port() != 8080 ? "   (with SCIM_SYNC_HTTP_PORT=" + adminServer.port() + ")" : ""));
        out.println();
        out.flush();
    }

    public PrometheusMeterRegistry registry() {
        return registry;
    }

    public AdminServer adminServer() {
        return adminServer;
    }

    public AdminToken adminToken() {
        return adminToken;
    }

    public Infrastructure infrastructure() {
        return infrastructure;
    }

    /** The organization database, when this process runs the writer. */
    public Database database() {
        return database;
    }

    /** Resyncs, when this process runs the poller; null otherwise. */
    public ResyncService resyncs() {
        return resyncs;
    }

    /** Replays, when this process runs both the processor and the writer; null otherwise. */
    /** Provisioning modes and manual members; null where this process has no organization database. */
    public ProvisioningService provisioning() {
        return provisioning;
    }

    public ReplayService replays() {
        return replays;
    }

    /** The drift check, when this process runs both the poller and the writer; null otherwise. */
    public Verifier verifier() {
        return verifier;
    }

    /** A stage that stopped on its own, e.g. the poller after WorkOS refused the key; null if none. */
    public Throwable failure() {
        if (poller != null && poller.failure() != null) {
            return poller.failure();
        }
        if (writer != null && writer.failure().isPresent()) {
            return writer.failure().get();
        }
        if (processor != null && (processor.state() == KafkaStreams.State.ERROR
                || processor.state() == KafkaStreams.State.NOT_RUNNING)) {
            return new IllegalStateException("the stream processor stopped (" + processor.state()
                    + "); see the log for the error");
        }
        return null;
    }

    /**
     * Stops in dependency order — admin API, poller, processor, writer, then the database pool, the broker and
     * what else is embedded — each stage given at most {@link #STAGE_STOP_BOUND}. Safe to call more than once
     * and from several threads (a second caller waits for the first).
     */
    @Override
    public synchronized void close() {
        if (closed) {
            return;
        }
        closed = true;
        long stopping = System.nanoTime();
        for (int i = started.size() - 1; i >= 0; i--) {
            AutoCloseable part = started.get(i);
            if (part instanceof Infrastructure || part instanceof DataDirectory) {
                closeQuietly(part); // the infrastructure bounds each of its parts itself
            } else {
                BoundedClose.close(part, STAGE_STOP_BOUND);
            }
        }
        started.clear();
        registry.close();
        if (infrastructure != null) {
            LOG.info("scim-sync stopped in {} ms", TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - stopping));
        }
    }

    private static void closeQuietly(AutoCloseable part) {
        try {
            part.close();
        } catch (Exception e) {
            LOG.warn("stopping {} failed: {}", part.getClass().getSimpleName(), e.toString());
        }
    }

}
