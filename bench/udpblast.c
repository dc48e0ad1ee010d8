// SPDX-License-Identifier: GPL-2.0
/* udpblast: the benchmark's own traffic. "send" pushes fixed-size UDP datagrams with
 * sendmmsg for a fixed time, paced to a rate when one is given; "recv" takes them with
 * recvmmsg and reports the rate between the first and the last datagram, so start-up and
 * tail waits do not count. Each prints one "key value" line that bench/run.sh parses. */
#define _GNU_SOURCE
#include <arpa/inet.h>
#include <errno.h>
#include <getopt.h>
#include <netinet/in.h>
#include <poll.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#define BATCH_MAX 64
#define SIZE_MAX_BYTES 8192
#define RCVBUF_BYTES (32 << 20)

struct config {
	struct sockaddr_in addr; /* send: destination; recv: where to bind */
	unsigned int size;	 /* UDP payload bytes */
	double duration_s;	 /* send: how long; recv: give up after this */
	double idle_s;		 /* recv: stop this long after the last datagram */
	double rate_pps;	 /* send: 0 for as fast as possible */
	const char *ready_file;	 /* recv: created once bound */
};

static double now_s(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec + ts.tv_nsec / 1e9;
}

static void sleep_until(double t)
{
	struct timespec ts = { .tv_sec = (time_t)t };

	ts.tv_nsec = (long)((t - ts.tv_sec) * 1e9);
	while (clock_nanosleep(CLOCK_MONOTONIC, TIMER_ABSTIME, &ts, NULL) == EINTR)
		;
}

static int usage(FILE *f)
{
	fprintf(f,
		"Usage: udpblast send --addr IP:PORT [--size BYTES] [--duration S] [--rate PPS]\n"
		"       udpblast recv --addr IP:PORT [--size BYTES] [--duration S] [--idle S]\n"
		"                     [--ready FILE]\n");
	return f == stdout ? 0 : 2;
}

static bool parse_addr(const char *arg, struct sockaddr_in *sa)
{
	char host[64];
	const char *colon = strrchr(arg, ':');
	char *end;
	long port;

	if (!colon || (size_t)(colon - arg) >= sizeof(host))
		return false;
	memcpy(host, arg, colon - arg);
	host[colon - arg] = 0;
	port = strtol(colon + 1, &end, 10);
	if (*end || port <= 0 || port > 65535)
		return false;
	memset(sa, 0, sizeof(*sa));
	sa->sin_family = AF_INET;
	sa->sin_port = htons((unsigned short)port);
	return inet_pton(AF_INET, host, &sa->sin_addr) == 1;
}

static bool parse_number(const char *arg, double min, double max, double *out)
{
	char *end;
	double v = strtod(arg, &end);

	if (end == arg || *end || v < min || v > max)
		return false;
	*out = v;
	return true;
}

static int parse_args(int argc, char **argv, struct config *c)
{
	static const struct option opts[] = {
		{ "addr", required_argument, NULL, 'a' },
		{ "size", required_argument, NULL, 's' },
		{ "duration", required_argument, NULL, 'd' },
		{ "rate", required_argument, NULL, 'r' },
		{ "idle", required_argument, NULL, 'i' },
		{ "ready", required_argument, NULL, 'f' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	bool have_addr = false, ok = true;
	double size = 64;
	int opt;

	*c = (struct config){ .duration_s = 3, .idle_s = 0.3 };
	while (ok && (opt = getopt_long(argc, argv, "", opts, NULL)) != -1) {
		switch (opt) {
		case 'a':
			ok = have_addr = parse_addr(optarg, &c->addr);
			break;
		case 's':
			ok = parse_number(optarg, 1, SIZE_MAX_BYTES, &size);
			break;
		case 'd':
			ok = parse_number(optarg, 0.01, 3600, &c->duration_s);
			break;
		case 'r':
			ok = parse_number(optarg, 0, 1e8, &c->rate_pps);
			break;
		case 'i':
			ok = parse_number(optarg, 0.01, 60, &c->idle_s);
			break;
		case 'f':
			c->ready_file = optarg;
			break;
		case 'h':
			return 1;
		default:
			return -1;
		}
	}
	if (!ok || !have_addr || optind != argc) {
		fprintf(stderr, "udpblast: %s\n",
			ok && !have_addr ? "--addr is required" : "bad argument");
		return -1;
	}
	c->size = (unsigned int)size;
	return 0;
}

/* One payload buffer shared by every message of the batch: only the count matters. */
static void batch_init(struct mmsghdr *msgs, struct iovec *iov, char *buf, unsigned int size)
{
	memset(msgs, 0, sizeof(*msgs) * BATCH_MAX);
	for (int i = 0; i < BATCH_MAX; i++) {
		iov[i] = (struct iovec){ .iov_base = buf, .iov_len = size };
		msgs[i].msg_hdr.msg_iov = &iov[i];
		msgs[i].msg_hdr.msg_iovlen = 1;
	}
}

/* CPU time this thread has run, in ns, from the scheduler's own clock (schedstat): exact,
 * where /proc/stat's tick sampling misses most of a short, bursty load. The softirq work the
 * thread runs on its way out (veth transmit, the bridge, the peer's receive) is in it. */
static unsigned long long run_ns(void)
{
	unsigned long long ns = 0;
	FILE *f = fopen("/proc/thread-self/schedstat", "r");

	if (f) {
		if (fscanf(f, "%llu", &ns) != 1)
			ns = 0;
		fclose(f);
	}
	return ns;
}

/* Small batches at low rates keep the pacing smooth (about one batch per half ms). */
static unsigned int send_batch_size(double rate)
{
	unsigned int b = rate > 0 ? (unsigned int)(rate / 2000) : BATCH_MAX;

	return b < 1 ? 1 : b > BATCH_MAX ? BATCH_MAX : b;
}

static int do_send(const struct config *c)
{
	static char buf[SIZE_MAX_BYTES];
	struct mmsghdr msgs[BATCH_MAX];
	struct iovec iov[BATCH_MAX];
	unsigned long long sent = 0, errors = 0;
	unsigned int batch = send_batch_size(c->rate_pps);
	unsigned long long cpu0;
	double start, end, t;
	int fd, n;

	fd = socket(AF_INET, SOCK_DGRAM, 0);
	if (fd < 0 || connect(fd, (const struct sockaddr *)&c->addr, sizeof(c->addr))) {
		perror("udpblast: send socket");
		return 1;
	}
	batch_init(msgs, iov, buf, c->size);
	cpu0 = run_ns();
	start = now_s();
	end = start + c->duration_s;
	while ((t = now_s()) < end) {
		if (c->rate_pps > 0 && t < start + sent / c->rate_pps)
			sleep_until(start + sent / c->rate_pps);
		n = sendmmsg(fd, msgs, batch, 0);
		if (n > 0) {
			sent += n;
		} else if (errno == ENOBUFS || errno == EAGAIN || errno == ECONNREFUSED) {
			errors++; /* a full queue or an ICMP error; the rate shows it */
		} else {
			perror("udpblast: sendmmsg");
			close(fd);
			return 1;
		}
	}
	t = now_s() - start;
	printf("sent %llu seconds %.3f pps %.0f errors %llu cpu_ns %llu\n", sent, t, sent / t,
	       errors, run_ns() - cpu0);
	close(fd);
	return 0;
}

static int recv_socket(const struct config *c)
{
	int fd = socket(AF_INET, SOCK_DGRAM, 0), sz = RCVBUF_BYTES;
	FILE *f;

	if (fd < 0) {
		perror("udpblast: recv socket");
		return -1;
	}
	/* A deep queue absorbs scheduling hiccups of the receiver on a small machine. */
	if (setsockopt(fd, SOL_SOCKET, SO_RCVBUFFORCE, &sz, sizeof(sz)))
		setsockopt(fd, SOL_SOCKET, SO_RCVBUF, &sz, sizeof(sz));
	if (bind(fd, (const struct sockaddr *)&c->addr, sizeof(c->addr))) {
		perror("udpblast: bind");
		close(fd);
		return -1;
	}
	if (c->ready_file) {
		f = fopen(c->ready_file, "w");
		if (!f || fclose(f)) {
			perror("udpblast: ready file");
			close(fd);
			return -1;
		}
	}
	return fd;
}

static int do_recv(const struct config *c)
{
	static char bufs[BATCH_MAX][SIZE_MAX_BYTES];
	struct mmsghdr msgs[BATCH_MAX];
	struct iovec iov[BATCH_MAX];
	unsigned long long got = 0;
	double deadline = now_s() + c->duration_s, first = 0, last = 0, t;
	struct pollfd pfd;
	int fd = recv_socket(c), n;

	if (fd < 0)
		return 1;
	batch_init(msgs, iov, bufs[0], c->size);
	for (int i = 0; i < BATCH_MAX; i++)
		iov[i].iov_base = bufs[i];
	pfd = (struct pollfd){ .fd = fd, .events = POLLIN };
	while ((t = now_s()) < deadline && !(got && t - last > c->idle_s)) {
		if (poll(&pfd, 1, 20) <= 0)
			continue;
		n = recvmmsg(fd, msgs, BATCH_MAX, MSG_DONTWAIT, NULL);
		if (n <= 0)
			continue;
		last = now_s();
		if (!got)
			first = last;
		got += n;
	}
	t = last - first;
	printf("received %llu seconds %.3f pps %.0f cpu_ns %llu\n", got, t, t > 0 ? got / t : 0.0,
	       run_ns());
	close(fd);
	return got ? 0 : 1;
}

int main(int argc, char **argv)
{
	struct config c;
	int r;

	if (argc < 2)
		return usage(stderr);
	r = parse_args(argc - 1, argv + 1, &c);
	if (r)
		return r > 0 ? usage(stdout) : usage(stderr);
	setvbuf(stdout, NULL, _IOLBF, 0);
	if (!strcmp(argv[1], "send"))
		return do_send(&c);
	if (!strcmp(argv[1], "recv"))
		return do_recv(&c);
	return usage(stderr);
}
