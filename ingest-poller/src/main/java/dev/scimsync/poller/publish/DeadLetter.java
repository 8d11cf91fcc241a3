package dev.scimsync.poller.publish;

/**
 * An event the poller could not publish to the events topic, with why.
 *
 * @param eventId nullable when the event had none
 * @param reason  short, no personal data
 * @param rawJson the event as WorkOS sent it
 */
public record DeadLetter(String eventId, String reason, String rawJson) {
}
