package example.thumbnail;

import com.amazonaws.services.lambda.runtime.Context;
import com.amazonaws.services.lambda.runtime.LambdaLogger;
import com.amazonaws.services.lambda.runtime.RequestHandler;
import com.amazonaws.services.lambda.runtime.events.SQSBatchResponse;
import com.amazonaws.services.lambda.runtime.events.SQSEvent;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;

/**
 * Makes a thumbnail of every image S3 reports under {@code uploads/}: each SQS message holds an S3 event
 * notification; the image is read from the bucket, scaled to at most 256 pixels a side and written back under
 * {@code thumbnails/}, and its metadata is put into the table named by {@code TABLE}. A message that fails (not an
 * image, an S3 or DynamoDB error) is reported in the {@link SQSBatchResponse}, so only it goes back to the queue
 * (the mapping sets {@code ReportBatchItemFailures}) and, after the queue's maxReceiveCount, to its dead-letter queue.
 */
public class ThumbnailHandler implements RequestHandler<SQSEvent, SQSBatchResponse> {

    static final int MAX_EDGE = 256;

    private final ObjectStore store;
    private final MetadataTable table;

    public ThumbnailHandler() {
        this(S3ObjectStore.fromEnvironment(), DynamoDbMetadataTable.fromEnvironment());
    }

    ThumbnailHandler(ObjectStore store, MetadataTable table) {
        this.store = store;
        this.table = table;
    }

    @Override
    public SQSBatchResponse handleRequest(SQSEvent event, Context context) {
        LambdaLogger log = context.getLogger();
        List<SQSBatchResponse.BatchItemFailure> failures = new ArrayList<>();
        for (SQSEvent.SQSMessage message : event.getRecords()) {
            try {
                for (S3Notifications.CreatedObject object : S3Notifications.createdObjects(message.getBody())) {
                    thumbnail(object, log);
                }
            } catch (IOException | NotAnImageException | RuntimeException e) {
                log.log("message " + message.getMessageId() + " failed: " + e + "\n");
                failures.add(new SQSBatchResponse.BatchItemFailure(message.getMessageId()));
            }
        }
        return new SQSBatchResponse(failures);
    }

    private void thumbnail(S3Notifications.CreatedObject object, LambdaLogger log) throws NotAnImageException {
        if (!Keys.isUpload(object.key())) {
            // Never thumbnail our own output: writing thumbnails/ must not feed back into this function.
            log.log("skipped " + object.key() + ": not under " + Keys.UPLOADS + "\n");
            return;
        }
        byte[] image = store.get(object.bucket(), object.key());
        ImageResizer.Thumbnail thumbnail = ImageResizer.resize(image, MAX_EDGE);
        String thumbnailKey = Keys.thumbnailOf(object.key());
        store.put(object.bucket(), thumbnailKey, thumbnail.content(), thumbnail.contentType());
        table.put(new ImageMetadata(object.key(), thumbnail.width(), thumbnail.height(), image.length, thumbnailKey,
                thumbnail.thumbnailWidth(), thumbnail.thumbnailHeight()));
        log.log("thumbnail of " + object.key() + " (" + thumbnail.width() + "x" + thumbnail.height() + ") is "
                + thumbnailKey + " (" + thumbnail.thumbnailWidth() + "x" + thumbnail.thumbnailHeight() + ")\n");
    }
}
