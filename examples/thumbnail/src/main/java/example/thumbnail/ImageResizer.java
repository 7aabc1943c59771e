package example.thumbnail;

import java.awt.Graphics2D;
import java.awt.RenderingHints;
import java.awt.image.BufferedImage;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.util.Iterator;
import java.util.Locale;
import java.util.Set;
import javax.imageio.IIOImage;
import javax.imageio.ImageIO;
import javax.imageio.ImageReadParam;
import javax.imageio.ImageReader;
import javax.imageio.ImageWriter;
import javax.imageio.stream.ImageInputStream;
import javax.imageio.stream.ImageOutputStream;

/**
 * Scales an image down so that its longer edge is at most {@code maxEdge} pixels, keeping its aspect ratio and its
 * format (a PNG stays a PNG, a JPEG a JPEG). Smaller images keep their size. Huge images are subsampled while they
 * are decoded, so memory stays bounded by the thumbnail, not the original.
 */
final class ImageResizer {

    /** Formats whose writers keep an alpha channel; the others get an opaque image. */
    private static final Set<String> WITH_ALPHA = Set.of("png", "gif", "tif", "tiff");

    static {
        // Decode and encode in memory: no temporary files.
        ImageIO.setUseCache(false);
    }

    private ImageResizer() {
    }

    /** A thumbnail and the size of the image it was made from. */
    record Thumbnail(int width, int height, int thumbnailWidth, int thumbnailHeight, String contentType,
                     byte[] content) {
    }

    static Thumbnail resize(byte[] image, int maxEdge) throws NotAnImageException {
        try (ImageInputStream in = ImageIO.createImageInputStream(new ByteArrayInputStream(image))) {
            Iterator<ImageReader> readers = ImageIO.getImageReaders(in);
            if (!readers.hasNext()) {
                throw new NotAnImageException("no image format recognised");
            }
            ImageReader reader = readers.next();
            try {
                reader.setInput(in, true, true);
                int width = reader.getWidth(0);
                int height = reader.getHeight(0);
                Size target = Size.fit(width, height, maxEdge);
                ImageReadParam param = reader.getDefaultReadParam();
                // Decode at no less than twice the thumbnail's size: enough for a smooth downscale.
                int step = Math.max(1, Math.max(width, height) / (2 * Math.max(target.width(), target.height())));
                param.setSourceSubsampling(step, step, 0, 0);
                BufferedImage decoded = reader.read(0, param);
                String format = reader.getFormatName().toLowerCase(Locale.ROOT);
                BufferedImage scaled = scale(decoded, target,
                        decoded.getColorModel().hasAlpha() && WITH_ALPHA.contains(format));
                return encode(scaled, format, width, height);
            } finally {
                reader.dispose();
            }
        } catch (IOException | RuntimeException e) {
            throw new NotAnImageException("not an image this function can read and write: " + e.getMessage());
        }
    }

    /** Halves the image, never below the target size, until it has the target size: smooth at any ratio. */
    private static BufferedImage scale(BufferedImage source, Size target, boolean alpha) {
        BufferedImage current = source;
        int width = source.getWidth();
        int height = source.getHeight();
        do {
            width = Math.max(width / 2, target.width());
            height = Math.max(height / 2, target.height());
            current = draw(current, width, height, alpha);
        } while (width != target.width() || height != target.height());
        return current;
    }

    private static BufferedImage draw(BufferedImage source, int width, int height, boolean alpha) {
        BufferedImage target = new BufferedImage(width, height,
                alpha ? BufferedImage.TYPE_INT_ARGB : BufferedImage.TYPE_INT_RGB);
        Graphics2D g = target.createGraphics();
        try {
            g.setRenderingHint(RenderingHints.KEY_INTERPOLATION, RenderingHints.VALUE_INTERPOLATION_BICUBIC);
            g.setRenderingHint(RenderingHints.KEY_RENDERING, RenderingHints.VALUE_RENDER_QUALITY);
            g.drawImage(source, 0, 0, width, height, null);
        } finally {
            g.dispose();
        }
        return target;
    }

    private static Thumbnail encode(BufferedImage image, String format, int width, int height)
            throws IOException, NotAnImageException {
        Iterator<ImageWriter> writers = ImageIO.getImageWritersByFormatName(format);
        if (!writers.hasNext()) {
            throw new NotAnImageException("cannot write " + format + " images");
        }
        ImageWriter writer = writers.next();
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (ImageOutputStream out = ImageIO.createImageOutputStream(bytes)) {
            writer.setOutput(out);
            writer.write(null, new IIOImage(image, null, null), writer.getDefaultWriteParam());
        } finally {
            writer.dispose();
        }
        String contentType = writer.getOriginatingProvider().getMIMETypes()[0];
        return new Thumbnail(width, height, image.getWidth(), image.getHeight(), contentType, bytes.toByteArray());
    }

    /** Width and height of at least one pixel each. */
    record Size(int width, int height) {

        /** The largest size within {@code maxEdge} × {@code maxEdge} of this aspect ratio, never larger than now. */
        static Size fit(int width, int height, int maxEdge) {
            if (width <= maxEdge && height <= maxEdge) {
                return new Size(width, height);
            }
            double scale = (double) maxEdge / Math.max(width, height);
            return new Size(Math.max(1, (int) Math.round(width * scale)),
                    Math.max(1, (int) Math.round(height * scale)));
        }
    }
}
