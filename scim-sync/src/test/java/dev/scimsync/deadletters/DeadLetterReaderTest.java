package dev.scimsync.deadletters;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;

import org.junit.jupiter.api.Test;

class DeadLetterReaderTest {

    @Test
    void shouldTakeTheOrganizationFromTheKey_WhenTheRecordHasOne() {
        assertThat(DeadLetterReader.organizationOf(bytes("org_1/directory_user_2"), bytes("not json")))
                .isEqualTo("org_1");
        assertThat(DeadLetterReader.organizationOf(bytes("org_1"), null)).isEqualTo("org_1");
    }

    @Test
    void shouldTakeTheOrganizationFromTheWorkosEvent_WhenTheKeyIsMissing() {
        assertThat(DeadLetterReader.organizationOf(null, bytes("{\"id\":\"event_1\",\"organization_id\":\"org_2\"}")))
                .isEqualTo("org_2");
        assertThat(DeadLetterReader.organizationOf(null, bytes("{\"event\":{\"data\":{\"organization_id\":\"org_3\"}}}")))
                .isEqualTo("org_3");
    }

    @Test
    void shouldListTheLetterWithoutAnOrganization_WhenNeitherSaysIt() {
        assertThat(DeadLetterReader.organizationOf(null, bytes("{\"id\":\"event_1\"}"))).isNull();
        assertThat(DeadLetterReader.organizationOf(null, bytes("\u0000garbage"))).isNull();
        assertThat(DeadLetterReader.organizationOf(new byte[0], null)).isNull();
    }

    private static byte[] bytes(String text) {
        return text.getBytes(StandardCharsets.UTF_8);
    }
}
