#!/usr/bin/env bash
# Creates what the thumbnail example uses in a moto server (moto_server -H 127.0.0.1 -p 5000), with the AWS CLI:
#   the bucket "images", notifying the queue "uploads" of every object created in it;
#   the queue "uploads" (visibility timeout 180 s, six times the function's timeout, as Lambda advises), whose
#     messages move to the dead-letter queue "uploads-dlq" after 5 receives;
#   the DynamoDB table "thumbnails", keyed by the image's object key ("key").
# Moto keeps all of it in memory: run this again after restarting moto. Running it twice is harmless.
# Usage: examples/thumbnail/setup-moto.sh [endpoint]     (default http://127.0.0.1:5000)
set -euo pipefail
endpoint=${1:-http://127.0.0.1:5000}

if ! command -v aws >/dev/null; then
  echo "error: the AWS CLI (aws, v1 or v2) is not installed; install it, or create the resources listed at the top" \
    "of this script with any AWS SDK (operator/src/test/java/dev/lamina/examples/ThumbnailExampleIT.java does it" \
    "in Java)." >&2
  exit 1
fi
if ! curl -s -o /dev/null --max-time 5 "$endpoint"; then
  echo "error: nothing answers at $endpoint; start moto first (moto_server -H 127.0.0.1 -p 5000)" >&2
  exit 1
fi

# Moto accepts any credentials; the region is the one Lamina gives functions by default.
export AWS_ACCESS_KEY_ID=${AWS_ACCESS_KEY_ID:-test} AWS_SECRET_ACCESS_KEY=${AWS_SECRET_ACCESS_KEY:-test}
export AWS_DEFAULT_REGION=us-east-1 AWS_PAGER=""
aws() { command aws --endpoint-url "$endpoint" --output text "$@"; }

aws s3api head-bucket --bucket images >/dev/null 2>&1 || aws s3api create-bucket --bucket images >/dev/null

dlq_url=$(aws sqs create-queue --queue-name uploads-dlq --query QueueUrl)
dlq_arn=$(aws sqs get-queue-attributes --queue-url "$dlq_url" --attribute-names QueueArn --query Attributes.QueueArn)
queue_url=$(aws sqs create-queue --queue-name uploads --query QueueUrl)
aws sqs set-queue-attributes --queue-url "$queue_url" --attributes "{\"VisibilityTimeout\": \"180\",
    \"RedrivePolicy\": \"{\\\"deadLetterTargetArn\\\": \\\"$dlq_arn\\\", \\\"maxReceiveCount\\\": \\\"5\\\"}\"}"
queue_arn=$(aws sqs get-queue-attributes --queue-url "$queue_url" --attribute-names QueueArn \
  --query Attributes.QueueArn)

aws s3api put-bucket-notification-configuration --bucket images --notification-configuration \
  "{\"QueueConfigurations\": [{\"Id\": \"uploads\", \"QueueArn\": \"$queue_arn\", \"Events\": [\"s3:ObjectCreated:*\"]}]}"

aws dynamodb describe-table --table-name thumbnails >/dev/null 2>&1 || aws dynamodb create-table \
  --table-name thumbnails --attribute-definitions AttributeName=key,AttributeType=S \
  --key-schema AttributeName=key,KeyType=HASH --billing-mode PAY_PER_REQUEST >/dev/null

echo "Ready at $endpoint: bucket images → queue $queue_url (dead letters: $dlq_url), table thumbnails."
