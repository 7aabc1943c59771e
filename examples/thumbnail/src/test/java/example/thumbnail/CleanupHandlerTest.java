package example.thumbnail;

import static org.assertj.core.api.Assertions.assertThat;

import com.amazonaws.services.lambda.runtime.events.ScheduledEvent;
import java.util.Map;
import org.junit.jupiter.api.Test;

class CleanupHandlerTest {

    private final InMemoryStore store = new InMemoryStore();
    private final InMemoryTable table = new InMemoryTable();
    private final CleanupHandler handler = new CleanupHandler(store, table, "images");

    @Test
    void thumbnailsWhoseImageIsGoneAreDeletedWithTheirItem() {
        thumbnailed("uploads/cat.png");
        thumbnailed("uploads/a/dog.png");
        thumbnailed("uploads/a/bird.png");
        store.delete("images", "uploads/a/dog.png");
        store.put("other", "thumbnails/fish.png", new byte[]{1}, "image/png");

        Map<String, Integer> report = handler.handleRequest(new ScheduledEvent(), new TestContext());

        assertThat(report).isEqualTo(Map.of("checked", 3, "deleted", 1));
        assertThat(store.objects).containsOnlyKeys("images/uploads/cat.png", "images/thumbnails/cat.png",
                "images/uploads/a/bird.png", "images/thumbnails/a/bird.png", "other/thumbnails/fish.png");
        assertThat(table.items).containsOnlyKeys("uploads/cat.png", "uploads/a/bird.png");
    }

    private void thumbnailed(String upload) {
        String thumbnail = Keys.thumbnailOf(upload);
        store.put("images", upload, new byte[]{1, 2}, "image/png");
        store.put("images", thumbnail, new byte[]{1}, "image/png");
        table.put(new ImageMetadata(upload, 2, 2, 2, thumbnail, 1, 1));
    }
}
