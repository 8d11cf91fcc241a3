package dev.scimsync.processor.state;

/** What one event did to its organization: whether any store changed, and the change in entities present. */
final class Changes {

    private boolean changed;
    private long members;
    private long groups;
    private long memberships;

    void changed() {
        changed = true;
    }

    void members(int delta) {
        members += delta;
    }

    void groups(int delta) {
        groups += delta;
    }

    void memberships(int delta) {
        memberships += delta;
    }

    boolean any() {
        return changed;
    }

    long membersDelta() {
        return members;
    }

    long groupsDelta() {
        return groups;
    }

    long membershipsDelta() {
        return memberships;
    }
}
