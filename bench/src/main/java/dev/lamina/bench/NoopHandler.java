package dev.lamina.bench;

import com.amazonaws.services.lambda.runtime.Context;
import com.amazonaws.services.lambda.runtime.RequestStreamHandler;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;

/** The no-op function of GatewayBench: answers {} without reading the event, so only the platform is measured. */
public class NoopHandler implements RequestStreamHandler {

    private static final byte[] EMPTY_OBJECT = {'{', '}'};

    @Override
    public void handleRequest(InputStream input, OutputStream output, Context context) throws IOException {
        output.write(EMPTY_OBJECT);
    }
}
