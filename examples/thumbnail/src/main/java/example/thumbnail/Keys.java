package example.thumbnail;

/** Where images and their thumbnails live in the bucket: {@code uploads/a/cat.png} → {@code thumbnails/a/cat.png}. */
final class Keys {

    static final String UPLOADS = "uploads/";
    static final String THUMBNAILS = "thumbnails/";

    private Keys() {
    }

    static boolean isUpload(String key) {
        return key.startsWith(UPLOADS) && key.length() > UPLOADS.length();
    }

    static String thumbnailOf(String uploadKey) {
        return THUMBNAILS + uploadKey.substring(UPLOADS.length());
    }

    static String uploadOf(String thumbnailKey) {
        return UPLOADS + thumbnailKey.substring(THUMBNAILS.length());
    }
}
