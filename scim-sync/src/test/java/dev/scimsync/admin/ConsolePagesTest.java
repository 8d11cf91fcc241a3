package dev.scimsync.admin;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;

import dev.scimsync.writer.query.DirectoryQueries;

class ConsolePagesTest {

    @Test
    void shouldEscapeDirectoryText_WhenItLooksLikeMarkup() {
        DirectoryQueries.MemberPage page = new DirectoryQueries.MemberPage(List.of(new DirectoryQueries.MemberListing(
                1, "directory_user_1", "a@b.test", "<script>alert(1)</script>", "O'Hara", "active", "directory", null,
                List.of("R&D \"core\""), null)), 1, 0, 25);
        String html = ConsolePages.members("csrf", "org_1", "<b>Acme</b>", page, "\"><img src=x>", false);
        assertThat(html).doesNotContain("<script>alert(1)").doesNotContain("<b>Acme</b>")
                .doesNotContain("\"><img src=x>")
                .contains("&lt;script&gt;alert(1)&lt;/script&gt; O&#39;Hara")
                .contains("R&amp;D &quot;core&quot;")
                .contains("SCIM-managed");
    }

    @Test
    void shouldShowTheHeldSyncAndOfferRemoveAnyway_WhenTheLastResyncWasHeld() {
        Map<String, Object> status = status("held");
        Map<String, Object> sweep = new LinkedHashMap<>();
        sweep.put("scope", "members");
        sweep.put("note", "held: would remove 5 members");
        status.put("last_resync_sweep", sweep);
        String flow = ConsolePages.heldOnArrival(ConsolePages.syncFlow(null), status);
        assertThat(flow).contains("data-held-scope=\"members\"").contains("<div class=\"held\">")
                .contains("The last members sync (resync_1) was held: held: would remove 5 members")
                .contains("Remove anyway");
        assertThat(ConsolePages.Health.of(status, true, 0)).isEqualTo(ConsolePages.Health.RESYNC_HELD);
    }

    @Test
    void shouldKeepTheHeldBoxHidden_WhenTheLastResyncCompleted() {
        String flow = ConsolePages.heldOnArrival(ConsolePages.syncFlow(null), status("completed"));
        assertThat(flow).contains("<div class=\"held\" hidden>").doesNotContain("data-held-scope");
    }

    @Test
    void shouldPickTheFirstHealthThatApplies() {
        Map<String, Object> fine = status("completed");
        assertThat(ConsolePages.Health.of(fine, null, 0)).isEqualTo(ConsolePages.Health.IN_SYNC);
        assertThat(ConsolePages.Health.of(fine, false, 3)).isEqualTo(ConsolePages.Health.DRIFT_FOUND);
        assertThat(ConsolePages.Health.of(fine, true, 3)).isEqualTo(ConsolePages.Health.DEAD_LETTERS);
        fine.put("lag_seconds", 61.0);
        assertThat(ConsolePages.Health.of(fine, true, 0)).isEqualTo(ConsolePages.Health.LAGGING);
        fine.remove("last_event_created_at");
        fine.remove("lag_seconds");
        assertThat(ConsolePages.Health.of(fine, null, 0)).isEqualTo(ConsolePages.Health.NO_EVENTS);
    }

    private static Map<String, Object> status(String resyncState) {
        Map<String, Object> status = new LinkedHashMap<>();
        status.put("id", "org_1");
        status.put("last_event_created_at", Instant.parse("2026-01-01T00:00:00Z"));
        status.put("lag_seconds", 0.5);
        status.put("last_resync_id", "resync_1");
        status.put("last_resync_state", resyncState);
        return status;
    }
}
