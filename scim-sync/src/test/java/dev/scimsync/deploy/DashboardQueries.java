package dev.scimsync.deploy;

import java.lang.reflect.Field;
import java.lang.reflect.Modifier;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import com.fasterxml.jackson.databind.JsonNode;

import dev.scimsync.core.metrics.MetricNames;
import dev.scimsync.core.serde.Json;

/** Metric names in PromQL as the dashboard writes it, and in a Prometheus scrape. */
final class DashboardQueries {

    private static final Pattern IDENTIFIER = Pattern.compile("[a-zA-Z_:][a-zA-Z0-9_:]*");
    /** PromQL words that are not metric names (functions are told apart by the parenthesis that follows). */
    private static final Set<String> KEYWORDS = Set.of("and", "or", "unless", "bool", "offset", "by", "without", "on",
            "ignoring", "group_left", "group_right", "inf", "nan", "Inf", "NaN");
    /** Series Prometheus makes itself, not scraped from /metrics. */
    private static final Set<String> SYNTHETIC = Set.of("up", "ALERTS", "ALERTS_FOR_STATE", "scrape_duration_seconds",
            "scrape_samples_scraped");

    private DashboardQueries() {
    }

    /**
     * The metric names the dashboard's queries read from /metrics: every {@code expr} of its panels, less the series
     * recording rules make and those Prometheus makes itself.
     */
    static Set<String> metricNames(String dashboardJson, Map<String, Object> rulesFile) throws Exception {
        JsonNode dashboard = Json.MAPPER.readTree(dashboardJson);
        Set<String> names = new TreeSet<>();
        for (JsonNode expr : dashboard.findValues("expr")) {
            names.addAll(namesIn(expr.asText()));
        }
        names.removeAll(recorded(rulesFile));
        names.removeAll(SYNTHETIC);
        return names;
    }

    /** Metric names in one PromQL expression. */
    static Set<String> namesIn(String promql) {
        String s = promql
                .replaceAll("\\$\\{[^}]*}|\\$\\w+", "1m")                     // Grafana variables
                .replaceAll("\"(?:[^\"\\\\]|\\\\.)*\"|'(?:[^'\\\\]|\\\\.)*'", "\"\"") // string literals
                .replaceAll("\\{[^}]*}", " ")                                 // label matchers
                .replaceAll("\\[[^]]*]", " ")                                 // range and subquery windows
                .replaceAll("\\b(by|without|on|ignoring|group_left|group_right)\\s*\\([^)]*\\)", " "); // label lists
        Set<String> names = new TreeSet<>();
        Matcher m = IDENTIFIER.matcher(s);
        while (m.find()) {
            String token = m.group();
            boolean partOfNumber = m.start() > 0 && Character.isDigit(s.charAt(m.start() - 1));
            String rest = s.substring(m.end()).stripLeading();
            if (!partOfNumber && !KEYWORDS.contains(token) && !rest.startsWith("(")) {
                names.add(token);
            }
        }
        return names;
    }

    /** The names of the samples in a Prometheus text scrape. */
    static Set<String> sampleNames(String scrape) {
        Set<String> names = new TreeSet<>();
        for (String line : scrape.split("\n")) {
            if (line.isBlank() || line.startsWith("#")) {
                continue;
            }
            int end = line.length();
            for (char c : new char[] {'{', ' '}) {
                int at = line.indexOf(c);
                if (at >= 0 && at < end) {
                    end = at;
                }
            }
            names.add(line.substring(0, end));
        }
        return names;
    }

    /** The counters MetricNames declares, as Prometheus names them ({@code a.b} → {@code a_b_total}). */
    static Set<String> declaredPrometheusNames() throws IllegalAccessException {
        Set<String> names = new TreeSet<>();
        for (Field field : MetricNames.class.getFields()) {
            if (Modifier.isStatic(field.getModifiers()) && field.getType() == String.class) {
                String value = (String) field.get(null);
                if (value.startsWith("scim_sync.")) {
                    names.add(value.replace('.', '_') + "_total");
                }
            }
        }
        return names;
    }

    @SuppressWarnings("unchecked")
    private static Set<String> recorded(Map<String, Object> rulesFile) {
        Set<String> names = new TreeSet<>();
        for (Map<String, Object> group : (List<Map<String, Object>>) rulesFile.getOrDefault("groups", List.of())) {
            for (Map<String, Object> rule : (List<Map<String, Object>>) group.getOrDefault("rules", List.of())) {
                if (rule.get("record") != null) {
                    names.add(String.valueOf(rule.get("record")));
                }
            }
        }
        return names;
    }
}
