/*
 * The floor for the room fan-out benchmark: a minimal WebSocket room broadcaster on Linux epoll, with the same
 * semantics as ws-server.js (see README.md), written to cost as little per delivery as a server can.
 *
 * Why it is fast, and what Parley is compared against when its fan-out is reported as a fraction of this:
 *  - one thread, level-triggered epoll, non-blocking sockets, no locks;
 *  - a broadcast frame is encoded once and its bytes appended to each member's output buffer;
 *  - writes are coalesced: output is flushed once per epoll_wait batch, so every frame queued for a client during
 *    the batch leaves in one write() (EPOLLOUT is armed only while bytes are left over).
 * It does nothing a chat server must do (no auth, no storage, no ordering across nodes): it is a floor, not a peer.
 *
 * Build (bench/run does this only when benchmarking): gcc -O2 -o epoll-floor epoll-floor.c
 * Run: PORT=0 ./epoll-floor   -> prints "listening <port>"; SIGTERM/SIGINT exit 0.
 */
#define _GNU_SOURCE
#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/socket.h>
#include <unistd.h>

#define MAX_HEADER 8192
#define MAX_PAYLOAD (64 * 1024)
#define MAX_EVENTS 1024

/* ---- SHA-1 and base64, for the handshake's Sec-WebSocket-Accept only ------------------------------------------ */

static uint32_t rol(uint32_t v, int n) { return (v << n) | (v >> (32 - n)); }

static void sha1(const unsigned char *msg, size_t len, unsigned char out[20]) {
    uint32_t h[5] = {0x67452301, 0xEFCDAB89, 0x98BADCFE, 0x10325476, 0xC3D2E1F0};
    size_t total = ((len + 8) / 64 + 1) * 64;
    unsigned char *m = calloc(total, 1);
    if (!m) abort();
    memcpy(m, msg, len);
    m[len] = 0x80;
    uint64_t bits = (uint64_t)len * 8;
    for (int i = 0; i < 8; i++) m[total - 1 - i] = (unsigned char)(bits >> (8 * i));
    for (size_t off = 0; off < total; off += 64) {
        uint32_t w[80];
        for (int i = 0; i < 16; i++)
            w[i] = (uint32_t)m[off + 4 * i] << 24 | (uint32_t)m[off + 4 * i + 1] << 16
                   | (uint32_t)m[off + 4 * i + 2] << 8 | m[off + 4 * i + 3];
        for (int i = 16; i < 80; i++) w[i] = rol(w[i - 3] ^ w[i - 8] ^ w[i - 14] ^ w[i - 16], 1);
        uint32_t a = h[0], b = h[1], c = h[2], d = h[3], e = h[4];
        for (int i = 0; i < 80; i++) {
            uint32_t f, k;
            if (i < 20) { f = (b & c) | (~b & d); k = 0x5A827999; }
            else if (i < 40) { f = b ^ c ^ d; k = 0x6ED9EBA1; }
            else if (i < 60) { f = (b & c) | (b & d) | (c & d); k = 0x8F1BBCDC; }
            else { f = b ^ c ^ d; k = 0xCA62C1D6; }
            uint32_t t = rol(a, 5) + f + e + k + w[i];
            e = d; d = c; c = rol(b, 30); b = a; a = t;
        }
        h[0] += a; h[1] += b; h[2] += c; h[3] += d; h[4] += e;
    }
    free(m);
    for (int i = 0; i < 5; i++) {
        out[4 * i] = (unsigned char)(h[i] >> 24);
        out[4 * i + 1] = (unsigned char)(h[i] >> 16);
        out[4 * i + 2] = (unsigned char)(h[i] >> 8);
        out[4 * i + 3] = (unsigned char)h[i];
    }
}

static void base64(const unsigned char *in, size_t len, char *out) {
    static const char t[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
    size_t o = 0;
    for (size_t i = 0; i < len; i += 3) {
        uint32_t v = (uint32_t)in[i] << 16 | (i + 1 < len ? (uint32_t)in[i + 1] << 8 : 0) | (i + 2 < len ? in[i + 2] : 0);
        out[o++] = t[(v >> 18) & 63];
        out[o++] = t[(v >> 12) & 63];
        out[o++] = i + 1 < len ? t[(v >> 6) & 63] : '=';
        out[o++] = i + 2 < len ? t[v & 63] : '=';
    }
    out[o] = 0;
}

/* ---- buffers, connections, rooms -------------------------------------------------------------------------------- */

static long heap_bytes; /* bytes this program holds for connections and their buffers: the "heapUsed" it reports */
static long connections;

typedef struct {
    unsigned char *data;
    size_t len, cap;
} buf_t;

static void buf_reserve(buf_t *b, size_t extra) {
    if (b->len + extra <= b->cap) return;
    size_t cap = b->cap ? b->cap : 256;
    while (cap < b->len + extra) cap *= 2;
    unsigned char *d = realloc(b->data, cap);
    if (!d) abort();
    heap_bytes += (long)(cap - b->cap);
    b->data = d;
    b->cap = cap;
}

static void buf_append(buf_t *b, const void *p, size_t n) {
    buf_reserve(b, n);
    memcpy(b->data + b->len, p, n);
    b->len += n;
}

static void buf_consume(buf_t *b, size_t n) {
    memmove(b->data, b->data + n, b->len - n);
    b->len -= n;
}

static void buf_free(buf_t *b) {
    heap_bytes -= (long)b->cap;
    free(b->data);
    b->data = NULL;
    b->len = b->cap = 0;
}

struct room;

typedef struct conn {
    int fd;
    int websocket;           /* 0 while reading the HTTP request */
    int closing;             /* close once the output is flushed */
    int dirty;               /* in the flush list */
    int want_out;            /* EPOLLOUT armed */
    struct room *room;
    size_t room_index;
    buf_t in, out, message;  /* message: a fragmented message being assembled */
    int message_opcode;
    struct conn *next_dirty;
    struct conn *next_closed;
} conn_t;

typedef struct room {
    char *name;
    conn_t **members;
    size_t count, cap;
    struct room *next;
} room_t;

static int epfd;
static room_t *rooms;
static conn_t *dirty_list;
static conn_t *closed_list; /* freed at the end of the epoll batch: events or the dirty list may still point here */

static room_t *room_get(const char *name) {
    for (room_t *r = rooms; r; r = r->next)
        if (strcmp(r->name, name) == 0) return r;
    room_t *r = calloc(1, sizeof *r);
    if (!r) abort();
    r->name = strdup(name);
    r->next = rooms;
    rooms = r;
    return r;
}

static void room_add(room_t *r, conn_t *c) {
    if (r->count == r->cap) {
        size_t cap = r->cap ? r->cap * 2 : 16;
        conn_t **m = realloc(r->members, cap * sizeof *m);
        if (!m) abort();
        heap_bytes += (long)((cap - r->cap) * sizeof *m);
        r->members = m;
        r->cap = cap;
    }
    c->room = r;
    c->room_index = r->count;
    r->members[r->count++] = c;
}

static void room_remove(conn_t *c) {
    room_t *r = c->room;
    if (!r) return;
    conn_t *last = r->members[--r->count];
    r->members[c->room_index] = last;
    last->room_index = c->room_index;
    c->room = NULL;
}

static void mark_dirty(conn_t *c) {
    if (c->dirty) return;
    c->dirty = 1;
    c->next_dirty = dirty_list;
    dirty_list = c;
}

static void set_out_interest(conn_t *c, int want) {
    if (c->want_out == want) return;
    struct epoll_event ev = {.events = EPOLLIN | (want ? EPOLLOUT : 0), .data.ptr = c};
    epoll_ctl(epfd, EPOLL_CTL_MOD, c->fd, &ev);
    c->want_out = want;
}

static void conn_close(conn_t *c) {
    room_remove(c);
    epoll_ctl(epfd, EPOLL_CTL_DEL, c->fd, NULL);
    close(c->fd);
    c->fd = -1;
    c->next_closed = closed_list;
    closed_list = c;
    buf_free(&c->in);
    buf_free(&c->out);
    buf_free(&c->message);
    if (c->websocket) connections--;
}

/* Writes what is queued. Returns 0 if the connection was closed. */
static int conn_flush(conn_t *c) {
    while (c->out.len > 0) {
        ssize_t n = write(c->fd, c->out.data, c->out.len);
        if (n > 0) {
            buf_consume(&c->out, (size_t)n);
        } else if (n < 0 && errno == EINTR) {
            continue;
        } else if (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK)) {
            set_out_interest(c, 1);
            return 1;
        } else {
            conn_close(c);
            return 0;
        }
    }
    set_out_interest(c, 0);
    if (c->closing) {
        conn_close(c);
        return 0;
    }
    return 1;
}

static size_t frame_header(unsigned char *h, int opcode, size_t len) {
    h[0] = (unsigned char)(0x80 | opcode);
    if (len < 126) {
        h[1] = (unsigned char)len;
        return 2;
    }
    if (len < 65536) {
        h[1] = 126;
        h[2] = (unsigned char)(len >> 8);
        h[3] = (unsigned char)len;
        return 4;
    }
    h[1] = 127;
    for (int i = 0; i < 8; i++) h[2 + i] = (unsigned char)((uint64_t)len >> (56 - 8 * i));
    return 10;
}

static void queue_frame(conn_t *c, int opcode, const unsigned char *payload, size_t len) {
    unsigned char h[10];
    size_t hl = frame_header(h, opcode, len);
    buf_append(&c->out, h, hl);
    buf_append(&c->out, payload, len);
    mark_dirty(c);
}

static void broadcast(room_t *r, int opcode, const unsigned char *payload, size_t len) {
    unsigned char h[10];
    size_t hl = frame_header(h, opcode, len);
    for (size_t i = 0; i < r->count; i++) {
        conn_t *m = r->members[i];
        buf_reserve(&m->out, hl + len);
        memcpy(m->out.data + m->out.len, h, hl);
        memcpy(m->out.data + m->out.len + hl, payload, len);
        m->out.len += hl + len;
        mark_dirty(m);
    }
}

static void close_with(conn_t *c, uint16_t code) {
    unsigned char p[2] = {(unsigned char)(code >> 8), (unsigned char)code};
    queue_frame(c, 0x8, p, 2);
    c->closing = 1;
}

/* ---- HTTP: the upgrade and GET /__memory ------------------------------------------------------------------------ */

static long rss_bytes(void) {
    long pages = 0, resident = 0;
    FILE *f = fopen("/proc/self/statm", "r");
    if (f) {
        if (fscanf(f, "%ld %ld", &pages, &resident) != 2) resident = 0;
        fclose(f);
    }
    return resident * sysconf(_SC_PAGESIZE);
}

static const char *header_value(const char *req, const char *name, size_t *len) {
    size_t nl = strlen(name);
    for (const char *p = strstr(req, "\r\n"); p && p[2] != '\r'; p = strstr(p + 2, "\r\n")) {
        const char *line = p + 2;
        if (strncasecmp(line, name, nl) == 0 && line[nl] == ':') {
            const char *v = line + nl + 1;
            while (*v == ' ' || *v == '\t') v++;
            const char *e = strstr(v, "\r\n");
            while (e > v && (e[-1] == ' ' || e[-1] == '\t')) e--;
            *len = (size_t)(e - v);
            return v;
        }
    }
    return NULL;
}

static void http_reply(conn_t *c, const char *status, const char *type, const char *body) {
    char head[256];
    int n = snprintf(head, sizeof head, "HTTP/1.1 %s\r\nContent-Type: %s\r\nContent-Length: %zu\r\n"
                     "Connection: close\r\n\r\n", status, type, strlen(body));
    buf_append(&c->out, head, (size_t)n);
    buf_append(&c->out, body, strlen(body));
    c->closing = 1;
    mark_dirty(c);
}

/* Handles a complete request in c->in (its length is hl). Returns 0 if it did not become a WebSocket. */
static int handle_request(conn_t *c, size_t hl) {
    char req[MAX_HEADER + 1];
    memcpy(req, c->in.data, hl);
    req[hl] = 0;
    buf_consume(&c->in, hl);
    char target[1024];
    if (sscanf(req, "GET %1023s HTTP/1.1", target) != 1) {
        http_reply(c, "400 Bad Request", "text/plain", "bad request\n");
        return 0;
    }
    if (strcmp(target, "/__memory") == 0) {
        char body[160];
        snprintf(body, sizeof body, "{\"rss\":%ld,\"heapUsed\":%ld,\"connections\":%ld}", rss_bytes(), heap_bytes,
                 connections);
        http_reply(c, "200 OK", "application/json", body);
        return 0;
    }
    size_t kl = 0;
    const char *key = header_value(req, "Sec-WebSocket-Key", &kl);
    if (!key || kl == 0 || kl > 64) {
        http_reply(c, "404 Not Found", "text/plain", "not found\n");
        return 0;
    }
    char room[256] = "bench";
    const char *q = strstr(target, "room=");
    if (q && (q == target || q[-1] == '?' || q[-1] == '&')) {
        size_t n = strcspn(q + 5, "&#");
        if (n > 0 && n < sizeof room) {
            memcpy(room, q + 5, n);
            room[n] = 0;
        }
    }
    unsigned char cat[128], digest[20];
    memcpy(cat, key, kl);
    memcpy(cat + kl, "258EAFA5-E914-47DA-95CA-C5AB0DC85B11", 36);
    sha1(cat, kl + 36, digest);
    char accept[32];
    base64(digest, 20, accept);
    char head[256];
    int n = snprintf(head, sizeof head, "HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\n"
                     "Connection: Upgrade\r\nSec-WebSocket-Accept: %s\r\n\r\n", accept);
    buf_append(&c->out, head, (size_t)n);
    mark_dirty(c);
    c->websocket = 1;
    connections++;
    room_add(room_get(room), c);
    return 1;
}

/* ---- WebSocket frames from a client ----------------------------------------------------------------------------- */

/* Parses the complete frames in c->in. Returns 0 if the connection is to be closed. */
static int handle_frames(conn_t *c) {
    size_t off = 0;
    while (!c->closing) {
        unsigned char *p = c->in.data + off;
        size_t avail = c->in.len - off;
        if (avail < 2) break;
        int fin = p[0] & 0x80, opcode = p[0] & 0x0F, masked = p[1] & 0x80;
        uint64_t len = p[1] & 0x7F;
        size_t hl = 2;
        if (!masked || (p[0] & 0x70)) { close_with(c, 1002); break; }
        if (len == 126) {
            if (avail < 4) break;
            len = (uint64_t)p[2] << 8 | p[3];
            hl = 4;
        } else if (len == 127) {
            if (avail < 10) break;
            len = 0;
            for (int i = 0; i < 8; i++) len = len << 8 | p[2 + i];
            hl = 10;
        }
        if (len > MAX_PAYLOAD) { close_with(c, 1009); break; }
        if (avail < hl + 4 + len) break;
        unsigned char *mask = p + hl, *payload = p + hl + 4;
        for (uint64_t i = 0; i < len; i++) payload[i] ^= mask[i & 3];
        off += hl + 4 + (size_t)len;
        if (opcode == 0x8) { close_with(c, 1000); break; }
        if (opcode == 0x9) { queue_frame(c, 0xA, payload, (size_t)len); continue; }
        if (opcode == 0xA) continue;
        if (opcode == 0x1 || opcode == 0x2) {
            if (c->message_opcode) { close_with(c, 1002); break; }
            if (fin) {
                broadcast(c->room, opcode, payload, (size_t)len);
                continue;
            }
            c->message_opcode = opcode;
            buf_append(&c->message, payload, (size_t)len);
        } else if (opcode == 0x0) {
            if (!c->message_opcode || c->message.len + len > MAX_PAYLOAD) { close_with(c, c->message_opcode ? 1009 : 1002); break; }
            buf_append(&c->message, payload, (size_t)len);
            if (fin) {
                broadcast(c->room, c->message_opcode, c->message.data, c->message.len);
                c->message.len = 0;
                c->message_opcode = 0;
            }
        } else {
            close_with(c, 1002);
            break;
        }
    }
    if (c->closing) c->in.len = 0;
    else buf_consume(&c->in, off);
    return 1;
}

static void on_readable(conn_t *c) {
    unsigned char tmp[65536];
    for (;;) {
        ssize_t n = read(c->fd, tmp, sizeof tmp);
        if (n > 0) {
            if (c->closing) continue; /* discard: we are closing */
            buf_append(&c->in, tmp, (size_t)n);
            if (!c->websocket) {
                unsigned char *end = memmem(c->in.data, c->in.len, "\r\n\r\n", 4);
                if (!end) {
                    if (c->in.len > MAX_HEADER) http_reply(c, "431 Request Header Fields Too Large", "text/plain", "too large\n");
                    continue;
                }
                if (!handle_request(c, (size_t)(end - c->in.data) + 4)) continue;
            }
            handle_frames(c);
            if ((size_t)n < sizeof tmp) return;
        } else if (n < 0 && errno == EINTR) {
            continue;
        } else if (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK)) {
            return;
        } else {
            conn_close(c);
            return;
        }
    }
}

static void on_signal(int sig) {
    (void)sig;
    _exit(0);
}

int main(void) {
    signal(SIGPIPE, SIG_IGN);
    signal(SIGTERM, on_signal);
    signal(SIGINT, on_signal);
    const char *port_env = getenv("PORT");
    int lfd = socket(AF_INET, SOCK_STREAM | SOCK_NONBLOCK, 0);
    int one = 1;
    setsockopt(lfd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one);
    struct sockaddr_in addr = {.sin_family = AF_INET, .sin_port = htons((uint16_t)(port_env ? atoi(port_env) : 0))};
    addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    if (bind(lfd, (struct sockaddr *)&addr, sizeof addr) < 0 || listen(lfd, 4096) < 0) {
        perror("epoll-floor: bind/listen");
        return 1;
    }
    socklen_t al = sizeof addr;
    getsockname(lfd, (struct sockaddr *)&addr, &al);
    printf("listening %d\n", ntohs(addr.sin_port));
    fflush(stdout);

    epfd = epoll_create1(0);
    struct epoll_event lev = {.events = EPOLLIN, .data.ptr = NULL};
    epoll_ctl(epfd, EPOLL_CTL_ADD, lfd, &lev);
    struct epoll_event events[MAX_EVENTS];
    for (;;) {
        int n = epoll_wait(epfd, events, MAX_EVENTS, -1);
        if (n < 0) {
            if (errno == EINTR) continue;
            perror("epoll-floor: epoll_wait");
            return 1;
        }
        for (int i = 0; i < n; i++) {
            conn_t *c = events[i].data.ptr;
            if (!c) {
                int fd;
                while ((fd = accept4(lfd, NULL, NULL, SOCK_NONBLOCK)) >= 0) {
                    setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
                    conn_t *nc = calloc(1, sizeof *nc);
                    if (!nc) abort();
                    heap_bytes += (long)sizeof *nc;
                    nc->fd = fd;
                    struct epoll_event ev = {.events = EPOLLIN, .data.ptr = nc};
                    epoll_ctl(epfd, EPOLL_CTL_ADD, fd, &ev);
                }
                continue;
            }
            if (c->fd < 0) continue;
            if (events[i].events & (EPOLLIN | EPOLLHUP | EPOLLERR)) on_readable(c);
            if (c->fd >= 0 && (events[i].events & EPOLLOUT)) conn_flush(c);
        }
        /* the coalesced flush: one write per client for everything queued in this batch */
        while (dirty_list) {
            conn_t *c = dirty_list;
            dirty_list = c->next_dirty;
            c->dirty = 0;
            if (c->fd >= 0) conn_flush(c);
        }
        while (closed_list) {
            conn_t *c = closed_list;
            closed_list = c->next_closed;
            heap_bytes -= (long)sizeof *c;
            free(c);
        }
    }
}
