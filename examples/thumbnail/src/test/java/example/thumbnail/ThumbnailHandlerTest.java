package example.thumbnail;

import static org.assertj.core.api.Assertions.assertThat;

import com.amazonaws.services.lambda.runtime.events.SQSBatchResponse;
import com.amazonaws.services.lambda.runtime.events.SQSEvent;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class ThumbnailHandlerTest {

    private final InMemoryStore store = new InMemoryStore();
    private final InMemoryTable table = new InMemoryTable();
    private final ThumbnailHandler handler = new ThumbnailHandler(store, table);
    private final TestContext context = new TestContext();

    @Test
    void anUploadedImageGetsAThumbnailAndAnItem() {
        byte[] image = Images.image(1024, 768, "jpeg");
        store.put("images", "uploads/holiday/beach day.jpg", image, "image/jpeg");

        SQSBatchResponse response = handler.handleRequest(
                event(message("m1", Notifications.created("images", "uploads/holiday/beach+day.jpg"))), context);

        assertThat(response.getBatchItemFailures()).isEmpty();
        InMemoryStore.StoredObject thumbnail = store.objects.get("images/thumbnails/holiday/beach day.jpg");
        assertThat(thumbnail.contentType()).isEqualTo("image/jpeg");
        assertThat(Images.read(thumbnail.content()).getWidth()).isEqualTo(256);
        assertThat(Images.read(thumbnail.content()).getHeight()).isEqualTo(192);
        assertThat(table.items).containsExactly(Map.entry("uploads/holiday/beach day.jpg",
                new ImageMetadata("uploads/holiday/beach day.jpg", 1024, 768, image.length,
                        "thumbnails/holiday/beach day.jpg", 256, 192)));
    }

    @Test
    void onlyTheMessageWhoseObjectIsNotAnImageIsReportedAsFailed() {
        store.put("images", "uploads/cat.png", Images.image(512, 512, "png"), "image/png");
        store.put("images", "uploads/notes.png", "not a picture".getBytes(StandardCharsets.UTF_8), "image/png");
        store.put("images", "uploads/dog.png", Images.image(300, 600, "png"), "image/png");

        SQSBatchResponse response = handler.handleRequest(event(
                message("m1", Notifications.created("images", "uploads/cat.png")),
                message("m2", Notifications.created("images", "uploads/notes.png")),
                message("m3", Notifications.created("images", "uploads/dog.png"))), context);

        assertThat(response.getBatchItemFailures()).extracting(SQSBatchResponse.BatchItemFailure::getItemIdentifier)
                .containsExactly("m2");
        assertThat(store.exists("images", "thumbnails/cat.png")).isTrue();
        assertThat(store.exists("images", "thumbnails/dog.png")).isTrue();
        assertThat(store.exists("images", "thumbnails/notes.png")).isFalse();
        assertThat(table.items).containsOnlyKeys("uploads/cat.png", "uploads/dog.png");
        assertThat(context.logs).anyMatch(line -> line.startsWith("message m2 failed:"));
    }

    @Test
    void anImageThatIsGoneAndABodyThatIsNoNotificationAreFailedMessages() {
        SQSBatchResponse response = handler.handleRequest(event(
                message("gone", Notifications.created("images", "uploads/deleted.png")),
                message("junk", "hello")), context);

        assertThat(response.getBatchItemFailures()).extracting(SQSBatchResponse.BatchItemFailure::getItemIdentifier)
                .containsExactly("gone", "junk");
    }

    @Test
    void thumbnailsAndS3sTestEventAreLeftAlone() {
        store.put("images", "thumbnails/cat.png", Images.image(256, 256, "png"), "image/png");

        SQSBatchResponse response = handler.handleRequest(event(
                message("own-output", Notifications.created("images", "thumbnails/cat.png")),
                message("test", Notifications.testEvent("images"))), context);

        assertThat(response.getBatchItemFailures()).isEmpty();
        assertThat(store.objects).containsOnlyKeys("images/thumbnails/cat.png");
        assertThat(table.items).isEmpty();
    }

    private static SQSEvent event(SQSEvent.SQSMessage... messages) {
        SQSEvent event = new SQSEvent();
        event.setRecords(List.of(messages));
        return event;
    }

    private static SQSEvent.SQSMessage message(String id, String body) {
        SQSEvent.SQSMessage message = new SQSEvent.SQSMessage();
        message.setMessageId(id);
        message.setBody(body);
        return message;
    }
}
