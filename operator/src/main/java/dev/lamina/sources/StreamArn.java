package dev.lamina.sources;

/**
 * A Kinesis stream's or DynamoDB stream's ARN and its region: {@code arn:aws:kinesis:REGION:ACCOUNT:stream/NAME},
 * {@code arn:aws:dynamodb:REGION:ACCOUNT:table/TABLE/stream/LABEL}.
 */
record StreamArn(String arn, String region) {

    static StreamArn kinesis(String arn) {
        return parse(arn, "kinesis", "stream/");
    }

    static StreamArn dynamoDb(String arn) {
        StreamArn parsed = parse(arn, "dynamodb", "table/");
        if (!arn.contains("/stream/")) {
            throw new IllegalArgumentException("streamArn " + arn + " names a table, not its stream "
                    + "(arn:aws:dynamodb:REGION:ACCOUNT:table/TABLE/stream/LABEL)");
        }
        return parsed;
    }

    private static StreamArn parse(String arn, String service, String resource) {
        String[] parts = arn.split(":", 6);
        if (parts.length != 6 || !parts[0].equals("arn") || !parts[2].equals(service)
                || !parts[5].startsWith(resource)) {
            throw new IllegalArgumentException("streamArn " + arn + " is not a " + service + " stream ARN");
        }
        return new StreamArn(arn, parts[3]);
    }
}
