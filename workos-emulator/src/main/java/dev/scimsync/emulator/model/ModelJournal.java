package dev.scimsync.emulator.model;

import java.util.List;

/** Where the model hands each change's mutations, in change order, to make them durable. */
public interface ModelJournal {

    /** No persistence: nothing is recorded and nothing is waited for. */
    ModelJournal NONE = new ModelJournal() {
        @Override
        public Pending append(List<ModelMutation> mutations) {
            return () -> { };
        }
    };

    /** Called under the model lock before a change; throws to refuse it, e.g. once writing has failed. */
    default void checkWritable() {
    }

    /**
     * Called under the model lock after each change, also after one that failed half-way (its
     * mutations up to the failure), so changes arrive in the order they were made. Must not block.
     *
     * @return what the caller waits for, outside the lock, before it reports the change as done
     */
    Pending append(List<ModelMutation> mutations);

    /** A change on its way to the journal. */
    interface Pending {

        /** Returns once the change is durable; throws when it cannot be made durable. */
        void await();
    }
}
