package dev.scimsync.emulator.model;

import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.NavigableSet;
import java.util.TreeSet;
import java.util.function.Function;

import static org.assertj.core.api.Assertions.assertThat;

class PageTest {

    private static final NavigableSet<String> IDS = new TreeSet<>(List.of("a", "b", "c", "d", "e"));

    @Test
    void shouldGiveAfterCursor_WhenMoreItemsFollowInAscendingOrder() {
        Page<String> first = Page.of(IDS, new PageRequest(2, null, null, SortOrder.ASC), Function.identity());
        Page<String> last = Page.of(IDS, new PageRequest(2, null, "d", SortOrder.ASC), Function.identity());

        assertThat(first).isEqualTo(new Page<>(List.of("a", "b"), null, "b"));
        assertThat(last).isEqualTo(new Page<>(List.of("e"), "e", null));
    }

    @Test
    void shouldWalkNewestFirst_WhenOrderIsDescending() {
        Page<String> first = Page.of(IDS, new PageRequest(2, null, null, SortOrder.DESC), Function.identity());
        Page<String> second = Page.of(IDS, new PageRequest(2, null, first.after(), SortOrder.DESC), Function.identity());

        assertThat(first.data()).containsExactly("e", "d");
        assertThat(second).isEqualTo(new Page<>(List.of("c", "b"), "c", "b"));
    }

    @Test
    void shouldReturnThePrecedingItems_WhenPagingBackwardsWithBefore() {
        Page<String> page = Page.of(IDS, new PageRequest(2, "d", null, SortOrder.ASC), Function.identity());

        assertThat(page).isEqualTo(new Page<>(List.of("b", "c"), "b", "c"));
    }
}
