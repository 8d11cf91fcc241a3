package dev.scimsync.emulator.model;

import java.time.Instant;

/** A WorkOS organization; directories belong to one. */
public record Organization(String id, String name, Instant createdAt) {
}
