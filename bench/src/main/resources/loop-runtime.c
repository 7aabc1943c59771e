/*
 * LoopRuntime's loop as a compiled custom runtime (what a provided.al2023 bootstrap in C, C++, Rust or Go is): one
 * keep-alive connection to AWS_LAMBDA_RUNTIME_API, GET /next, POST /response with {}, forever. The benchmarks compile
 * it with the machine's cc; it measures the platform when the runtime costs next to nothing.
 */
#define _GNU_SOURCE /* memmem */
#include <netdb.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/socket.h>
#include <unistd.h>

static char in[1 << 16];
static size_t filled;

static void die(const char *what) {
    perror(what);
    exit(1);
}

static void send_all(int fd, const char *data, size_t length) {
    while (length > 0) {
        ssize_t n = write(fd, data, length);
        if (n <= 0) die("write");
        data += n;
        length -= (size_t) n;
    }
}

/* Reads one response (its body is dropped); copies the request id header's value into id, if asked. */
static void read_response(int fd, char *id, size_t id_size) {
    char *end;
    while ((end = memmem(in, filled, "\r\n\r\n", 4)) == NULL) {
        if (filled == sizeof in) die("headers too long");
        ssize_t n = read(fd, in + filled, sizeof in - filled);
        if (n <= 0) die("read");
        filled += (size_t) n;
    }
    size_t header_length = (size_t) (end - in) + 4;
    long body = 0;
    for (char *line = in; line < end; ) {
        char *next = memmem(line, (size_t) (end - line) + 2, "\r\n", 2);
        size_t length = (size_t) (next - line);
        if (length > 15 && strncasecmp(line, "content-length:", 15) == 0) {
            body = strtol(line + 15, NULL, 10);
        } else if (id != NULL && length > 30 && strncasecmp(line, "lambda-runtime-aws-request-id:", 30) == 0) {
            char *value = line + 30;
            while (*value == ' ') value++;
            size_t value_length = (size_t) (next - value);
            if (value_length >= id_size) die("request id too long");
            memcpy(id, value, value_length);
            id[value_length] = '\0';
        }
        line = next + 2;
    }
    size_t total = header_length + (size_t) body;
    if (body < 0 || total > sizeof in) die("response too large");
    while (filled < total) {
        ssize_t n = read(fd, in + filled, sizeof in - filled);
        if (n <= 0) die("read body");
        filled += (size_t) n;
    }
    memmove(in, in + total, filled - total);
    filled -= total;
}

int main(void) {
    const char *api = getenv("AWS_LAMBDA_RUNTIME_API");
    if (api == NULL) {
        fprintf(stderr, "AWS_LAMBDA_RUNTIME_API is not set\n");
        return 1;
    }
    char host[256];
    const char *colon = strrchr(api, ':');
    if (colon == NULL || (size_t) (colon - api) >= sizeof host) die("AWS_LAMBDA_RUNTIME_API");
    memcpy(host, api, (size_t) (colon - api));
    host[colon - api] = '\0';
    struct addrinfo hints = {.ai_family = AF_UNSPEC, .ai_socktype = SOCK_STREAM}, *address;
    if (getaddrinfo(host, colon + 1, &hints, &address) != 0) die("getaddrinfo");
    int fd = socket(address->ai_family, SOCK_STREAM, 0);
    if (fd < 0 || connect(fd, address->ai_addr, address->ai_addrlen) != 0) die("connect");
    int on = 1;
    setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &on, sizeof on);
    static const char next[] = "GET /2018-06-01/runtime/invocation/next HTTP/1.1\r\nHost: runtime\r\n\r\n";
    char id[256], post[512];
    for (;;) {
        send_all(fd, next, sizeof next - 1);
        id[0] = '\0';
        read_response(fd, id, sizeof id);
        int length = snprintf(post, sizeof post, "POST /2018-06-01/runtime/invocation/%s/response HTTP/1.1\r\n"
                "Host: runtime\r\nContent-Length: 2\r\n\r\n{}", id);
        send_all(fd, post, (size_t) length);
        read_response(fd, NULL, 0);
    }
}
