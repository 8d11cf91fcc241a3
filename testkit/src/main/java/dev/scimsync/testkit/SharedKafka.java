package dev.scimsync.testkit;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;
import java.util.concurrent.atomic.AtomicInteger;

import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

import dev.scimsync.embedded.EmbeddedKafkaBroker;

/**
 * One real Kafka broker for all the integration tests of a module run: started by the first test class
 * that uses {@code @ExtendWith(SharedKafka.class)}, stopped when the run ends. Tests keep apart by using
 * {@link #uniquePrefix(String)} for their topic names and consumer groups.
 */
public final class SharedKafka implements BeforeAllCallback {

    private static final AtomicInteger SEQUENCE = new AtomicInteger();
    private static volatile EmbeddedKafkaBroker broker;

    @Override
    public void beforeAll(ExtensionContext context) {
        ensureStarted(context);
    }

    private static synchronized void ensureStarted(ExtensionContext context) {
        if (broker != null) {
            return;
        }
        Path dir;
        try {
            dir = Files.createTempDirectory("scim-sync-test-kafka");
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        broker = EmbeddedKafkaBroker.start(dir, 0);
        // the root store closes its AutoCloseable values once the whole run is over
        context.getRoot().getStore(ExtensionContext.Namespace.GLOBAL)
                .put(SharedKafka.class.getName(), (AutoCloseable) () -> {
                    broker.close();
                    TempDirs.deleteQuietly(dir);
                });
    }

    /** {@code host:port} of the shared broker; a test class must be extended with this extension. */
    public static String bootstrapServers() {
        if (broker == null) {
            throw new IllegalStateException("annotate the test class with @ExtendWith(SharedKafka.class)");
        }
        return broker.bootstrapServers();
    }

    /** A prefix no other test of this run uses, e.g. {@code t7-pollerrestart.}: for topics and group ids. */
    public static String uniquePrefix(String testName) {
        String clean = testName.toLowerCase(Locale.ROOT).replaceAll("[^a-z0-9]", "");
        if (clean.length() > 40) {
            clean = clean.substring(0, 40);
        }
        return "t" + SEQUENCE.incrementAndGet() + "-" + clean + ".";
    }
}
