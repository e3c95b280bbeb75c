/*
 * dnsprobe: what a change of DNS entries costs the clients of dnsmasq,
 * for contrib/bench/run (a helper, not the product).
 *
 *	dnsprobe PORT NEW ADDR OLD CMD...
 *
 * Runs CMD (an fw-apply) and, from the moment it starts, asks dnsmasq on
 * 127.0.0.1:PORT for OLD (an entry it knows throughout) and for NEW (the
 * entry CMD makes live), by turns, each once a millisecond, until CMD has ended
 * and NEW answers ADDR, then waits a second for answers still on their
 * way.  Prints, tab-separated: the ms from the start of CMD to the first
 * answer ADDR for NEW; the queries for OLD sent meanwhile; of those, the
 * ones answered after more than 50 ms; and the ones never answered.
 * Exits 1 when CMD fails or NEW does not answer within 60 s.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#define MAXQ	65535	/* DNS ids are 16 bits */
#define LATE_MS	50.0

static double sent[MAXQ];	/* per query id - 1: when sent, 0 if none */
static double got[MAXQ];	/* when answered, 0 if not */

static double
now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1e3 + ts.tv_nsec / 1e6;
}

/* A query for an A record of name, with id. */
static size_t
query(unsigned char *buf, unsigned int id, const char *name)
{
	size_t n = 12, len;
	const char *p = name, *dot;

	memset(buf, 0, 12);
	buf[0] = id >> 8;
	buf[1] = id & 0xff;
	buf[2] = 0x01;			/* recursion desired */
	buf[5] = 1;			/* one question */
	for (; *p != '\0'; p = *dot ? dot + 1 : dot) {
		dot = strchr(p, '.');
		if (dot == NULL)
			dot = p + strlen(p);
		len = (size_t)(dot - p);
		buf[n++] = (unsigned char)len;
		memcpy(buf + n, p, len);
		n += len;
	}
	buf[n++] = 0;
	buf[n++] = 0, buf[n++] = 1;	/* A */
	buf[n++] = 0, buf[n++] = 1;	/* IN */
	return n;
}

/* The first A record of an answer, as text, or "" */
static void
first_a(const unsigned char *b, size_t n, char *out, size_t size)
{
	size_t p = 12, i;
	unsigned int qd = b[4] << 8 | b[5], an = b[6] << 8 | b[7], type, rdlen;

	*out = '\0';
	for (i = 0; i < qd && p < n; i++) {
		while (p < n && b[p] != 0 && (b[p] & 0xc0) != 0xc0)
			p += b[p] + 1;
		p += p < n && (b[p] & 0xc0) == 0xc0 ? 2 : 1;
		p += 4;
	}
	for (i = 0; i < an && p + 10 < n; i++) {
		while (p < n && b[p] != 0 && (b[p] & 0xc0) != 0xc0)
			p += b[p] + 1;
		p += p < n && (b[p] & 0xc0) == 0xc0 ? 2 : 1;
		type = b[p] << 8 | b[p + 1];
		rdlen = b[p + 8] << 8 | b[p + 9];
		p += 10;
		if (type == 1 && rdlen == 4 && p + 4 <= n) {
			inet_ntop(AF_INET, b + p, out, (socklen_t)size);
			return;
		}
		p += rdlen;
	}
}

int
main(int argc, char *argv[])
{
	struct sockaddr_in sa = { 0 };
	struct pollfd pfd;
	unsigned char q[512], r[4096];
	char a[64];
	double t0, t, next, first = 0, ended = 0;
	unsigned int id = 0, rid;
	size_t nold = 0, late = 0, lost = 0, i;
	ssize_t n;
	int s, status = 0;
	pid_t pid;

	if (argc < 6) {
		fprintf(stderr, "usage: dnsprobe port new addr old cmd...\n");
		return 2;
	}
	sa.sin_family = AF_INET;
	sa.sin_port = htons((unsigned short)atoi(argv[1]));
	sa.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	if ((s = socket(AF_INET, SOCK_DGRAM | SOCK_NONBLOCK, 0)) == -1 ||
	    connect(s, (struct sockaddr *)&sa, sizeof(sa)) == -1) {
		perror("dnsprobe: socket");
		return 3;
	}
	t0 = now_ms();
	if ((pid = fork()) == 0) {
		execvp(argv[5], argv + 5);
		perror(argv[5]);
		_exit(127);
	}
	pfd.fd = s;
	pfd.events = POLLIN;
	for (next = t0; ; ) {
		t = now_ms();
		if (pid > 0 && waitpid(pid, &status, WNOHANG) == pid) {
			pid = 0;
			ended = t;
			if (!WIFEXITED(status) || WEXITSTATUS(status) != 0) {
				fprintf(stderr, "dnsprobe: %s failed\n", argv[5]);
				return 1;
			}
		}
		if (first > 0 && ended > 0)
			break;
		if (t - t0 > 60000) {
			fprintf(stderr, "dnsprobe: %s not answered in 60 s\n",
			    argv[2]);
			return 1;
		}
		if (t >= next && id < MAXQ) {
			/* Odd ids ask for the old entry, even for the new. */
			id++;
			n = (ssize_t)query(q, id, id % 2 ? argv[4] : argv[2]);
			if (send(s, q, (size_t)n, 0) == n)
				sent[id - 1] = t;
			next += 0.5;
			if (next < t)
				next = t + 0.5;
		}
		if (poll(&pfd, 1, 0) > 0)
			while ((n = recv(s, r, sizeof(r), 0)) >= 12) {
				rid = r[0] << 8 | r[1];
				if (rid == 0 || rid > id || got[rid - 1] > 0)
					continue;
				got[rid - 1] = now_ms();
				if (rid % 2 == 0 && first == 0) {
					first_a(r, (size_t)n, a, sizeof(a));
					if (strcmp(a, argv[3]) == 0)
						first = got[rid - 1];
				}
			}
		else {
			struct timespec nap = { 0, 100000 };

			nanosleep(&nap, NULL);
		}
	}
	/* Answers still on their way. */
	for (t = now_ms(); now_ms() - t < 1000; )
		if (poll(&pfd, 1, 100) > 0)
			while ((n = recv(s, r, sizeof(r), 0)) >= 12) {
				rid = r[0] << 8 | r[1];
				if (rid > 0 && rid <= id && got[rid - 1] == 0)
					got[rid - 1] = now_ms();
			}
	for (i = 0; i < id; i += 2) {
		if (sent[i] == 0 || sent[i] > first)
			continue;
		nold++;
		if (got[i] == 0)
			lost++;
		else if (got[i] - sent[i] > LATE_MS)
			late++;
	}
	printf("%.3f\t%zu\t%zu\t%zu\n", first - t0, nold, late, lost);
	return 0;
}
