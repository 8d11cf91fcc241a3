package dev.scimsync.verify;

import java.sql.SQLException;
import java.time.Instant;
import java.util.Optional;

import dev.scimsync.writer.query.DirectoryRows;
import dev.scimsync.writer.query.OrganizationQueries;
import dev.scimsync.writer.query.OrganizationStatus;

/** What a drift check reads from the organization database. */
public interface OrganizationDatabase {

    /** The organization's present directory rows, read in one transaction. */
    DirectoryRows directoryRows(String organizationId) throws SQLException;

    /** When the last WorkOS event applied for the organization was created; null before the first. */
    Instant lastEventCreatedAt(String organizationId) throws SQLException;

    /** Whether the database has the organization. */
    boolean knows(String organizationId) throws SQLException;

    static OrganizationDatabase of(OrganizationQueries queries) {
        return new OrganizationDatabase() {
            @Override
            public DirectoryRows directoryRows(String organizationId) throws SQLException {
                return queries.directoryRows(organizationId);
            }

            @Override
            public Instant lastEventCreatedAt(String organizationId) throws SQLException {
                return queries.status(organizationId).map(OrganizationStatus::lastEventCreatedAt).orElse(null);
            }

            @Override
            public boolean knows(String organizationId) throws SQLException {
                Optional<OrganizationStatus> status = queries.status(organizationId);
                return status.isPresent();
            }
        };
    }
}
