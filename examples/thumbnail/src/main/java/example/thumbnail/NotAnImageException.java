package example.thumbnail;

/** The bytes are not an image this function can read and write again. */
final class NotAnImageException extends Exception {

    NotAnImageException(String message) {
        super(message);
    }
}
