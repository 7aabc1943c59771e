package example.thumbnail;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import org.junit.jupiter.api.Test;

class S3NotificationsTest {

    @Test
    void aCreatedObjectWithItsKeyDecoded() throws Exception {
        assertThat(S3Notifications.createdObjects(Notifications.created("images", "uploads/my+cat%281%29.png")))
                .containsExactly(new S3Notifications.CreatedObject("images", "uploads/my cat(1).png"));
    }

    @Test
    void aSlashEncodedAsSomeS3CompatibleServersDo() throws Exception {
        assertThat(S3Notifications.createdObjects(Notifications.created("images", "uploads%2Fcat.png")))
                .containsExactly(new S3Notifications.CreatedObject("images", "uploads/cat.png"));
    }

    @Test
    void s3sTestEventNamesNoObject() throws Exception {
        assertThat(S3Notifications.createdObjects(Notifications.testEvent("images"))).isEmpty();
    }

    @Test
    void otherEventsNameNoObject() throws Exception {
        String removed = Notifications.created("images", "uploads/cat.png")
                .replace("ObjectCreated:Put", "ObjectRemoved:Delete");

        assertThat(S3Notifications.createdObjects(removed)).isEmpty();
    }

    @Test
    void aBodyThatIsNotANotificationIsRefused() {
        assertThatThrownBy(() -> S3Notifications.createdObjects("\"hello\"")).isInstanceOf(IOException.class);
        assertThatThrownBy(() -> S3Notifications.createdObjects("not json")).isInstanceOf(IOException.class);
    }
}
