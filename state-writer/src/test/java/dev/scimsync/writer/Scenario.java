package dev.scimsync.writer;

import static dev.scimsync.writer.Fixtures.aGroup;
import static dev.scimsync.writer.Fixtures.aMember;
import static dev.scimsync.writer.Fixtures.aMembership;
import static dev.scimsync.writer.Fixtures.aStatus;

/**
 * A directory's life on the state topics: users and groups created, updated, some removed and restored,
 * memberships added and ended, stale updates arriving late, statuses with a resync.
 */
final class Scenario {

    private Scenario() {
    }

    static TopicLog directoryLife(TopicLog log, int organizations, int usersPerOrganization) {
        long event = 100;
        for (int o = 0; o < organizations; o++) {
            String org = "org_" + o;
            log.status(aStatus(org, event, 0, 0, 0, "resync_" + o, "running"));
            for (int g = 0; g < 3; g++) {
                log.group(aGroup(org, "g" + g).at(++event).build());
            }
            for (int u = 0; u < usersPerOrganization; u++) {
                String user = "u" + u;
                long created = ++event;
                log.member(aMember(org, user).at(created).build());
                log.membership(aMembership(org, "g" + (u % 3), user).at(++event).build());
                if (u % 4 == 0) {
                    log.member(aMember(org, user).withFirstName("Renamed").at(++event).build());
                    log.member(aMember(org, user).withFirstName("Stale").at(created).build());
                }
                if (u % 5 == 0) {
                    log.membership(aMembership(org, "g" + (u % 3), user).at(++event).removed().build());
                    log.member(aMember(org, user).at(++event).removed().build());
                }
                if (u % 10 == 0) {
                    log.member(aMember(org, user).withFirstName("Back").at(++event).build());
                }
            }
            log.group(aGroup(org, "g2").at(++event).removed().build());
            log.status(aStatus(org, event, usersPerOrganization, 2, usersPerOrganization, "resync_" + o, "completed"));
        }
        return log;
    }
}
