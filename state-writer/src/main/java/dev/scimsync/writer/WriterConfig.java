package dev.scimsync.writer;

import java.time.Duration;
import java.util.Objects;

import dev.scimsync.core.config.CommonSettings;
import dev.scimsync.core.config.ConfigReader;
import dev.scimsync.core.log.Redact;
import dev.scimsync.core.topic.Topics;
import dev.scimsync.writer.db.Retry;

/**
 * Everything the state-writer needs, read once at start.
 *
 * @param kafkaBootstrap Kafka bootstrap servers; null = the caller provides a broker (embedded) and sets it
 *                       with {@link #withKafkaBootstrap} before {@link StateWriter} starts
 * @param topics         topic names
 * @param groupId        consumer group, also the key of the stored offsets
 * @param batchSize      records per transaction at most
 * @param batchMaxWait   longest wait for a batch to fill
 * @param dbUrl          JDBC URL; null = the caller provides an embedded database ({@link #withDatabase})
 * @param dbUser         database user
 * @param dbPassword     nullable; never printed
 * @param poolSize       connections in the pool
 * @param retryAttempts  attempts per batch at transient errors
 * @param retryBackoff   first backoff
 * @param retryMaxBackoff longest backoff
 * @param commitToKafka  also commit offsets to Kafka after the database commit (a hint only)
 * @param groupInstanceId static group membership id; null = dynamic membership
 * @param computeAccess  recompute the access of the members each batch changes (docs/database.md, "Access"); off only
 *                       for a replay's shadow writer, whose rows the switch copies and then computes access from
 */
public record WriterConfig(String kafkaBootstrap, Topics topics, String groupId, int batchSize, Duration batchMaxWait,
                           String dbUrl, String dbUser, String dbPassword, int poolSize, int retryAttempts,
                           Duration retryBackoff, Duration retryMaxBackoff, boolean commitToKafka,
                           String groupInstanceId, boolean computeAccess) {

    /** Without a static group membership. */
    public WriterConfig(String kafkaBootstrap, Topics topics, String groupId, int batchSize, Duration batchMaxWait,
                        String dbUrl, String dbUser, String dbPassword, int poolSize, int retryAttempts,
                        Duration retryBackoff, Duration retryMaxBackoff, boolean commitToKafka) {
        this(kafkaBootstrap, topics, groupId, batchSize, batchMaxWait, dbUrl, dbUser, dbPassword, poolSize, retryAttempts,
                retryBackoff, retryMaxBackoff, commitToKafka, null, true);
    }

    public WriterConfig {
        Objects.requireNonNull(topics, "topics");
        Objects.requireNonNull(groupId, "groupId");
        Objects.requireNonNull(batchMaxWait, "batchMaxWait");
        Objects.requireNonNull(retryBackoff, "retryBackoff");
        Objects.requireNonNull(retryMaxBackoff, "retryMaxBackoff");
    }

    /**
     * Reads the writer's settings and the common database and Kafka ones. Problems are recorded in the
     * reader, not thrown: call {@link ConfigReader#throwIfInvalid()} once every module has read its settings.
     */
    public static WriterConfig from(ConfigReader reader) {
        String prefix = reader.get(CommonSettings.TOPIC_PREFIX);
        Integer batchSize = reader.get(WriterSettings.BATCH_SIZE);
        Integer poolSize = reader.get(WriterSettings.POOL_SIZE);
        Integer attempts = reader.get(WriterSettings.RETRY_ATTEMPTS);
        Duration backoff = reader.get(WriterSettings.RETRY_BACKOFF);
        Duration maxBackoff = reader.get(WriterSettings.RETRY_MAX_BACKOFF);
        Duration maxWait = reader.get(WriterSettings.BATCH_MAX_WAIT);
        Boolean commitToKafka = reader.get(WriterSettings.COMMIT_TO_KAFKA);
        String groupId = reader.get(WriterSettings.GROUP_ID);
        if (backoff != null && maxBackoff != null) {
            reader.check(backoff.compareTo(maxBackoff) <= 0, WriterSettings.RETRY_BACKOFF.name(),
                    "must not be longer than " + WriterSettings.RETRY_MAX_BACKOFF.name());
        }
        return new WriterConfig(
                reader.get(CommonSettings.KAFKA_BOOTSTRAP),
                new Topics(prefix == null ? Topics.DEFAULT_PREFIX : prefix),
                groupId == null ? "scim-sync-state-writer" : groupId,
                batchSize == null ? 500 : batchSize,
                maxWait == null ? Duration.ofMillis(100) : maxWait,
                reader.get(CommonSettings.DB_URL),
                reader.get(CommonSettings.DB_USER),
                reader.get(CommonSettings.DB_PASSWORD),
                poolSize == null ? 4 : poolSize,
                attempts == null ? 6 : attempts,
                backoff == null ? Duration.ofMillis(200) : backoff,
                maxBackoff == null ? Duration.ofSeconds(10) : maxBackoff,
                commitToKafka == null || commitToKafka);
    }

    public WriterConfig withKafkaBootstrap(String bootstrap) {
        return new WriterConfig(bootstrap, topics, groupId, batchSize, batchMaxWait, dbUrl, dbUser, dbPassword, poolSize,
                retryAttempts, retryBackoff, retryMaxBackoff, commitToKafka, groupInstanceId, computeAccess);
    }

    public WriterConfig withDatabase(String url, String user, String password) {
        return new WriterConfig(kafkaBootstrap, topics, groupId, batchSize, batchMaxWait, url, user, password, poolSize,
                retryAttempts, retryBackoff, retryMaxBackoff, commitToKafka, groupInstanceId, computeAccess);
    }

    public WriterConfig withBatch(int size, Duration maxWait) {
        return new WriterConfig(kafkaBootstrap, topics, groupId, size, maxWait, dbUrl, dbUser, dbPassword, poolSize,
                retryAttempts, retryBackoff, retryMaxBackoff, commitToKafka, groupInstanceId, computeAccess);
    }

    public WriterConfig withGroupId(String group) {
        return new WriterConfig(kafkaBootstrap, topics, group, batchSize, batchMaxWait, dbUrl, dbUser, dbPassword, poolSize,
                retryAttempts, retryBackoff, retryMaxBackoff, commitToKafka, groupInstanceId, computeAccess);
    }

    /**
     * The same settings as a static member of the group ({@code group.instance.id}): a restart with the same id takes
     * the partitions back at once instead of waiting for the old member's session to expire (after a kill -9).
     */
    public WriterConfig withGroupInstanceId(String id) {
        return new WriterConfig(kafkaBootstrap, topics, groupId, batchSize, batchMaxWait, dbUrl, dbUser, dbPassword, poolSize,
                retryAttempts, retryBackoff, retryMaxBackoff, commitToKafka, id, computeAccess);
    }

    /** The same settings on other topics (a replay's shadow state topics). */
    public WriterConfig withTopics(Topics other) {
        return new WriterConfig(kafkaBootstrap, other, groupId, batchSize, batchMaxWait, dbUrl, dbUser, dbPassword, poolSize,
                retryAttempts, retryBackoff, retryMaxBackoff, commitToKafka, groupInstanceId, computeAccess);
    }

    /**
     * The same settings without the access recompute: for a replay's shadow writer only. The switch copies the shadow's
     * members, groups and memberships into the live tables and recomputes the access of every switched organization in
     * its transaction, so access computed in the shadow would be read by no one (and cost two of every three rows the
     * shadow writes for a new member).
     */
    public WriterConfig withoutAccess() {
        return new WriterConfig(kafkaBootstrap, topics, groupId, batchSize, batchMaxWait, dbUrl, dbUser, dbPassword, poolSize,
                retryAttempts, retryBackoff, retryMaxBackoff, commitToKafka, groupInstanceId, false);
    }

    /** The database retry helper these settings describe. */
    public Retry retry() {
        return Retry.forDatabase(retryAttempts, retryBackoff, retryMaxBackoff);
    }

    @Override
    public String toString() {
        return "WriterConfig[kafkaBootstrap=" + kafkaBootstrap + ", topics=" + topics.prefix() + "*, groupId=" + groupId
                + ", batchSize=" + batchSize + ", batchMaxWait=" + batchMaxWait + ", dbUrl=" + dbUrl + ", dbUser=" + dbUser
                + ", dbPassword=" + Redact.secret(dbPassword) + ", poolSize=" + poolSize + ", retryAttempts=" + retryAttempts
                + ", retryBackoff=" + retryBackoff + ", retryMaxBackoff=" + retryMaxBackoff
                + ", commitToKafka=" + commitToKafka + ", computeAccess=" + computeAccess + "]";
    }
}
