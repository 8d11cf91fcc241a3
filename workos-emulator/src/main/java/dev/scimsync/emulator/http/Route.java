package dev.scimsync.emulator.http;

/** A group of endpoints under one path prefix. */
public interface Route {

    /** Whether this route serves the request's path. */
    boolean matches(Exchange exchange);

    void handle(Exchange exchange);
}
