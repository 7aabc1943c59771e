package dev.lamina.shim;

/**
 * Where a {@link DirectInvocation} sends a streamed response as it arrives, instead of collecting it. Each method
 * but {@link #whenWritable}'s action is called on the shim's event loop and must not block it: hand the bytes on (to
 * another thread or event loop) and return. Calls come in this order: {@link #start} once, then {@link #chunk} for
 * each chunk; the stream's end (success, or the error it ended with, and the log tail) is the invocation's
 * {@link DirectReply}, which completes after the last chunk was handed over. A function that answers buffered never
 * calls {@link #start}: its answer is the reply's body, as without a receiver.
 */
public interface StreamReceiver {

    /** The runtime started streaming a response with this content type. */
    void start(String contentType);

    /** The next chunk of the response, never empty; the array is the receiver's. */
    void chunk(byte[] bytes);

    /**
     * False while the receiver wants no more chunks (what it holds is not written out yet): the shim then stops
     * reading the runtime's response until {@link #whenWritable} runs its action.
     */
    boolean writable();

    /**
     * Runs the action once the receiver takes chunks again (at once if it does now). The action may be run on any
     * thread; it is run at most once.
     */
    void whenWritable(Runnable action);
}
