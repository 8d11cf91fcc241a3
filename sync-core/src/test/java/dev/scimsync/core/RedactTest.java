package dev.scimsync.core;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

import dev.scimsync.core.log.Redact;

class RedactTest {

    @Test
    void shouldMaskEmailKeepingFirstLetterAndDomain() {
        assertThat(Redact.email("jane.doe@example.com")).isEqualTo("j***@example.com");
        assertThat(Redact.email("not-an-email")).isEqualTo("***");
        assertThat(Redact.email(null)).isNull();
    }

    @Test
    void shouldMaskEveryEmailInsideText() {
        assertThat(Redact.emailsIn("user jane.doe@example.com and bob@corp.io conflict"))
                .isEqualTo("user j***@example.com and b***@corp.io conflict");
    }

    @Test
    void shouldMaskPasswordsInUrls() {
        assertThat(Redact.url("jdbc:postgresql://db:5432/app?user=scim&password=hunter2&ssl=true"))
                .isEqualTo("jdbc:postgresql://db:5432/app?user=scim&password=******&ssl=true");
        assertThat(Redact.url("postgresql://scim:hunter2@db:5432/app")).isEqualTo("postgresql://scim:******@db:5432/app");
        assertThat(Redact.url("jdbc:postgresql://db/app")).isEqualTo("jdbc:postgresql://db/app");
    }

    @Test
    void shouldShowOnlyTheLengthOfASecret() {
        assertThat(Redact.secret("sk_test_123")).isEqualTo("****** (11 chars)");
        assertThat(Redact.secret(null)).isEqualTo("(not set)");
    }
}
