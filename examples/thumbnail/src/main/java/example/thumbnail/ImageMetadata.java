package example.thumbnail;

/**
 * What the table keeps about an uploaded image.
 *
 * @param key             the image's object key (the table's partition key)
 * @param width           the image's width in pixels
 * @param height          the image's height in pixels
 * @param size            the image's size in bytes
 * @param thumbnailKey    the object key of its thumbnail
 * @param thumbnailWidth  the thumbnail's width in pixels
 * @param thumbnailHeight the thumbnail's height in pixels
 */
record ImageMetadata(String key, int width, int height, long size, String thumbnailKey, int thumbnailWidth,
                     int thumbnailHeight) {
}
