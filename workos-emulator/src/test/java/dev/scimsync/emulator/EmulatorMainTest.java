package dev.scimsync.emulator;

import org.junit.jupiter.api.Test;

import java.nio.file.Path;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class EmulatorMainTest {

    @Test
    void shouldApplyEveryOption_WhenAllArePassed() {
        EmulatorOptions options = EmulatorMain.parse(new String[] {"--port", "8089", "--api-key", "sk_test_cli",
                "--no-rate-limits", "--persist", "state.json", "--keep-inactive"}, null);

        assertThat(options).isEqualTo(new EmulatorOptions("127.0.0.1", 8089, "sk_test_cli", false, false,
                Path.of("state.json")));
    }

    @Test
    void shouldTakeTheKeyFromTheEnvironment_WhenNoApiKeyOptionIsGiven() {
        assertThat(EmulatorMain.parse(new String[0], "sk_test_env").apiKey()).isEqualTo("sk_test_env");
        assertThat(EmulatorMain.parse(new String[0], null).apiKey()).isEqualTo(EmulatorOptions.DEFAULT_API_KEY);
    }

    @Test
    void shouldRejectUnknownOptions_WhenMistyped() {
        assertThatThrownBy(() -> EmulatorMain.parse(new String[] {"--prot", "1"}, null))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("--prot");
    }

    @Test
    void shouldMaskTheApiKey_WhenOptionsAreLogged() {
        assertThat(EmulatorOptions.defaults().withApiKey("sk_test_supersecret").toString())
                .doesNotContain("supersecret");
    }
}
