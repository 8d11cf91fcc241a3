package dev.scimsync.emulator.model;

import java.util.List;

/** A user as the WorkOS API lists it: with the groups they belong to. */
public record DirectoryUserView(DirectoryUser user, List<DirectoryGroup> groups) {
}
