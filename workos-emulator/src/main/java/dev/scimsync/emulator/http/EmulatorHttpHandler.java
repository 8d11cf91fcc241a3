package dev.scimsync.emulator.http;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpHandler;
import dev.scimsync.emulator.json.Json;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.List;

/** The server's single handler: picks the first matching route and turns failures into responses. */
public final class EmulatorHttpHandler implements HttpHandler {

    private static final Logger LOG = LoggerFactory.getLogger(EmulatorHttpHandler.class);

    private final List<Route> routes;

    public EmulatorHttpHandler(List<Route> routes) {
        this.routes = List.copyOf(routes);
    }

    @Override
    public void handle(HttpExchange httpExchange) {
        Exchange exchange = new Exchange(httpExchange);
        try {
            Route route = routes.stream().filter(r -> r.matches(exchange)).findFirst()
                    .orElseThrow(() -> new HttpError(404, Json.object().put("message", "Not found")));
            route.handle(exchange);
        } catch (HttpError error) {
            exchange.respond(error.status(), error.body(), error.contentType(), error.headers());
        } catch (RuntimeException e) {
            // the request line only: query strings and bodies may hold tokens
            LOG.error("{} {} failed", exchange.method(), httpExchange.getRequestURI().getPath(), e);
            if (!exchange.responded()) {
                exchange.respond(500, Json.object().put("message", "Internal error: " + e.getClass().getSimpleName()));
            }
        } finally {
            httpExchange.close();
        }
    }
}
