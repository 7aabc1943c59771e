package example.thumbnail;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.awt.Color;
import java.awt.Graphics2D;
import java.awt.image.BufferedImage;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class ImageResizerTest {

    @ParameterizedTest(name = "{0}x{1} → {2}x{3}")
    @CsvSource({
            "1024, 512, 256, 128",
            "300, 900, 85, 256",
            "256, 256, 256, 256",
            "100, 40, 100, 40",
            "5000, 3, 256, 1",
            "4000, 3000, 256, 192"})
    void theLongerEdgeBecomesAtMost256AndTheAspectRatioStays(int width, int height, int thumbnailWidth,
                                                             int thumbnailHeight) throws Exception {
        ImageResizer.Thumbnail thumbnail = ImageResizer.resize(Images.image(width, height, "png"), 256);

        assertThat(thumbnail.width()).isEqualTo(width);
        assertThat(thumbnail.height()).isEqualTo(height);
        assertThat(thumbnail.thumbnailWidth()).isEqualTo(thumbnailWidth);
        assertThat(thumbnail.thumbnailHeight()).isEqualTo(thumbnailHeight);
        BufferedImage written = Images.read(thumbnail.content());
        assertThat(written.getWidth()).isEqualTo(thumbnailWidth);
        assertThat(written.getHeight()).isEqualTo(thumbnailHeight);
    }

    @Test
    void theThumbnailShowsThePicture() throws Exception {
        BufferedImage written = Images.read(ImageResizer.resize(Images.image(1200, 600, "png"), 256).content());

        assertThat(new Color(written.getRGB(32, 64))).isEqualTo(Color.RED);
        assertThat(new Color(written.getRGB(224, 64))).isEqualTo(Color.BLUE);
    }

    @ParameterizedTest
    @CsvSource({"png, image/png", "jpeg, image/jpeg", "gif, image/gif", "bmp, image/bmp"})
    void theThumbnailKeepsTheImagesFormat(String format, String contentType) throws Exception {
        ImageResizer.Thumbnail thumbnail = ImageResizer.resize(Images.image(640, 480, format), 256);

        assertThat(thumbnail.contentType()).isEqualTo(contentType);
        assertThat(Images.read(thumbnail.content()).getWidth()).isEqualTo(256);
    }

    @Test
    void aTransparentPngStaysTransparent() throws Exception {
        BufferedImage image = new BufferedImage(600, 300, BufferedImage.TYPE_INT_ARGB);
        Graphics2D g = image.createGraphics();
        g.setColor(Color.RED);
        g.fillRect(0, 0, 300, 300);
        g.dispose();

        BufferedImage written = Images.read(ImageResizer.resize(Images.encode(image, "png"), 256).content());

        assertThat(written.getRGB(32, 64)).isEqualTo(Color.RED.getRGB());
        assertThat(written.getRGB(224, 64) >>> 24).as("alpha").isZero();
    }

    @Test
    void textIsNotAnImage() {
        assertThatThrownBy(() -> ImageResizer.resize("just some notes".getBytes(StandardCharsets.UTF_8), 256))
                .isInstanceOf(NotAnImageException.class);
    }

    @Test
    void aTruncatedImageIsNotAnImage() {
        byte[] png = Images.image(640, 480, "png");
        byte[] truncated = Arrays.copyOf(png, 64);

        assertThatThrownBy(() -> ImageResizer.resize(truncated, 256)).isInstanceOf(NotAnImageException.class);
    }
}
