package dev.scimsync.runtime;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.slf4j.LoggerFactory;

import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;

import dev.scimsync.cli.InfrastructureException;

class DataDirectoryTest {

    @TempDir
    Path dir;

    private final ListAppender<ILoggingEvent> log = new ListAppender<>();

    @BeforeEach
    void captureLog() {
        log.start();
        ((Logger) LoggerFactory.getLogger(DataDirectory.class)).addAppender(log);
    }

    @AfterEach
    void releaseLog() {
        ((Logger) LoggerFactory.getLogger(DataDirectory.class)).detachAppender(log);
    }

    @Test
    void shouldCreateTheDataDirectoryOwnerOnly() throws Exception {
        Path data = dir.resolve("new/data");

        try (DataDirectory ignored = DataDirectory.prepare(data)) {
            assertThat(permissions(data)).isEqualTo("rwx------");
        }
    }

    @Test
    void shouldMakeAnExistingDataDirectoryOwnerOnly_AndSaySo() throws Exception {
        Path data = Files.createDirectory(dir.resolve("data"));
        Files.setPosixFilePermissions(data, PosixFilePermissions.fromString("rwxr-xr-x"));

        try (DataDirectory ignored = DataDirectory.prepare(data)) {
            assertThat(permissions(data)).isEqualTo("rwx------");
            assertThat(log.list).singleElement().extracting(ILoggingEvent::getFormattedMessage).asString()
                    .contains(data.toAbsolutePath().toString(), "was rwxr-xr-x", "owner-only");
        }
    }

    @Test
    void shouldRefuseASecondInstance_WhileTheFirstHoldsTheDirectory_AndLetItInOnceReleased() {
        Path data = dir.resolve("data");
        DataDirectory first = DataDirectory.prepare(data).lock();

        assertThatThrownBy(() -> DataDirectory.prepare(data).lock())
                .isInstanceOf(InfrastructureException.class)
                .hasMessageContaining("in use by another scim-sync instance (process " + ProcessHandle.current().pid() + ")")
                .hasMessageContaining("SCIM_SYNC_DATA_DIR");

        first.close();
        DataDirectory.prepare(data).lock().close();
    }

    private static String permissions(Path path) throws Exception {
        return PosixFilePermissions.toString(Files.getPosixFilePermissions(path));
    }
}
