package dev.scimsync.embedded;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.Statement;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class EmbeddedDatabaseIT {

    @Test
    void shouldKeepDataAcrossRestarts_WhenTheDataDirectoryIsReused(@TempDir Path dir) throws Exception {
        Path data = dir.resolve("postgres");
        try (EmbeddedDatabase db = EmbeddedDatabase.start(data, 0);
             Connection c = DriverManager.getConnection(db.jdbcUrl());
             Statement s = c.createStatement()) {
            s.execute("CREATE TABLE kept (id int primary key, note text)");
            s.execute("INSERT INTO kept VALUES (1, 'survives a restart')");
        }
        try (EmbeddedDatabase db = EmbeddedDatabase.start(data, 0);
             Connection c = DriverManager.getConnection(db.jdbcUrl());
             Statement s = c.createStatement();
             ResultSet rs = s.executeQuery("SELECT note, current_setting('server_version_num')::int FROM kept")) {
            assertThat(rs.next()).isTrue();
            assertThat(rs.getString(1)).isEqualTo("survives a restart");
            assertThat(rs.getInt(2)).isGreaterThanOrEqualTo(130000);
        }
    }
}
