package dev.scimsync.runtime;

/** The pipeline's stages; {@code scim-sync run} runs all three. */
public enum Stage {
    POLLER, PROCESSOR, WRITER
}
