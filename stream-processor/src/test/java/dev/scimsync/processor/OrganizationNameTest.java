package dev.scimsync.processor;

import static dev.scimsync.processor.fixtures.EventBuilder.T0;
import static dev.scimsync.processor.fixtures.UserEventBuilder.aUserEvent;
import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.util.Map;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import dev.scimsync.core.model.SyncStatus;
import dev.scimsync.processor.fixtures.CountingMetrics;
import dev.scimsync.processor.fixtures.ProcessorHarness;

/** The organization's name rides on the envelopes (the poller reads it from WorkOS) into the status. */
class OrganizationNameTest {

    private static final String ORG = "org_01ACME";

    @TempDir
    Path stateDir;

    private ProcessorHarness processor;

    @BeforeEach
    void start() {
        processor = new ProcessorHarness(stateDir, Map.of(), new CountingMetrics());
    }

    @AfterEach
    void stop() {
        processor.close();
    }

    @Test
    void shouldKeepTheLatestNameTheEnvelopesCarry_EvenFromAnEventThatChangesNothingElse() {
        processor.send(aUserEvent().created().forUser("directory_user_1").at(T0).build().withOrganizationName("Acme"));
        processor.send(aUserEvent().updated().forUser("directory_user_1").at(T0.plusSeconds(1)).build());
        SyncStatus named = processor.emitPendingStatus().statusState().get(ORG);
        assertThat(named.organizationName()).isEqualTo("Acme");

        // a stale update, but WorkOS renamed the organization meanwhile
        processor.send(aUserEvent().updated().forUser("directory_user_1").at(T0).withEventId("event_00STALE").build()
                .withOrganizationName("Acme Corporation"));
        SyncStatus renamed = processor.emitPendingStatus().statusState().get(ORG);
        assertThat(renamed.organizationName()).isEqualTo("Acme Corporation");
        assertThat(renamed.appliedEvents()).isGreaterThan(named.appliedEvents());
        assertThat(renamed.members()).isEqualTo(1);
    }

    @Test
    void shouldLeaveOutANameTheDatabaseCannotStore_AndKeepTheLastGoodOne() {
        processor.send(aUserEvent().created().forUser("directory_user_1").at(T0).build().withOrganizationName("Acme"));
        processor.send(aUserEvent().created().forUser("directory_user_2").at(T0.plusSeconds(1)).build()
                .withOrganizationName("Ac\u0000me"));

        SyncStatus status = processor.emitPendingStatus().statusState().get(ORG);
        assertThat(status.organizationName()).isEqualTo("Acme");
        assertThat(status.members()).isEqualTo(2);
        assertThat(processor.deadLetters()).isEmpty();
    }
}
