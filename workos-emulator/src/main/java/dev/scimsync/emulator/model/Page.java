package dev.scimsync.emulator.model;

import java.util.ArrayList;
import java.util.Collections;
import java.util.Iterator;
import java.util.List;
import java.util.NavigableSet;
import java.util.function.Function;

/**
 * One page of a list plus WorkOS {@code list_metadata}: {@code before}/{@code after} are the
 * cursors to the previous/next page, null at either end.
 */
public record Page<T>(List<T> data, String before, String after) {

    public <R> Page<R> map(Function<T, R> mapper) {
        List<R> mapped = new ArrayList<>(data.size());
        data.forEach(item -> mapped.add(mapper.apply(item)));
        return new Page<>(mapped, before, after);
    }

    /**
     * Cuts a page out of sorted ids. Costs O(limit · log n): the sorted set's views give the
     * start position and the "is there more" answers without scanning, which keeps paging
     * through 100,000 users cheap.
     */
    public static <T> Page<T> of(NavigableSet<String> ids, PageRequest request, Function<String, T> lookup) {
        NavigableSet<String> ordered = request.order() == SortOrder.ASC ? ids : ids.descendingSet();
        List<String> pageIds = new ArrayList<>(Math.min(request.limit(), ids.size()));
        if (request.before() != null) {
            Iterator<String> it = ordered.headSet(request.before(), false).descendingIterator();
            while (it.hasNext() && pageIds.size() < request.limit()) {
                pageIds.add(it.next());
            }
            Collections.reverse(pageIds);
        } else {
            NavigableSet<String> tail = request.after() == null ? ordered : ordered.tailSet(request.after(), false);
            Iterator<String> it = tail.iterator();
            while (it.hasNext() && pageIds.size() < request.limit()) {
                pageIds.add(it.next());
            }
        }
        if (pageIds.isEmpty()) {
            return new Page<>(List.of(), null, null);
        }
        String first = pageIds.get(0);
        String last = pageIds.get(pageIds.size() - 1);
        String before = ordered.headSet(first, false).isEmpty() ? null : first;
        String after = ordered.tailSet(last, false).isEmpty() ? null : last;
        List<T> data = new ArrayList<>(pageIds.size());
        pageIds.forEach(id -> data.add(lookup.apply(id)));
        return new Page<>(data, before, after);
    }
}
