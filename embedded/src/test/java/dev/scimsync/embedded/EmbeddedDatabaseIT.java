package dev.scimsync.embedded;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.Properties;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;

class EmbeddedDatabaseIT {

    @Test
    void shouldKeepDataAcrossRestarts_WhenTheDataDirectoryIsReused(@TempDir Path dir) throws Exception {
        Path data = dir.resolve("postgres");
        try (EmbeddedDatabase db = EmbeddedDatabase.start(data, 0);
             Connection c = connect(db.port(), storedPassword(dir));
             Statement s = c.createStatement()) {
            s.execute("CREATE TABLE kept (id int primary key, note text)");
            s.execute("INSERT INTO kept VALUES (1, 'survives a restart')");
        }
        try (EmbeddedDatabase db = EmbeddedDatabase.start(data, 0);
             Connection c = connect(db.port(), storedPassword(dir));
             Statement s = c.createStatement();
             ResultSet rs = s.executeQuery("SELECT note, current_setting('server_version_num')::int FROM kept")) {
            assertThat(rs.next()).isTrue();
            assertThat(rs.getString(1)).isEqualTo("survives a restart");
            assertThat(rs.getInt(2)).isGreaterThanOrEqualTo(130000);
        }
    }

    @Test
    void shouldRefuseAConnectionWithoutThePassword_AndKeepThePasswordOwnerOnly(@TempDir Path dir) throws Exception {
        try (EmbeddedDatabase db = EmbeddedDatabase.start(dir.resolve("postgres"), 0)) {
            assertThatThrownBy(() -> connect(db.port(), null).close())
                    .satisfies(EmbeddedDatabaseIT::assertRefused);
            assertThatThrownBy(() -> connect(db.port(), "guessed").close())
                    .satisfies(EmbeddedDatabaseIT::assertRefused);
            try (Connection c = connect(db.port(), storedPassword(dir))) {
                assertThat(c.isValid(2)).isTrue();
            }
            // the local socket too: no line of the server's access rules trusts anyone
            assertThat(Files.readString(dir.resolve("postgres/pg_hba.conf")))
                    .containsPattern("(?m)^local\\s+all\\s+all\\s+scram-sha-256")
                    .doesNotContainPattern("(?m)^[^#].*\\btrust\\b");
            assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(dir.resolve("postgres-password"))))
                    .isEqualTo("rw-------");
        }
    }

    @Test
    void shouldRequireAPassword_WhenTheDataDirectoryWasMadeByAnEarlierVersionThatTrustedEveryone(@TempDir Path dir)
            throws Exception {
        Path data = dir.resolve("postgres");
        // what earlier versions left: the library's initdb with "trust" for every local connection
        try (EmbeddedPostgres earlier = EmbeddedPostgres.builder().setDataDirectory(data).setCleanDataDirectory(false)
                .setRegisterShutdownHook(false).start();
             Connection c = connect(earlier.getPort(), null);
             Statement s = c.createStatement()) {
            s.execute("CREATE TABLE kept (id int primary key)");
        }

        try (EmbeddedDatabase db = EmbeddedDatabase.start(data, 0)) {
            assertThatThrownBy(() -> connect(db.port(), null).close())
                    .satisfies(EmbeddedDatabaseIT::assertRefused);
            try (Connection c = connect(db.port(), storedPassword(dir)); Statement s = c.createStatement();
                 ResultSet rs = s.executeQuery("SELECT count(*) FROM kept")) {
                assertThat(rs.next()).isTrue();
            }
        }
        // and still after a restart
        try (EmbeddedDatabase db = EmbeddedDatabase.start(data, 0);
             Connection c = connect(db.port(), storedPassword(dir))) {
            assertThat(c.isValid(2)).isTrue();
        }
    }

    /** Refused for its credentials: by the server (28…), or by the driver, which has no password to give (08004). */
    private static void assertRefused(Throwable e) {
        assertThat(e).isInstanceOf(SQLException.class);
        assertThat(((SQLException) e).getSQLState()).matches("28.*|08004");
    }

    private static String storedPassword(Path dir) throws Exception {
        return Files.readString(dir.resolve("postgres-password"), StandardCharsets.UTF_8).trim();
    }

    private static Connection connect(int port, String password) throws SQLException {
        Properties props = new Properties();
        props.setProperty("user", "postgres");
        if (password != null) {
            props.setProperty("password", password);
        }
        return DriverManager.getConnection("jdbc:postgresql://127.0.0.1:" + port + "/postgres", props);
    }

    @Test
    void shouldStopAServerOfItsDataDirectoryThatOutlivedItsProcess_AndStart(@TempDir Path dir) throws Exception {
        Path data = dir.resolve("postgres");
        // a process that started the server, killed with kill -9: its server runs on, orphaned
        Process owner = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(), "-cp",
                System.getProperty("java.class.path"), StartAndWait.class.getName(), data.toString())
                .redirectErrorStream(true).start();
        int port;
        try (java.io.BufferedReader out = new java.io.BufferedReader(new java.io.InputStreamReader(
                owner.getInputStream(), StandardCharsets.UTF_8))) {
            String line;
            while ((line = out.readLine()) != null && !line.startsWith("ready ")) {
                // the child's log
            }
            assertThat(line).as("the child JVM started its database").isNotNull();
            port = Integer.parseInt(line.substring("ready ".length()).trim());
            try (Connection c = connect(port, storedPassword(dir)); Statement s = c.createStatement()) {
                s.execute("CREATE TABLE kept (id int)");
                s.execute("INSERT INTO kept VALUES (7)");
            }
            owner.destroyForcibly().waitFor();
        }
        long orphanPid = Long.parseLong(Files.readAllLines(data.resolve("postmaster.pid")).get(0).trim());
        assertThat(ProcessHandle.of(orphanPid).map(ProcessHandle::isAlive).orElse(false)).as("orphaned").isTrue();

        long started = System.nanoTime();
        try (EmbeddedDatabase db = EmbeddedDatabase.start(data, 0);
             Connection c = connect(db.port(), storedPassword(dir)); Statement s = c.createStatement();
             ResultSet rs = s.executeQuery("SELECT id FROM kept")) {
            assertThat(rs.next()).isTrue();
            assertThat(rs.getInt(1)).isEqualTo(7);
            assertThat(ProcessHandle.of(orphanPid).map(ProcessHandle::isAlive).orElse(false)).isFalse();
            assertThat(java.time.Duration.ofNanos(System.nanoTime() - started)).isLessThan(java.time.Duration.ofSeconds(30));
        }
    }
}
