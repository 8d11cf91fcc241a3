package dev.scimsync.verify;

import java.time.Instant;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Supplier;

import dev.scimsync.writer.query.DirectoryRows;

/** The organization database as a drift check reads it, answering whatever the test sets. */
public final class FakeDatabase implements OrganizationDatabase {

    public final Set<String> organizations = ConcurrentHashMap.newKeySet();
    public volatile Supplier<DirectoryRows> rows;
    public volatile Supplier<Instant> lastEventCreatedAt = () -> null;

    public FakeDatabase(DirectoryRows rows) {
        this.rows = () -> rows;
    }

    public FakeDatabase holding(DirectoryRows now) {
        this.rows = () -> now;
        return this;
    }

    @Override
    public DirectoryRows directoryRows(String organizationId) {
        return rows.get();
    }

    @Override
    public Instant lastEventCreatedAt(String organizationId) {
        return lastEventCreatedAt.get();
    }

    @Override
    public boolean knows(String organizationId) {
        return organizations.contains(organizationId);
    }
}
