package dev.scimsync.processor.state;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Instant;

import org.apache.kafka.common.errors.SerializationException;
import org.junit.jupiter.api.Test;

import dev.scimsync.core.model.ResyncOutcome;
import dev.scimsync.core.model.SyncStatus;
import dev.scimsync.core.serde.JsonSerde;

class StatusStoreSerdeTest {

    private static final StatusStoreSerde SERDE = new StatusStoreSerde();
    private static final Instant T = Instant.parse("2026-03-02T09:00:00.123456789Z");

    private static final SyncStatus FULL = new SyncStatus("org_01", "event_01", T, T.plusSeconds(1), 20_000, 200,
            40_000, "resync_01-dry", "previewed", 60_200, T.minusSeconds(3600),
            new ResyncOutcome("both", true, 3, 2, 1, 19_997, "näme ✓ 𝄞"), T.plusSeconds(2), "Acme ✓ GmbH");
    private static final SyncStatus EMPTY = new SyncStatus("org_01", null, null, null, 0, 0, 0, null, null, 1, null,
            null, null, null);
    private static final SyncStatus NO_OUTCOME = new SyncStatus("org_01", "event_01", T, T, -1, 0, Long.MAX_VALUE,
            "resync_02", "running", 7, Instant.EPOCH, null, T, "");

    @Test
    void shouldReadBackEveryField_WhenWrittenInFormat1() {
        for (SyncStatus status : new SyncStatus[] {FULL, EMPTY, NO_OUTCOME}) {
            byte[] bytes = SERDE.serialize("t", status);
            assertThat(bytes[0]).isEqualTo(StatusStoreSerde.FORMAT_1);
            assertThat(SERDE.deserialize("t", bytes)).isEqualTo(status);
        }
    }

    @Test
    void shouldReadTheJsonOfEarlierVersions_WhenTheChangelogHoldsIt() {
        JsonSerde<SyncStatus> json = JsonSerde.of(SyncStatus.class);
        for (SyncStatus status : new SyncStatus[] {FULL, EMPTY, NO_OUTCOME}) {
            assertThat(SERDE.deserialize("t", json.serialize("t", status))).isEqualTo(status);
        }
    }

    @Test
    void shouldRefuseAnUnknownFormat() {
        assertThatThrownBy(() -> SERDE.deserialize("t", new byte[] {2, 0, 0})).isInstanceOf(SerializationException.class)
                .hasMessageContaining("format 2");
        assertThatThrownBy(() -> SERDE.deserialize("t", new byte[] {1, 0})).isInstanceOf(SerializationException.class);
    }

    @Test
    void shouldKeepNullAsNull() {
        assertThat(SERDE.serialize("t", null)).isNull();
        assertThat(SERDE.deserialize("t", null)).isNull();
    }
}
