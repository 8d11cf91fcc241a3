package dev.scimsync.core.event;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

import dev.scimsync.core.serde.Json;

class DirectoryUsersTest {

    @Test
    void shouldPreferTheTopLevelEmail_ThenThePrimaryThenTheFirstOfEmails() throws Exception {
        assertThat(DirectoryUsers.email(Json.MAPPER.readTree("""
                {"email":"top@example.com","emails":[{"value":"other@example.com","primary":true}]}"""))).isEqualTo("top@example.com");
        assertThat(DirectoryUsers.email(Json.MAPPER.readTree("""
                {"email":null,"emails":[{"value":"first@example.com"},{"value":"primary@example.com","primary":true}]}""")))
                .isEqualTo("primary@example.com");
        assertThat(DirectoryUsers.email(Json.MAPPER.readTree("""
                {"emails":[{"value":"first@example.com"},{"value":"second@example.com"}]}"""))).isEqualTo("first@example.com");
        assertThat(DirectoryUsers.email(Json.MAPPER.readTree("{\"id\":\"directory_user_1\"}"))).isNull();
    }
}
