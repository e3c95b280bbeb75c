/*
 * validate.c: check a value against its key's type and limits and return
 * its normal form ("on" -> "yes", "010" -> "10", lists single-spaced,
 * names in lower case, IPv6 as RFC 5952).  Messages read "key=value:
 * must be ...".  t/conformance holds the public suites' vectors it is
 * held to.
 */
#include <arpa/inet.h>
#include <ctype.h>
#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "fwconf.h"

/* Shown values are cut, so a long bad value cannot flood the message. */
#define SHOW "%.80s"

static int
bad(struct fwconf_err *e, const struct fwconf_key *k, const char *v,
    const char *why)
{
	return fwconf_fail(e, FWCONF_REFUSED, "%s=" SHOW ": %s", k->name, v,
	    why);
}

/* Is word one of the space-separated words of list? */
bool
fwconf_list_has(const char *list, const char *word)
{
	size_t n = strlen(word);
	const char *p = list;

	/* "off ttyS0" is two words, not one; "" would match forever. */
	if (n == 0 || strchr(word, ' ') != NULL)
		return false;
	while (list != NULL && (p = strstr(p, word)) != NULL) {
		if ((p == list || p[-1] == ' ') && (p[n] == ' ' || p[n] == '\0'))
			return true;
		p += n;
	}
	return false;
}

static char *
lower_dup(const char *s)
{
	char *d = strdup(s), *p;

	for (p = d; p != NULL && *p != '\0'; p++)
		*p = (char)tolower((unsigned char)*p);
	return d;
}

/* Strict decimal in [min, max]: no sign but '-', no spaces, no hex. */
static bool
parse_int(const char *s, long long min, long long max, long long *out)
{
	const char *p = s;
	char *end;
	long long v;

	if (*p == '-')
		p++;
	if (*p == '\0' || strspn(p, "0123456789") != strlen(p) ||
	    strlen(p) > 18)
		return false;
	errno = 0;
	v = strtoll(s, &end, 10);
	if (errno != 0 || v < min || v > max)
		return false;
	*out = v;
	return true;
}

static bool
valid_ipv4(const char *s, unsigned char out[4])
{
	int i;
	long long n;
	const char *p = s;
	char part[4];
	size_t len;

	for (i = 0; i < 4; i++) {
		len = strspn(p, "0123456789");
		if (len == 0 || len > 3 || (len > 1 && *p == '0'))
			return false;
		memcpy(part, p, len);
		part[len] = '\0';
		if (!parse_int(part, 0, 255, &n))
			return false;
		if (out != NULL)
			out[i] = (unsigned char)n;
		p += len;
		if (i < 3 && *p++ != '.')
			return false;
	}
	return *p == '\0';
}

static bool
valid_ipv6(const char *s, unsigned char out[16])
{
	unsigned char buf[16];

	if (strchr(s, ':') == NULL || strlen(s) > 45)
		return false;
	return inet_pton(AF_INET6, s, out != NULL ? out : buf) == 1;
}

/*
 * An IPv6 address as RFC 5952 writes it: lower-case hex without leading
 * zeros, the first longest run of two or more zero groups as "::", and
 * dotted decimal only for an IPv4-mapped address (::ffff:192.0.2.1), as
 * Go, Rust and CPython write it.  glibc's inet_ntop also writes the
 * deprecated IPv4-compatible form (::1:1 as ::0.1.0.1), which we do not.
 */
static void
format_ipv6(const unsigned char a[16], char *out, size_t outsz)
{
	static const unsigned char mapped[12] = { [10] = 0xff, [11] = 0xff };
	unsigned int g[8];
	int i, best = -1, bestlen = 1, run;
	size_t n = 0;

	if (memcmp(a, mapped, sizeof(mapped)) == 0) {
		snprintf(out, outsz, "::ffff:%u.%u.%u.%u", a[12], a[13], a[14],
		    a[15]);
		return;
	}
	for (i = 0; i < 8; i++)
		g[i] = (unsigned int)a[2 * i] << 8 | a[2 * i + 1];
	for (i = 0; i < 8; i += run > 0 ? run : 1) {
		for (run = 0; i + run < 8 && g[i + run] == 0; run++)
			;
		if (run > bestlen)
			best = i, bestlen = run;
	}
	out[0] = '\0';
	for (i = 0; i < 8 && n < outsz; i++) {
		if (i == best) {
			n += (size_t)snprintf(out + n, outsz - n, "::");
			i += bestlen - 1;
			continue;
		}
		n += (size_t)snprintf(out + n, outsz - n, "%s%x",
		    i > 0 && i != best + bestlen ? ":" : "", g[i]);
	}
}

/* RFC 1123 label: letters, digits, hyphen not first or last, 1..63. */
static bool
valid_label(const char *s, size_t len)
{
	size_t i;

	if (len == 0 || len > 63 || s[0] == '-' || s[len - 1] == '-')
		return false;
	/* ASCII only, whatever the locale: IDNs are written xn--. */
	for (i = 0; i < len; i++)
		if (strchr("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ"
		    "0123456789-", s[i]) == NULL || s[i] == '\0')
			return false;
	return true;
}

/*
 * A domain name: labels, at most 253 characters, and a last label that is
 * not all digits (RFC 1123 2.1, RFC 3696 2), so that 192.168.1.1 or
 * example.0 is never taken for a name.  NULL, or why not.
 */
static const char *
fqdn_error(const char *s)
{
	size_t len = strlen(s), n;

	if (len == 0 || len > 253)
		return "a domain name has 1 to 253 characters";
	for (;;) {
		n = strcspn(s, ".");
		if (!valid_label(s, n))
			return "each label has letters, digits and inner "
			    "hyphens, 1 to 63";
		if (s[n] == '\0')
			break;
		s += n + 1;
	}
	if (strspn(s, "0123456789") == n)
		return "the last label may not be all digits";
	return NULL;
}

static bool
valid_fqdn(const char *s)
{
	return fqdn_error(s) == NULL;
}

static void
show_addr(int family, const unsigned char *a, char *out, size_t outsz)
{
	if (family == AF_INET)
		snprintf(out, outsz, "%u.%u.%u.%u", a[0], a[1], a[2], a[3]);
	else
		format_ipv6(a, out, outsz);
}

/* An IPv4 or IPv6 network: address, optional /len, no host bits set. */
static int
check_cidr(const struct fwconf_key *k, const char *item, char *out,
    size_t outsz, struct fwconf_err *e)
{
	unsigned char a[16];
	char addr[64], shown[64], why[160];
	const char *slash = strchr(item, '/');
	long long len;
	int bits, i, family;
	size_t alen = slash ? (size_t)(slash - item) : strlen(item);

	if (alen >= sizeof(addr))
		return bad(e, k, item, "must be an IPv4 or IPv6 network");
	memcpy(addr, item, alen);
	addr[alen] = '\0';
	if (valid_ipv4(addr, a))
		family = AF_INET, bits = 32;
	else if (valid_ipv6(addr, a))
		family = AF_INET6, bits = 128;
	else
		return bad(e, k, item,
		    "must be a network like 192.168.1.0/24 or fd00::/64");
	len = bits;
	/* Digits only: parse_int would take "-0" for 0, the whole space. */
	if (slash != NULL && (strspn(slash + 1, "0123456789") !=
	    strlen(slash + 1) || !parse_int(slash + 1, 0, bits, &len))) {
		snprintf(why, sizeof(why), "prefix length must be 0 to %d",
		    bits);
		return bad(e, k, item, why);
	}
	for (i = (int)len; i < bits; i++)
		if (a[i / 8] & (0x80 >> (i % 8))) {
			for (; i < bits; i++)
				a[i / 8] &= (unsigned char)~(0x80 >> (i % 8));
			show_addr(family, a, shown, sizeof(shown));
			snprintf(why, sizeof(why),
			    "host bits set; the network is %s/%lld", shown, len);
			return bad(e, k, item, why);
		}
	show_addr(family, a, shown, sizeof(shown));
	snprintf(out, outsz, "%s/%lld", shown, len);
	return 0;
}

static int
check_port(const struct fwconf_key *k, const char *item, long long *port,
    struct fwconf_err *e)
{
	char why[128], num[24];

	if (!parse_int(item, 1, 65535, port))
		return bad(e, k, item, "must be a port from 1 to 65535");
	/* The number, not the text: "022" is port 22 too. */
	snprintf(num, sizeof(num), "%lld", *port);
	if (fwconf_list_has(k->reserved, num)) {
		snprintf(why, sizeof(why),
		    "port %lld is used by another service", *port);
		return bad(e, k, item, why);
	}
	return 0;
}

static char *check_scalar(const struct fwconf_key *, const char *,
	    struct fwconf_err *);

/* A host of a hostlist: what a key of type host takes, in its form. */
static int
check_host(const struct fwconf_key *k, const char *item, char *out,
    size_t outsz, struct fwconf_err *e)
{
	struct fwconf_key as_host = *k;
	char *norm;

	as_host.type = FWCONF_HOST;
	if ((norm = check_scalar(&as_host, item, e)) == NULL)
		return -1;
	snprintf(out, outsz, "%s", norm);
	free(norm);
	return 0;
}

/* One item of a list, written in normal form to out. */
static int
check_item(const struct fwconf_key *k, const char *item, char *out,
    size_t outsz, struct fwconf_err *e)
{
	long long lo, hi;
	const char *dash;
	char first[16];

	if (k->type == FWCONF_CIDRLIST)
		return check_cidr(k, item, out, outsz, e);
	if (k->type == FWCONF_HOSTLIST)
		return check_host(k, item, out, outsz, e);
	/* portlist: a port or a range lo-hi */
	if ((dash = strchr(item, '-')) != NULL &&
	    (size_t)(dash - item) < sizeof(first)) {
		memcpy(first, item, (size_t)(dash - item));
		first[dash - item] = '\0';
		if (!parse_int(first, 1, 65535, &lo) ||
		    !parse_int(dash + 1, 1, 65535, &hi) || lo > hi)
			return bad(e, k, item,
			    "must be a port range like 1025-65535");
		snprintf(out, outsz, "%lld-%lld", lo, hi);
		return 0;
	}
	if (check_port(k, item, &lo, e) == -1)
		return -1;
	snprintf(out, outsz, "%lld", lo);
	return 0;
}

/* Lists: items separated by spaces or commas, written single-spaced. */
static char *
check_list(const struct fwconf_key *k, const char *v, struct fwconf_err *e)
{
	size_t cap = strlen(v) + 64, len = 0, n, nlen;
	char *out = malloc(cap), *grown, item[256], norm[256];
	const char *p = v;

	if (out == NULL) {
		fwconf_fail_errno(e, "%s", k->name);
		return NULL;
	}
	out[0] = '\0';
	for (;;) {
		p += strspn(p, " ,");
		if (*p == '\0')
			break;
		n = strcspn(p, " ,");
		if (n >= sizeof(item)) {
			bad(e, k, p, "list item too long");
			goto fail;
		}
		memcpy(item, p, n);
		item[n] = '\0';
		p += n;
		if (check_item(k, item, norm, sizeof(norm), e) == -1)
			goto fail;
		if (fwconf_list_has(out, norm)) {
			bad(e, k, item, "listed twice");
			goto fail;
		}
		nlen = strlen(norm);
		if (len + nlen + 2 > cap) {
			cap = (len + nlen + 2) * 2;
			if ((grown = realloc(out, cap)) == NULL) {
				fwconf_fail_errno(e, "%s", k->name);
				goto fail;
			}
			out = grown;
		}
		if (len > 0)
			out[len++] = ' ';
		memcpy(out + len, norm, nlen + 1);
		len += nlen;
	}
	return out;
fail:
	free(out);
	return NULL;
}

/*
 * local@domain as RFC 5321 has it, without quoted local parts or address
 * literals: a dot-atom of at most 64 characters, a domain name, at most
 * 254 characters in all (the 256 of a path less its angle brackets).
 * The domain has a dot, but for a key that takes local addresses (schema
 * "local"), where root@localhost is delivered by the firewall itself.
 */
static const char *
email_error(const struct fwconf_key *k, const char *v)
{
	const char *at = strrchr(v, '@'), *why;
	static const char local_ok[] = "abcdefghijklmnopqrstuvwxyz"
	    "ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789.!#$%&'*+/=?^_`{|}~-";
	size_t n;

	if (at == NULL)
		return "no @";
	if (at == v)
		return "no local part before the @";
	n = (size_t)(at - v);
	if (n > 64)
		return "the local part is longer than 64 characters";
	if (strspn(v, local_ok) != n || v[0] == '.' || at[-1] == '.' ||
	    strstr(v, "..") != NULL)
		return "the local part has letters, digits, inner dots and "
		    "!#$%&'*+/=?^_`{|}~- only";
	if (strlen(v) > 254)
		return "longer than 254 characters";
	if ((why = fqdn_error(at + 1)) != NULL)
		return why;
	if (!k->local && strchr(at + 1, '.') == NULL)
		return "the domain has no dot (this key takes no local address)";
	return NULL;
}

/* scheme://host[:port][/path]; the path is printable ASCII, no spaces. */
static bool
valid_url(const char *v)
{
	static const char *const schemes[] = { "http://", "https://",
	    "ftp://" };
	char host[256];
	const char *p = NULL, *end;
	long long port;
	size_t i, n;

	for (i = 0; i < sizeof(schemes) / sizeof(schemes[0]); i++)
		if (strncasecmp(v, schemes[i], strlen(schemes[i])) == 0)
			p = v + strlen(schemes[i]);
	if (p == NULL)
		return false;
	if (*p == '[') {
		if ((end = strchr(p, ']')) == NULL ||
		    (n = (size_t)(end - p - 1)) >= sizeof(host))
			return false;
		memcpy(host, p + 1, n);
		host[n] = '\0';
		if (!valid_ipv6(host, NULL))
			return false;
		p = end + 1;
	} else {
		if ((n = strcspn(p, ":/?#")) >= sizeof(host))
			return false;
		memcpy(host, p, n);
		host[n] = '\0';
		if (!valid_ipv4(host, NULL) && !valid_fqdn(host))
			return false;
		p += n;
	}
	if (*p == ':') {
		n = strcspn(++p, "/?#");
		if (n == 0 || n > 5)
			return false;
		memcpy(host, p, n);
		host[n] = '\0';
		if (!parse_int(host, 1, 65535, &port))
			return false;
		p += n;
	}
	for (; *p != '\0'; p++)
		if (*p <= ' ' || *p >= 0x7f || strchr("\"<>\\^`{|}", *p))
			return false;
	return true;
}

static char *
check_scalar(const struct fwconf_key *k, const char *v, struct fwconf_err *e)
{
	static const char *const yes[] = { "yes", "on", "true", "1" };
	static const char *const no[] = { "no", "off", "false", "0" };
	char buf[256], why[512];
	const char *reason;
	long long n;
	size_t i;

	switch (k->type) {
	case FWCONF_BOOL:
		for (i = 0; i < 4; i++) {
			if (strcasecmp(v, yes[i]) == 0)
				return strdup("yes");
			if (strcasecmp(v, no[i]) == 0)
				return strdup("no");
		}
		bad(e, k, v, "must be yes or no");
		return NULL;
	case FWCONF_INT:
		if (!parse_int(v, k->min, k->max, &n)) {
			snprintf(why, sizeof(why),
			    "must be an integer from %lld to %lld", k->min,
			    k->max);
			bad(e, k, v, why);
			return NULL;
		}
		snprintf(buf, sizeof(buf), "%lld", n);
		return strdup(buf);
	case FWCONF_PORT:
		if (check_port(k, v, &n, e) == -1)
			return NULL;
		snprintf(buf, sizeof(buf), "%lld", n);
		return strdup(buf);
	case FWCONF_ENUM:
		if (!fwconf_list_has(k->values, v)) {
			snprintf(why, sizeof(why), "must be one of: %s",
			    k->values);
			bad(e, k, v, why);
			return NULL;
		}
		return strdup(v);
	case FWCONF_IPV4:
		if (!valid_ipv4(v, NULL)) {
			bad(e, k, v, "must be an IPv4 address like 192.168.1.1");
			return NULL;
		}
		return strdup(v);
	case FWCONF_IPV6:
	case FWCONF_IP: {
		unsigned char a[16];

		if (k->type == FWCONF_IP && valid_ipv4(v, NULL))
			return strdup(v);
		if (!valid_ipv6(v, a)) {
			bad(e, k, v, k->type == FWCONF_IP ?
			    "must be an IPv4 or IPv6 address" :
			    "must be an IPv6 address like fd00::1");
			return NULL;
		}
		format_ipv6(a, buf, sizeof(buf));
		return strdup(buf);
	}
	case FWCONF_CIDR:
		if (check_cidr(k, v, buf, sizeof(buf), e) == -1)
			return NULL;
		return strdup(buf);
	case FWCONF_HOSTNAME:
		if (!valid_label(v, strlen(v))) {
			bad(e, k, v, "must be one DNS label: letters, digits "
			    "and inner hyphens, at most 63");
			return NULL;
		}
		return lower_dup(v);
	case FWCONF_FQDN:
		if ((reason = fqdn_error(v)) != NULL) {
			snprintf(why, sizeof(why), "must be a domain name like "
			    "example.com: %s", reason);
			bad(e, k, v, why);
			return NULL;
		}
		return lower_dup(v);
	case FWCONF_HOST: {
		/* An address in its normal form, else a domain name. */
		struct fwconf_key as_ip = *k;
		char *norm;

		as_ip.type = FWCONF_IP;
		if ((norm = check_scalar(&as_ip, v, e)) != NULL)
			return norm;
		if (strspn(v, "0123456789.") != strlen(v) &&
		    (reason = fqdn_error(v)) == NULL)
			return lower_dup(v);
		bad(e, k, v, "must be a host name like update.example.com or "
		    "an IPv4 or IPv6 address");
		return NULL;
	}
	case FWCONF_EMAIL:
		if ((reason = email_error(k, v)) != NULL) {
			snprintf(why, sizeof(why), "must be a mail address like "
			    "%s: %s", k->local ? "root@localhost" :
			    "admin@example.com", reason);
			bad(e, k, v, why);
			return NULL;
		}
		return strdup(v);
	case FWCONF_URL:
		if (!valid_url(v)) {
			bad(e, k, v, "must be an http, https or ftp URL");
			return NULL;
		}
		return strdup(v);
	case FWCONF_STRING:
	case FWCONF_SECRET:
		if ((long long)strlen(v) > (k->max > 0 ? k->max : 255)) {
			snprintf(why, sizeof(why), "longer than %lld bytes",
			    k->max > 0 ? k->max : 255);
			fwconf_fail(e, FWCONF_REFUSED, "%s: value %s",
			    k->name, why);
			return NULL;
		}
		return strdup(v);
	default:
		break;
	}
	fwconf_fail(e, FWCONF_SYSTEM, "%s: unknown type", k->name);
	return NULL;
}

char *
fwconf_validate(const struct fwconf_key *k, const char *v,
    struct fwconf_err *e)
{
	char *norm;

	if (e != NULL)
		e->msg[0] = '\0';
	if (!fwconf_value_ok(v, e, k->name))
		return NULL;
	if (k->type == FWCONF_PORTLIST || k->type == FWCONF_CIDRLIST ||
	    k->type == FWCONF_HOSTLIST)
		norm = check_list(k, v, e);
	else if (*v == '\0')
		norm = strdup("");
	else
		norm = check_scalar(k, v, e);
	if (norm == NULL) {
		if (e != NULL && e->msg[0] == '\0')
			fwconf_fail_errno(e, "%s", k->name);
		return NULL;
	}
	if (*norm == '\0' && !k->empty_ok) {
		free(norm);
		fwconf_fail(e, FWCONF_REFUSED, "%s: must not be empty",
		    k->name);
		return NULL;
	}
	return norm;
}
