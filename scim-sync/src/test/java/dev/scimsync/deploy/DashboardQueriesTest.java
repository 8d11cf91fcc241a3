package dev.scimsync.deploy;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;

class DashboardQueriesTest {

    @Test
    void shouldFindMetricNames_NotFunctionsLabelsKeywordsOrNumbers() {
        assertThat(DashboardQueries.namesIn("histogram_quantile(0.99, sum by (le) "
                + "(rate(scim_sync_sync_lag_seconds_bucket{stage=\"writer\"}[5m])))"))
                .containsExactly("scim_sync_sync_lag_seconds_bucket");
        assertThat(DashboardQueries.namesIn("max(scim_sync_poller_cursor_age_seconds and on (job, instance) "
                + "scim_sync_poller_leader == 1)"))
                .containsExactly("scim_sync_poller_cursor_age_seconds", "scim_sync_poller_leader");
        assertThat(DashboardQueries.namesIn("sum(increase(a_total[24h])) or vector(0) / 1e3 * "
                + "rate(b_total[$__rate_interval]) offset 5m"))
                .containsExactly("a_total", "b_total");
    }

    @Test
    void shouldLeaveOutRecordedSeries() throws Exception {
        String dashboard = "{\"panels\": [{\"targets\": [{\"expr\": \"job:lag:p99 > on (job) x_total\"}]}]}";
        Map<String, Object> rules = Map.of("groups", List.of(Map.of("rules", List.of(Map.of("record", "job:lag:p99",
                "expr", "y")))));
        assertThat(DashboardQueries.metricNames(dashboard, rules)).containsExactly("x_total");
    }

    @Test
    void shouldReadSampleNamesFromAScrape() {
        String scrape = "# HELP x_total a\n# TYPE x_total counter\nx_total{a=\"b c\"} 1.0\nup 1\n\n"
                + "h_seconds_bucket{le=\"+Inf\"} 3\n";
        assertThat(DashboardQueries.sampleNames(scrape)).containsExactly("h_seconds_bucket", "up", "x_total");
    }
}
