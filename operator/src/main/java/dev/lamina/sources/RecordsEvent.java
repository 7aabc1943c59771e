package dev.lamina.sources;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.List;

/**
 * The event {@code {"Records":[…]}} that SQS, Kinesis and DynamoDB mappings invoke with, put together from records
 * serialized once: no record is parsed or written again per invocation.
 */
final class RecordsEvent {
    private static final byte[] HEAD = "{\"Records\":[".getBytes(StandardCharsets.UTF_8);
    private static final byte[] TAIL = "]}".getBytes(StandardCharsets.UTF_8);

    private RecordsEvent() {
    }

    /** The size of the event holding records of these sizes in total. */
    static long size(int records, long recordBytes) {
        return HEAD.length + TAIL.length + Math.max(0, records - 1) + recordBytes;
    }

    static byte[] of(List<byte[]> records) {
        ByteArrayOutputStream out = new ByteArrayOutputStream(
                (int) size(records.size(), records.stream().mapToLong(r -> r.length).sum()));
        out.writeBytes(HEAD);
        for (int i = 0; i < records.size(); i++) {
            if (i > 0) {
                out.write(',');
            }
            out.writeBytes(records.get(i));
        }
        out.writeBytes(TAIL);
        return out.toByteArray();
    }
}
