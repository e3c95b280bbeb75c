/*
 * nut-client.c: ask a NUT server (upsd) for a UPS's variables, in its
 * network protocol.  See nut-client.h.
 */
#include <sys/socket.h>
#include <sys/types.h>

#include <arpa/inet.h>
#include <ctype.h>
#include <errno.h>
#include <fcntl.h>
#include <netdb.h>
#include <poll.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "nut-client.h"

/* A reply larger than this is not a UPS's variables. */
#define REPLY_MAX	(1024 * 1024)

static bool
hostname_ok(const char *h)
{
	size_t label = 0, i, n = strlen(h);

	if (n == 0 || n > 253 || h[0] == '.' || h[n - 1] == '.')
		return false;
	for (i = 0; i < n; i++) {
		if (h[i] == '.') {
			if (label == 0 || h[i - 1] == '-')
				return false;
			label = 0;
		} else if (isalnum((unsigned char)h[i]) ||
		    (h[i] == '-' && label > 0)) {
			if (++label > 63)
				return false;
		} else
			return false;
	}
	return h[n - 1] != '-';
}

int
nut_target_parse(const char *spec, struct nut_target *t, const char **why)
{
	const char *at = strchr(spec, '@'), *host, *colon, *end;
	unsigned char a[16];
	size_t i, n;
	long port;
	char *stop;

	memset(t, 0, sizeof(*t));
	*why = "must be UPSNAME@ADDRESS[:PORT]";
	if (at == NULL)
		return -1;
	n = (size_t)(at - spec);
	if (n == 0 || n >= sizeof(t->ups)) {
		*why = "the UPS name must be 1 to 63 characters";
		return -1;
	}
	for (i = 0; i < n; i++)
		if (!isalnum((unsigned char)spec[i]) &&
		    strchr("_.-", spec[i]) == NULL) {
			*why = "the UPS name is letters, digits and _.-";
			return -1;
		}
	memcpy(t->ups, spec, n);
	host = at + 1;
	if (*host == '[') {
		if ((end = strchr(host, ']')) == NULL)
			return -1;
		n = (size_t)(end - host - 1);
		if (n == 0 || n >= sizeof(t->host))
			return -1;
		memcpy(t->host, host + 1, n);
		if (inet_pton(AF_INET6, t->host, a) != 1) {
			*why = "the address in [] must be an IPv6 address";
			return -1;
		}
		colon = end[1] == ':' ? end + 1 : NULL;
		if (colon == NULL && end[1] != '\0')
			return -1;
	} else {
		colon = strchr(host, ':');
		n = colon != NULL ? (size_t)(colon - host) : strlen(host);
		if (n == 0 || n >= sizeof(t->host))
			return -1;
		memcpy(t->host, host, n);
		if (inet_pton(AF_INET, t->host, a) != 1 &&
		    !hostname_ok(t->host)) {
			*why = "the address must be an IPv4 address, [IPv6] or "
			    "a host name";
			return -1;
		}
	}
	if (colon == NULL) {
		snprintf(t->port, sizeof(t->port), "3493");
		return 0;
	}
	errno = 0;
	port = strtol(colon + 1, &stop, 10);
	if (!isdigit((unsigned char)colon[1]) || *stop != '\0' || errno != 0 ||
	    port < 1 || port > 65535) {
		*why = "the port must be 1 to 65535";
		return -1;
	}
	snprintf(t->port, sizeof(t->port), "%ld", port);
	return 0;
}

size_t
nut_split(char *line, char **words, size_t max)
{
	char *r = line, *w = line;
	size_t n = 0;
	bool quoted;

	for (;;) {
		while (*r == ' ' || *r == '\t')
			r++;
		if (*r == '\0')
			return n;
		if (n == max)
			return SIZE_MAX;
		words[n++] = w;
		quoted = false;
		for (; *r != '\0'; r++) {
			if (*r == '\\' && r[1] != '\0')
				*w++ = *++r;
			else if (*r == '"')
				quoted = !quoted;
			else if (!quoted && (*r == ' ' || *r == '\t'))
				break;
			else
				*w++ = *r;
		}
		if (quoted)
			return SIZE_MAX;
		if (*r != '\0')
			r++;
		*w++ = '\0';
	}
}

static int
wait_fd(int fd, short events, time_t deadline)
{
	struct pollfd p = { .fd = fd, .events = events };
	time_t left;
	int r;

	for (;;) {
		if ((left = deadline - time(NULL)) <= 0) {
			errno = ETIMEDOUT;
			return -1;
		}
		r = poll(&p, 1, (int)left * 1000);
		if (r == -1 && errno == EINTR)
			continue;
		if (r == 0) {
			errno = ETIMEDOUT;
			return -1;
		}
		return r == -1 ? -1 : 0;
	}
}

/* A connected, non-blocking socket, or -1 with errno. */
static int
dial(const struct nut_target *t, time_t deadline, struct fwconf_err *e)
{
	struct addrinfo hints = { .ai_socktype = SOCK_STREAM }, *res, *ai;
	socklen_t len = sizeof(int);
	int fd = -1, r, soerr = 0, saved = ECONNREFUSED;

	if ((r = getaddrinfo(t->host, t->port, &hints, &res)) != 0)
		return fwconf_fail(e, FWCONF_SYSTEM, "%s: %s", t->host,
		    gai_strerror(r));
	for (ai = res; ai != NULL; ai = ai->ai_next) {
		if ((fd = socket(ai->ai_family, ai->ai_socktype | SOCK_CLOEXEC |
		    SOCK_NONBLOCK, ai->ai_protocol)) == -1) {
			saved = errno;
			continue;
		}
		if (connect(fd, ai->ai_addr, ai->ai_addrlen) == 0 ||
		    (errno == EINPROGRESS && wait_fd(fd, POLLOUT, deadline) ==
		    0 && getsockopt(fd, SOL_SOCKET, SO_ERROR, &soerr, &len) ==
		    0 && soerr == 0))
			break;
		saved = soerr != 0 ? soerr : errno;
		close(fd);
		fd = -1;
	}
	freeaddrinfo(res);
	if (fd == -1)
		return fwconf_fail(e, FWCONF_SYSTEM, "%s port %s: %s", t->host,
		    t->port, strerror(saved));
	return fd;
}

static int
send_all(int fd, const char *buf, size_t len, time_t deadline)
{
	ssize_t n;

	while (len > 0) {
		if ((n = send(fd, buf, len, MSG_NOSIGNAL)) == -1) {
			if (errno == EINTR)
				continue;
			if (errno != EAGAIN || wait_fd(fd, POLLOUT, deadline) ==
			    -1)
				return -1;
			continue;
		}
		buf += n;
		len -= (size_t)n;
	}
	return 0;
}

static int
add_var(struct nut_vars *vs, const char *name, const char *value)
{
	struct nut_var *v;

	if ((v = reallocarray(vs->v, vs->n + 1, sizeof(*v))) == NULL)
		return -1;
	vs->v = v;
	v = &vs->v[vs->n];
	if ((v->name = strdup(name)) == NULL)
		return -1;
	if ((v->value = strdup(value)) == NULL) {
		free(v->name);
		return -1;
	}
	vs->n++;
	return 0;
}

/*
 * One reply line.  Returns 1 at the end of the list, 0 for more, -1 on
 * an error (e filled).
 */
static int
reply_line(const struct nut_target *t, char *line, struct nut_vars *vs,
    struct fwconf_err *e)
{
	char *w[6];
	size_t n = nut_split(line, w, 6);

	if (n == SIZE_MAX || n == 0)
		return fwconf_fail(e, FWCONF_SYSTEM, "%s@%s: a reply it cannot "
		    "read", t->ups, t->host);
	if (strcmp(w[0], "ERR") == 0)
		return fwconf_fail(e, FWCONF_SYSTEM, "%s@%s port %s: the UPS "
		    "server says %.64s", t->ups, t->host, t->port,
		    n > 1 ? w[1] : "ERR");
	if (n == 4 && strcmp(w[0], "BEGIN") == 0)
		return 0;
	if (n == 4 && strcmp(w[0], "END") == 0)
		return 1;
	if (n == 4 && strcmp(w[0], "VAR") == 0 && strcmp(w[1], t->ups) == 0) {
		if (add_var(vs, w[2], w[3]) == -1)
			return fwconf_fail_errno(e, "%s", t->host);
		return 0;
	}
	return fwconf_fail(e, FWCONF_SYSTEM, "%s@%s: a reply it cannot read",
	    t->ups, t->host);
}

int
nut_list_vars(const struct nut_target *t, int timeout_secs,
    struct nut_vars *vs, struct fwconf_err *e)
{
	time_t deadline = time(NULL) + timeout_secs;
	char req[128], *buf = NULL, *grown, *line, *nl;
	size_t len = 0, cap = 0, used = 0;
	ssize_t n;
	int fd, r = 0;

	vs->v = NULL;
	vs->n = 0;
	if ((fd = dial(t, deadline, e)) == -1)
		return -1;
	snprintf(req, sizeof(req), "LIST VAR %s\n", t->ups);
	if (send_all(fd, req, strlen(req), deadline) == -1) {
		fwconf_fail_errno(e, "%s port %s", t->host, t->port);
		goto fail;
	}
	while (r == 0) {
		if (len + 1024 > cap) {
			if (cap >= REPLY_MAX) {
				fwconf_fail(e, FWCONF_SYSTEM, "%s@%s: a reply "
				    "larger than %d bytes", t->ups, t->host,
				    REPLY_MAX);
				goto fail;
			}
			cap = cap ? cap * 2 : 8192;
			if ((grown = realloc(buf, cap)) == NULL) {
				fwconf_fail_errno(e, "%s", t->host);
				goto fail;
			}
			buf = grown;
		}
		n = recv(fd, buf + len, cap - len - 1, 0);
		if (n == -1 && errno == EINTR)
			continue;
		if (n == -1 && errno == EAGAIN) {
			if (wait_fd(fd, POLLIN, deadline) == -1) {
				fwconf_fail_errno(e, "%s port %s", t->host,
				    t->port);
				goto fail;
			}
			continue;
		}
		if (n <= 0) {
			if (n == 0)
				errno = ECONNRESET;
			fwconf_fail_errno(e, "%s port %s", t->host, t->port);
			goto fail;
		}
		len += (size_t)n;
		buf[len] = '\0';
		while (r == 0 && (nl = strchr(buf + used, '\n')) != NULL) {
			*nl = '\0';
			line = buf + used;
			used = (size_t)(nl - buf) + 1;
			if ((r = reply_line(t, line, vs, e)) == -1)
				goto fail;
		}
	}
	send_all(fd, "LOGOUT\n", 7, deadline);
	close(fd);
	free(buf);
	return 0;
fail:
	close(fd);
	free(buf);
	nut_vars_free(vs);
	return -1;
}

const char *
nut_var(const struct nut_vars *vs, const char *name)
{
	size_t i;

	for (i = 0; i < vs->n; i++)
		if (strcmp(vs->v[i].name, name) == 0)
			return vs->v[i].value;
	return NULL;
}

void
nut_vars_free(struct nut_vars *vs)
{
	size_t i;

	for (i = 0; i < vs->n; i++) {
		free(vs->v[i].name);
		free(vs->v[i].value);
	}
	free(vs->v);
	vs->v = NULL;
	vs->n = 0;
}
