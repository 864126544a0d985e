/*
 * tlshello PORT SERVER_NAME PADDING CHUNKS: connects to 127.0.0.1:PORT and sends
 * one TLS ClientHello whose server_name extension comes after a padding
 * extension of PADDING bytes, written in pieces of the sizes in CHUNKS (a comma
 * list; what remains goes in a last write). TCP_NODELAY and a pause between
 * writes make each piece its own segment, as an MTU-sized split would. Then it
 * waits for the server to answer or close, so both ends see the whole hello.
 */
#include <arpa/inet.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <unistd.h>

static unsigned char hello[65536];
static size_t length;

static void put8(unsigned v) { hello[length++] = (unsigned char)v; }
static void put16(unsigned v) { put8(v >> 8); put8(v & 0xff); }
static void put24(unsigned v) { put8(v >> 16); put16(v & 0xffff); }
static void set16(size_t at, unsigned v) { hello[at] = (unsigned char)(v >> 8); hello[at + 1] = (unsigned char)v; }

static void build(const char *name, size_t padding)
{
	size_t record, handshake, extensions, i, name_len = strlen(name);

	put8(0x16); put16(0x0301); record = length; put16(0);     /* record header */
	put8(0x01); handshake = length; put24(0);                  /* ClientHello */
	put16(0x0303);
	for (i = 0; i < 32; i++)
		put8(i);                                           /* random */
	put8(0);                                                   /* session id */
	put16(4); put16(0x1301); put16(0xc02f);                    /* cipher suites */
	put8(1); put8(0);                                          /* compression */
	extensions = length; put16(0);
	put16(0x0015); put16(padding);                             /* padding */
	for (i = 0; i < padding; i++)
		put8(0);
	put16(0x0000); put16(name_len + 5); put16(name_len + 3);   /* server_name */
	put8(0); put16(name_len);
	memcpy(hello + length, name, name_len);
	length += name_len;

	set16(extensions, length - extensions - 2);
	hello[handshake] = 0;
	set16(handshake + 1, length - handshake - 3);
	set16(record, length - record - 2);
}

int main(int argc, char **argv)
{
	struct sockaddr_in addr = { .sin_family = AF_INET, .sin_addr.s_addr = htonl(INADDR_LOOPBACK) };
	struct timeval timeout = { .tv_sec = 2 };
	int fd, one = 1;
	size_t sent = 0;
	char *chunks, *chunk, answer[4096];

	if (argc != 5 || strlen(argv[2]) > 255 || atoi(argv[3]) > 60000) {
		fprintf(stderr, "usage: tlshello PORT SERVER_NAME PADDING CHUNKS\n");
		return 2;
	}
	build(argv[2], (size_t)atoi(argv[3]));
	addr.sin_port = htons(atoi(argv[1]));
	fd = socket(AF_INET, SOCK_STREAM, 0);
	if (fd < 0 || setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof(one)) ||
	    setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &timeout, sizeof(timeout)) ||
	    connect(fd, (struct sockaddr *)&addr, sizeof(addr))) {
		perror("tlshello: connect");
		return 1;
	}
	chunks = argv[4];
	while (sent < length) {
		size_t size = length - sent;

		chunk = strsep(&chunks, ",");
		if (chunk && atoi(chunk) > 0 && (size_t)atoi(chunk) < size)
			size = (size_t)atoi(chunk);
		if (write(fd, hello + sent, size) != (ssize_t)size) {
			perror("tlshello: write");
			return 1;
		}
		sent += size;
		usleep(50000);
	}
	printf("sent %zu\n", length);
	fflush(stdout);
	while (read(fd, answer, sizeof(answer)) > 0)
		;
	close(fd);
	return 0;
}
