/*
 * pac.c: the proxy auto-configuration file (fw-proxy pac, fw-proxy render
 * pac), a JavaScript function the browsers run for every URL, and the URL
 * it is offered at.  It sends plain host names, the exceptions of
 * auto_proxy_except and the networks attached to the firewall (fw-svc's
 * lan_nets, dmz_net, extra_net) direct, and everything else to the proxy
 * at lan_ip:auto_proxy_port.  PAC's isInNet() knows IPv4 only, so IPv6
 * networks are left out and IPv6 exceptions refused.
 *
 * Every value written here was checked to be a name, an address or a
 * network, so none can hold a quote; pac_string() writes each one and
 * would refuse anything else, as the quoting helper of this format.
 */
#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "render.h"

#define EXCEPT_MAX 256		/* items of auto_proxy_except */

struct except {
	char	 text[256];	/* lower case */
	enum pac_except kind;
	unsigned int addr, mask;
};

void
render_pac_url(char *buf, size_t size, const char *lan_ip, const char *port)
{
	if (strcmp(port, "80") == 0)
		snprintf(buf, size, "http://%s/wpad.dat", lan_ip);
	else
		snprintf(buf, size, "http://%s:%s/wpad.dat", lan_ip, port);
}

static int
label_ok(const char *s, size_t len)
{
	size_t i;

	if (len == 0 || len > 63 || s[0] == '-' || s[len - 1] == '-')
		return 0;
	for (i = 0; i < len; i++)
		if (!isalnum((unsigned char)s[i]) && s[i] != '-')
			return 0;
	return 1;
}

/* A host name of one or more labels whose last is not all digits. */
static int
name_ok(const char *s)
{
	const char *last = s;
	size_t n;

	if (*s == '\0' || strlen(s) > 253)
		return 0;
	for (;;) {
		n = strcspn(s, ".");
		if (!label_ok(s, n))
			return 0;
		last = s;
		if (s[n] == '\0')
			break;
		s += n + 1;
	}
	return strspn(last, "0123456789") != strlen(last);
}

/* Dotted quad, no leading zeros; 1 and the address, or 0. */
static int
ipv4(const char *s, size_t len, unsigned int *addr)
{
	unsigned int a = 0, part;
	size_t i = 0, n;
	int k;

	for (k = 0; k < 4; k++) {
		n = 0;
		part = 0;
		while (i < len && isdigit((unsigned char)s[i]) && n < 4) {
			part = part * 10 + (unsigned int)(s[i++] - '0');
			n++;
		}
		if (n == 0 || n > 3 || part > 255 ||
		    (n > 1 && s[i - n] == '0'))
			return 0;
		a = a << 8 | part;
		if (k < 3 && (i >= len || s[i++] != '.'))
			return 0;
	}
	if (i != len)
		return 0;
	*addr = a;
	return 1;
}

int
pac_except_parse(const char *item, enum pac_except *kind, unsigned int *addr,
    unsigned int *mask, const char **why)
{
	const char *slash = strchr(item, '/');
	char *end;
	long len;

	*why = NULL;
	if (strchr(item, ':') != NULL)
		*why = "an IPv6 address: PAC files compare IPv4 addresses only";
	else if (slash != NULL) {
		len = strtol(slash + 1, &end, 10);
		if (!ipv4(item, (size_t)(slash - item), addr) ||
		    !isdigit((unsigned char)slash[1]) || *end != '\0' ||
		    len < 0 || len > 32)
			*why = "not a network like 10.0.0.0/8";
		else {
			*mask = len == 0 ? 0 : 0xffffffffu << (32 - len);
			if (*addr & ~*mask)
				*why = "host bits set in the network";
			*kind = PAC_NETWORK;
		}
	} else if (ipv4(item, strlen(item), addr)) {
		*mask = 0xffffffffu;
		*kind = PAC_ADDRESS;
	} else if (item[0] == '.') {
		if (!name_ok(item + 1))
			*why = "not a domain like .example.com";
		*kind = PAC_DOMAIN;
	} else {
		if (!name_ok(item))
			*why = "not a host name, domain, address or network";
		*kind = PAC_HOST;
	}
	return *why == NULL ? 0 : -1;
}

/* Is name (a host name or a domain without its dot) at or under domain? */
static int
under(const char *name, const char *domain)
{
	size_t n = strlen(name), d = strlen(domain);

	return strcmp(name, domain) == 0 ||
	    (n > d && name[n - d - 1] == '.' && strcmp(name + n - d, domain) == 0);
}

/* Does a cover b, or b a?  Names against domains, nets against nets. */
static int
overlap(const struct except *a, const struct except *b)
{
	const char *an = a->text + (a->kind == PAC_DOMAIN);
	const char *bn = b->text + (b->kind == PAC_DOMAIN);
	unsigned int m;

	if ((a->kind == PAC_ADDRESS || a->kind == PAC_NETWORK) !=
	    (b->kind == PAC_ADDRESS || b->kind == PAC_NETWORK))
		return 0;
	if (a->kind == PAC_ADDRESS || a->kind == PAC_NETWORK) {
		m = a->mask & b->mask;
		return (a->addr & m) == (b->addr & m);
	}
	if (a->kind == PAC_HOST && b->kind == PAC_HOST)
		return strcmp(an, bn) == 0;
	return (b->kind == PAC_DOMAIN && under(an, bn)) ||
	    (a->kind == PAC_DOMAIN && under(bn, an));
}

/* Parse every item of the list; refuse a bad one and any overlap. */
static int
except_list(const char *list, struct except **out, size_t *n,
    struct fwconf_err *e)
{
	struct except *v;
	const char *w, *why;
	size_t len, i, j;

	*n = 0;
	if ((v = calloc(EXCEPT_MAX, sizeof(*v))) == NULL)
		return fwconf_fail_errno(e, "auto_proxy_except");
	while ((w = render_word(&list, &len)) != NULL) {
		if (*n == EXCEPT_MAX || len >= sizeof(v->text)) {
			free(v);
			return fwconf_fail(e, FWCONF_REFUSED, "auto_proxy_except: "
			    "at most %d items of 255 characters", EXCEPT_MAX);
		}
		for (i = 0; i < len; i++)
			v[*n].text[i] = (char)tolower((unsigned char)w[i]);
		v[*n].text[len] = '\0';
		if (pac_except_parse(v[*n].text, &v[*n].kind, &v[*n].addr,
		    &v[*n].mask, &why) == -1) {
			fwconf_fail(e, FWCONF_REFUSED, "auto_proxy_except: %s: %s",
			    v[*n].text, why);
			free(v);
			return -1;
		}
		for (j = 0; j < *n; j++)
			if (overlap(&v[j], &v[*n])) {
				fwconf_fail(e, FWCONF_REFUSED, "auto_proxy_except: "
				    "%s: overlaps %s; list each one once",
				    v[*n].text, v[j].text);
				free(v);
				return -1;
			}
		(*n)++;
	}
	*out = v;
	return 0;
}

/* The helper every value goes through: "value", names and numbers only. */
static int
pac_string(FILE *out, const char *s, struct fwconf_err *e)
{
	if (strspn(s, "abcdefghijklmnopqrstuvwxyz0123456789.-:") != strlen(s))
		return fwconf_fail(e, FWCONF_REFUSED, "%.80s: not a name or an "
		    "address, not written into the PAC file", s);
	fprintf(out, "\"%s\"", s);
	return 0;
}

static void
dotted(char *buf, size_t size, unsigned int a)
{
	snprintf(buf, size, "%u.%u.%u.%u", a >> 24, a >> 16 & 255,
	    a >> 8 & 255, a & 255);
}

/* if (isInNet(ip, "net", "mask")) return "DIRECT"; */
static int
direct_net(FILE *out, unsigned int addr, unsigned int mask,
    struct fwconf_err *e)
{
	char a[16], m[16];

	dotted(a, sizeof(a), addr);
	dotted(m, sizeof(m), mask);
	fprintf(out, "\tif (ip && isInNet(ip, ");
	if (pac_string(out, a, e) == -1)
		return -1;
	fprintf(out, ", ");
	if (pac_string(out, m, e) == -1)
		return -1;
	fprintf(out, "))\n\t\treturn \"DIRECT\";\n");
	return 0;
}

/* The IPv4 networks of fw-svc's lists, each sent direct. */
static int
direct_svc_nets(const struct fwconf_settings *svc, FILE *out,
    struct fwconf_err *e)
{
	static const char *const keys[] = { "lan_nets", "dmz_net",
	    "extra_net" };
	char item[64];
	const char *list, *w, *why;
	enum pac_except kind;
	unsigned int addr, mask;
	size_t i, len;

	for (i = 0; i < sizeof(keys) / sizeof(keys[0]); i++) {
		list = render_get(svc, keys[i]);
		while ((w = render_word(&list, &len)) != NULL) {
			if (len >= sizeof(item) || memchr(w, ':', len) != NULL)
				continue;
			memcpy(item, w, len);
			item[len] = '\0';
			if (pac_except_parse(item, &kind, &addr, &mask, &why) == -1)
				continue;
			if (direct_net(out, addr, mask, e) == -1)
				return -1;
		}
	}
	return 0;
}

int
render_pac(const struct fwconf_settings *p, const struct fwconf_settings *svc,
    FILE *out, struct fwconf_err *e)
{
	struct except *v = NULL;
	char proxy[64];
	size_t n, i;
	int r = -1;

	if (except_list(render_get(p, "auto_proxy_except"), &v, &n, e) == -1)
		return -1;
	render_header_as(out, "//", "fw-proxy pac",
	    "/etc/mpfw/proxy and /etc/mpfw/services");
	fprintf(out, "// Direct: plain host names, the exceptions and the "
	    "firewall's networks;\n// everything else through the proxy.\n");
	fprintf(out, "function FindProxyForURL(url, host) {\n\tvar ip;\n\n");
	fprintf(out, "\thost = host.toLowerCase();\n");
	fprintf(out, "\tif (isPlainHostName(host))\n\t\treturn \"DIRECT\";\n");
	for (i = 0; i < n; i++) {
		if (v[i].kind == PAC_HOST) {
			fprintf(out, "\tif (host == ");
			if (pac_string(out, v[i].text, e) == -1)
				goto out;
		} else if (v[i].kind == PAC_DOMAIN) {
			fprintf(out, "\tif (host == ");
			if (pac_string(out, v[i].text + 1, e) == -1)
				goto out;
			fprintf(out, " || dnsDomainIs(host, ");
			if (pac_string(out, v[i].text, e) == -1)
				goto out;
			fprintf(out, ")");
		} else
			continue;
		fprintf(out, ")\n\t\treturn \"DIRECT\";\n");
	}
	fprintf(out, "\tip = dnsResolve(host);\n");
	for (i = 0; i < n; i++)
		if ((v[i].kind == PAC_ADDRESS || v[i].kind == PAC_NETWORK) &&
		    direct_net(out, v[i].addr, v[i].mask, e) == -1)
			goto out;
	if (direct_svc_nets(svc, out, e) == -1)
		goto out;
	snprintf(proxy, sizeof(proxy), "PROXY %s:%s", render_get(svc, "lan_ip"),
	    render_get(p, "auto_proxy_port"));
	fprintf(out, "\treturn \"%s\";\n}\n", proxy);
	r = 0;
out:
	free(v);
	return r;
}

/* For fw-proxy's rule: the exceptions as render_pac would take them. */
int
pac_except_check(const char *list, struct fwconf_err *e)
{
	struct except *v;
	size_t n;

	if (except_list(list, &v, &n, e) == -1)
		return -1;
	free(v);
	return 0;
}
