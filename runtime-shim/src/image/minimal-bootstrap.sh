#!/bin/bash
# The smallest Runtime API loop there is: pure bash over /dev/tcp, no curl, one keep-alive connection.
# It echoes every event back as the response.
exec 3<>"/dev/tcp/${AWS_LAMBDA_RUNTIME_API%:*}/${AWS_LAMBDA_RUNTIME_API#*:}"
read_response() {
  REQUEST_ID=; LENGTH=0
  while IFS= read -r line <&3; do
    line=${line%$'\r'}
    [ -z "$line" ] && break
    case "${line,,}" in
      lambda-runtime-aws-request-id:*) REQUEST_ID=${line#*: } ;;
      content-length:*) LENGTH=${line#*: } ;;
    esac
  done
  BODY=
  [ "$LENGTH" -gt 0 ] && IFS= read -r -N "$LENGTH" BODY <&3
}
while true; do
  printf 'GET /2018-06-01/runtime/invocation/next HTTP/1.1\r\nHost: runtime\r\n\r\n' >&3
  read_response
  printf 'POST /2018-06-01/runtime/invocation/%s/response HTTP/1.1\r\nHost: runtime\r\nContent-Length: %d\r\n\r\n%s' \
    "$REQUEST_ID" "${#BODY}" "$BODY" >&3
  read_response
done
