package example.thumbnail;

import com.amazonaws.services.lambda.runtime.Context;
import com.amazonaws.services.lambda.runtime.RequestHandler;
import com.amazonaws.services.lambda.runtime.events.ScheduledEvent;
import java.util.Map;

/**
 * The nightly clean-up, invoked by a schedule: deletes every thumbnail in the bucket named by {@code BUCKET} whose
 * image under {@code uploads/} is gone, and the image's item in the table. Answers how many thumbnails it checked and
 * deleted.
 */
public class CleanupHandler implements RequestHandler<ScheduledEvent, Map<String, Integer>> {

    private final ObjectStore store;
    private final MetadataTable table;
    private final String bucket;

    public CleanupHandler() {
        this(S3ObjectStore.fromEnvironment(), DynamoDbMetadataTable.fromEnvironment(), Environment.required("BUCKET"));
    }

    CleanupHandler(ObjectStore store, MetadataTable table, String bucket) {
        this.store = store;
        this.table = table;
        this.bucket = bucket;
    }

    @Override
    public Map<String, Integer> handleRequest(ScheduledEvent event, Context context) {
        int checked = 0;
        int deleted = 0;
        for (String thumbnailKey : store.list(bucket, Keys.THUMBNAILS)) {
            checked++;
            String upload = Keys.uploadOf(thumbnailKey);
            if (!store.exists(bucket, upload)) {
                store.delete(bucket, thumbnailKey);
                table.delete(upload);
                deleted++;
                context.getLogger().log("deleted " + thumbnailKey + ": " + upload + " is gone\n");
            }
        }
        context.getLogger().log("checked " + checked + " thumbnails, deleted " + deleted + "\n");
        return Map.of("checked", checked, "deleted", deleted);
    }
}
