package dev.scimsync.admin;

import java.util.List;
import java.util.Locale;

/** A small inline SVG bar chart (no script, no library): one bar per minute. */
final class ConsoleChart {

    static final int WIDTH = 600;
    static final int HEIGHT = 80;

    private ConsoleChart() {
    }

    /** Bars for {@code values} (oldest first), scaled to the largest; an accessible summary says the total. */
    static String bars(List<Long> values, long total) {
        long max = Math.max(1, values.stream().mapToLong(Long::longValue).max().orElse(0));
        double slot = (double) WIDTH / Math.max(1, values.size());
        StringBuilder svg = new StringBuilder(256 + values.size() * 80);
        svg.append("<figure class=\"chart\"><svg viewBox=\"0 0 ").append(WIDTH).append(' ').append(HEIGHT + 14)
                .append("\" width=\"100%\" height=\"").append(HEIGHT + 14).append("\" role=\"img\" aria-label=\"")
                .append(total).append(" directory changes in the last hour\">")
                .append("<line x1=\"0\" y1=\"").append(HEIGHT).append("\" x2=\"").append(WIDTH).append("\" y2=\"")
                .append(HEIGHT).append("\" stroke=\"#c8ced6\"/>");
        for (int i = 0; i < values.size(); i++) {
            long v = values.get(i);
            if (v == 0) {
                continue;
            }
            double h = Math.max(2, (double) v / max * (HEIGHT - 16));
            svg.append(String.format(Locale.ROOT, "<rect x=\"%.1f\" y=\"%.1f\" width=\"%.1f\" height=\"%.1f\" "
                    + "fill=\"#3b6fd8\"><title>%d</title></rect>", i * slot + 1, HEIGHT - h, slot - 2, h, v));
        }
        svg.append("<text x=\"0\" y=\"").append(HEIGHT + 12).append("\" font-size=\"10\" fill=\"#667\">60 min ago</text>")
                .append("<text x=\"").append(WIDTH).append("\" y=\"").append(HEIGHT + 12)
                .append("\" font-size=\"10\" fill=\"#667\" text-anchor=\"end\">now</text>")
                .append("<text x=\"0\" y=\"10\" font-size=\"10\" fill=\"#667\">max ")
                .append(max).append("/min</text></svg><figcaption id=\"changes-last-hour\">").append(total)
                .append(" changes in the last hour</figcaption></figure>");
        return svg.toString();
    }
}
