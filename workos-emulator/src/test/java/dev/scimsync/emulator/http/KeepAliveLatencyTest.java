package dev.scimsync.emulator.http;

import dev.scimsync.emulator.EmulatorFixture;
import dev.scimsync.emulator.EmulatorOptions;
import org.junit.jupiter.api.Test;

import java.util.Arrays;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * With Nagle's algorithm on, every keep-alive answer waits ~40 ms for the client's delayed ACK;
 * the bound here is far above a loaded machine's ~1 ms and far below that delay.
 */
class KeepAliveLatencyTest {

    @Test
    void shouldAnswerKeepAliveRequestsWithoutWaitingForDelayedAcks_WhenOneClientSendsInSequence() {
        try (EmulatorFixture fixture = EmulatorFixture.start(EmulatorOptions.defaults())) {
            fixture.get("/directories");
            long[] nanos = new long[21];
            for (int i = 0; i < nanos.length; i++) {
                long started = System.nanoTime();
                fixture.get("/directories");
                nanos[i] = System.nanoTime() - started;
            }
            Arrays.sort(nanos);

            assertThat(nanos[nanos.length / 2] / 1_000_000).as("median milliseconds").isLessThan(20);
            assertThat(System.getProperty("sun.net.httpserver.nodelay")).isEqualTo("true");
        }
    }
}
