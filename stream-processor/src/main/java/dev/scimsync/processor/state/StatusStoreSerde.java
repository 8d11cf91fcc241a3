package dev.scimsync.processor.state;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.Arrays;
import java.util.Map;

import org.apache.kafka.common.errors.SerializationException;
import org.apache.kafka.common.serialization.Deserializer;
import org.apache.kafka.common.serialization.Serde;
import org.apache.kafka.common.serialization.Serializer;

import dev.scimsync.core.model.ResyncOutcome;
import dev.scimsync.core.model.SyncStatus;
import dev.scimsync.core.serde.JsonSerde;

/**
 * The {@code status} store's values (and so its changelog's): binary, since every applied event writes its
 * organization's status into the store (the JSON writer was about 5 % of the stream thread). The status <em>topic</em>
 * stays JSON (the state-writer reads it); this format is only the processor's own.
 *
 * <p>Versioned by the first byte: {@code 1} is the format below; {@code '{'} is the JSON every earlier version wrote,
 * still read, so a changelog restored after an upgrade (or a task directory of the earlier version) works. An earlier
 * processor cannot read this format: going back to it needs the processor's state reset (its stores and changelogs).
 *
 * <p>Format 1: strings as int length (−1 for null) and UTF-8 bytes; instants as a presence byte, epoch second (long)
 * and nano (int); counts as longs; the resync outcome as a presence byte and its fields. The fields in
 * {@link SyncStatus}'s order.
 */
final class StatusStoreSerde implements Serde<SyncStatus>, Serializer<SyncStatus>, Deserializer<SyncStatus> {

    static final byte FORMAT_1 = 1;
    private static final JsonSerde<SyncStatus> JSON = JsonSerde.of(SyncStatus.class);

    @Override
    public byte[] serialize(String topic, SyncStatus s) {
        if (s == null) {
            return null;
        }
        byte[][] strings = {utf8(s.organizationId()), utf8(s.lastEventId()), utf8(s.resyncId()),
                utf8(s.resyncState()), utf8(s.organizationName())};
        ResyncOutcome o = s.resyncOutcome();
        byte[] scope = o == null ? null : utf8(o.scope());
        byte[] note = o == null ? null : utf8(o.note());
        // at most: format, 5 string lengths, 4 instants (presence, second, nano), 4 counts, the outcome's presence
        // and fields (2 string lengths, dry run, 4 counts), the strings' bytes
        int size = 1 + 5 * 4 + 4 * (1 + 8 + 4) + 4 * 8 + 1 + (o == null ? 0 : 2 * 4 + 1 + 4 * 8);
        for (byte[] string : strings) {
            size += string == null ? 0 : string.length;
        }
        size += (scope == null ? 0 : scope.length) + (note == null ? 0 : note.length);
        ByteBuffer out = ByteBuffer.allocate(size);
        out.put(FORMAT_1);
        putString(out, strings[0]);
        putString(out, strings[1]);
        putInstant(out, s.lastEventCreatedAt());
        putInstant(out, s.lastAppliedAt());
        out.putLong(s.members()).putLong(s.groups()).putLong(s.memberships());
        putString(out, strings[2]);
        putString(out, strings[3]);
        out.putLong(s.appliedEvents());
        putInstant(out, s.countingSince());
        if (o == null) {
            out.put((byte) 0);
        } else {
            out.put((byte) 1);
            putString(out, scope);
            out.put((byte) (o.dryRun() ? 1 : 0));
            out.putLong(o.members()).putLong(o.groups()).putLong(o.memberships()).putLong(o.presentMembers());
            putString(out, note);
        }
        putInstant(out, s.resyncChangedAt());
        putString(out, strings[4]);
        return out.position() == size ? out.array() : Arrays.copyOf(out.array(), out.position());
    }

    @Override
    public SyncStatus deserialize(String topic, byte[] data) {
        if (data == null) {
            return null;
        }
        if (data.length > 0 && data[0] == '{') {
            return JSON.deserialize(topic, data);
        }
        if (data.length == 0 || data[0] != FORMAT_1) {
            throw new SerializationException("cannot read a status of format " + (data.length == 0 ? "(empty)"
                    : Byte.toString(data[0])) + " from " + topic + ": written by a newer processor?");
        }
        try {
            ByteBuffer in = ByteBuffer.wrap(data, 1, data.length - 1);
            String organizationId = string(in);
            String lastEventId = string(in);
            Instant lastEventCreatedAt = instant(in);
            Instant lastAppliedAt = instant(in);
            long members = in.getLong();
            long groups = in.getLong();
            long memberships = in.getLong();
            String resyncId = string(in);
            String resyncState = string(in);
            long appliedEvents = in.getLong();
            Instant countingSince = instant(in);
            ResyncOutcome outcome = null;
            if (in.get() == 1) {
                String scope = string(in);
                boolean dryRun = in.get() == 1;
                outcome = new ResyncOutcome(scope, dryRun, in.getLong(), in.getLong(), in.getLong(), in.getLong(),
                        string(in));
            }
            Instant resyncChangedAt = instant(in);
            String organizationName = string(in);
            return new SyncStatus(organizationId, lastEventId, lastEventCreatedAt, lastAppliedAt, members, groups,
                    memberships, resyncId, resyncState, appliedEvents, countingSince, outcome, resyncChangedAt,
                    organizationName);
        } catch (RuntimeException e) {
            throw new SerializationException("cannot read a status from " + topic + ": " + e, e);
        }
    }

    private static byte[] utf8(String s) {
        return s == null ? null : s.getBytes(StandardCharsets.UTF_8);
    }

    private static void putString(ByteBuffer out, byte[] utf8) {
        if (utf8 == null) {
            out.putInt(-1);
        } else {
            out.putInt(utf8.length).put(utf8);
        }
    }

    private static String string(ByteBuffer in) {
        int length = in.getInt();
        if (length < 0) {
            return null;
        }
        String s = new String(in.array(), in.position(), length, StandardCharsets.UTF_8);
        in.position(in.position() + length);
        return s;
    }

    private static void putInstant(ByteBuffer out, Instant at) {
        if (at == null) {
            out.put((byte) 0);
        } else {
            out.put((byte) 1).putLong(at.getEpochSecond()).putInt(at.getNano());
        }
    }

    private static Instant instant(ByteBuffer in) {
        return in.get() == 0 ? null : Instant.ofEpochSecond(in.getLong(), in.getInt());
    }

    @Override
    public void configure(Map<String, ?> configs, boolean isKey) {
        // nothing to configure
    }

    @Override
    public void close() {
        // stateless
    }

    @Override
    public Serializer<SyncStatus> serializer() {
        return this;
    }

    @Override
    public Deserializer<SyncStatus> deserializer() {
        return this;
    }
}
