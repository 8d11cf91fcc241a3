package dev.scimsync.verify;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;

import org.junit.jupiter.api.Test;

import dev.scimsync.poller.PollerMetrics;
import dev.scimsync.poller.directory.DirectoryScanner;
import dev.scimsync.poller.workos.WorkosRetry;
import dev.scimsync.writer.query.DirectoryRows;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;

class VerifyJobTest {

    private final FakeWorkos workos = new FakeWorkos("org_1")
            .group("g1", "Engineering").group("g2", "Sales")
            .user("u1", "Ada", "g1").user("u2", "Bob").user("u3", "Cy", "g2");
    private final FakeDatabase database = new FakeDatabase(workos.rows());

    @Test
    void shouldNotReportChangesMadeDuringTheScan_WhenWorkosAndTheDatabaseAgreeAfterwards() throws Exception {
        workos.duringScan = () -> {
            // listed as before, then changed in the IdP; the pipeline applies the changes before the database read
            workos.user("u1", "Ada Renamed", "g1").user("u2", "Bob", "g1").removeUser("u3").group("g1", "Platform");
            database.holding(workos.rows());
        };

        DriftReport report = job(Duration.ZERO).run("org_1", phase -> { });

        assertThat(report.inSync()).as(report.toJson().toString()).isTrue();
        assertThat(report.rechecked()).as("u1, u2, u3 and g1 fetched again").isEqualTo(4);
        assertThat(report.unconfirmed()).isZero();
    }

    @Test
    void shouldReportWhatStillDiffers_AfterTheRecheck() throws Exception {
        // missed by the pipeline: u4's creation, u2's removal from WorkOS; u1 changed during the scan
        DirectoryRows missed = workos.rows();
        workos.user("u4", "Dee").removeUser("u2");
        database.holding(new DirectoryRows(missed.members(), missed.groups(), missed.memberships()));
        workos.duringScan = () -> {
            workos.user("u1", "Ada Renamed", "g1");
            DirectoryRows now = workos.rows();
            database.holding(new DirectoryRows(
                    concat(now.members().stream().filter(m -> !m.directoryUserId().equals("u4")).toList(),
                            missed.members().stream().filter(m -> m.directoryUserId().equals("u2")).toList()),
                    now.groups(), now.memberships()));
        };

        DriftReport report = job(Duration.ZERO).run("org_1", phase -> { });

        assertThat(report.inSync()).isFalse();
        assertThat(report.members().missingExamples()).containsExactly("u4");
        assertThat(report.members().extraExamples()).containsExactly("u2");
        assertThat(report.members().changed()).isZero();
        assertThat(report.groups().inSync()).isTrue();
        assertThat(report.rechecked()).isEqualTo(3);
    }

    @Test
    void shouldReadTheDatabaseAgainOnlyOnceThePipelineHasPassedTheRecheck() throws Exception {
        // WorkOS changed just before the scan; the database has it only once the pipeline passes the recheck
        workos.user("u1", "Ada Renamed", "g1");
        DirectoryRows behind = database.rows.get();
        DirectoryRows caughtUp = workos.rows();
        AtomicInteger asked = new AtomicInteger();
        database.lastEventCreatedAt = () -> {
            if (asked.incrementAndGet() < 3) {
                return Instant.now().minusSeconds(5);
            }
            database.holding(caughtUp);
            return Instant.now();
        };
        database.holding(behind);

        long started = System.nanoTime();
        DriftReport report = job(Duration.ofSeconds(20)).run("org_1", phase -> { });

        assertThat(report.inSync()).isTrue();
        assertThat(asked.get()).isGreaterThanOrEqualTo(3);
        assertThat(Duration.ofNanos(System.nanoTime() - started)).as("no wait beyond the pipeline's")
                .isLessThan(Duration.ofSeconds(5));
    }

    @Test
    void shouldCountDifferencesBeyondTheRecheckLimitAsTheScanFoundThem() throws Exception {
        for (int i = 0; i < 150; i++) {
            workos.user(String.format("n%03d", i), "New");
        }

        DriftReport report = job(Duration.ZERO).run("org_1", phase -> { });

        assertThat(report.members().missing()).isEqualTo(150);
        assertThat(report.rechecked()).isEqualTo(VerifyJob.MAX_RECHECKS);
        assertThat(report.unconfirmed()).isEqualTo(150 - VerifyJob.MAX_RECHECKS);
        assertThat(workos.fetches.get()).as("one round: the recheck confirmed every difference")
                .isEqualTo(VerifyJob.MAX_RECHECKS);
    }

    private VerifyJob job(Duration settle) {
        SimpleMeterRegistry registry = new SimpleMeterRegistry();
        DirectoryScanner scanner = new DirectoryScanner(workos, new WorkosRetry(Duration.ofMillis(10),
                Duration.ofMillis(10), new PollerMetrics(registry, Clock.systemUTC())), 100);
        return new VerifyJob(scanner, workos, database, Clock.systemUTC(), settle);
    }

    private static <T> List<T> concat(List<T> a, List<T> b) {
        return java.util.stream.Stream.concat(a.stream(), b.stream()).toList();
    }
}
