package dev.scimsync.runtime;

import org.slf4j.Marker;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.turbo.TurboFilter;
import ch.qos.logback.core.spi.FilterReply;

/**
 * Drops a warning the embedded Kafka broker logs on every clean stop: in combined (broker + controller) mode
 * its registration channel is closed twice, and the second close only says so. A stop that went well must
 * read as one (INFO lines only), so an operator learns to take a WARN at stop seriously.
 */
public final class KnownNoiseFilter extends TurboFilter {

    private static final String DOUBLE_CLOSE = "Attempting to close NetworkClient that has already been closed";

    @Override
    public FilterReply decide(Marker marker, Logger logger, Level level, String format, Object[] params, Throwable t) {
        if (level == Level.WARN && format != null && format.contains(DOUBLE_CLOSE)
                && logger.getName().equals("org.apache.kafka.clients.NetworkClient")) {
            return FilterReply.DENY;
        }
        return FilterReply.NEUTRAL;
    }
}
