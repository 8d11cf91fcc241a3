package dev.scimsync.processor.state;

import dev.scimsync.core.model.Group;
import dev.scimsync.core.model.Member;
import dev.scimsync.core.model.Membership;

/** Where changed entities go: the state topics' sinks. */
interface StateEmitter {

    void member(Member member);

    void group(Group group);

    void membership(Membership membership);
}
