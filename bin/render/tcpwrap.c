/*
 * tcpwrap.c: what mpfw writes into /etc/hosts.allow, the tcp-wrappers
 * access table (hosts_access(5), with the options of hosts_options(5)).
 * upsd asks it whenever a client logs in (LOGIN, the slaves' upsmon):
 * the firewall itself and the slaves (fw-ups slaves) may, no one else.
 * libwrap reads the file at every login, so a change needs no reload.
 */
#include <arpa/inet.h>
#include <stdlib.h>
#include <string.h>

#include "render.h"

/*
 * One network of a validated cidrlist as a client pattern: IPv4 as
 * net/mask, which every libwrap reads; IPv6 as [net]/len; a host alone.
 */
static void
client_pattern(FILE *out, const char *cidr, size_t len)
{
	char addr[64];
	const char *slash;
	unsigned long bits;
	struct in_addr mask;

	snprintf(addr, sizeof(addr), "%.*s", (int)len, cidr);
	slash = strchr(addr, '/');
	bits = slash != NULL ? strtoul(slash + 1, NULL, 10) : 0;
	if (slash != NULL)
		addr[slash - addr] = '\0';
	if (strchr(addr, ':') != NULL) {
		if (slash == NULL || bits == 128)
			fprintf(out, " [%s]", addr);
		else
			fprintf(out, " [%s]/%lu", addr, bits);
	} else if (slash == NULL || bits == 32)
		fprintf(out, " %s", addr);
	else {
		mask.s_addr = htonl(bits == 0 ? 0 :
		    (uint32_t)(0xffffffffUL << (32 - bits)));
		fprintf(out, " %s/%s", addr, inet_ntoa(mask));
	}
}

int
render_hosts_allow(const struct fwconf_settings *s, FILE *out,
    struct fwconf_err *e)
{
	const char *p;
	size_t len;

	(void)e;
	render_header(out, "fw-ups render hosts.allow", "/etc/mpfw/ups");
	fprintf(out, "# Who may log in to the UPS server: the firewall itself"
	    " and the slaves.\nupsd: 127.0.0.1 [::1]");
	if (strcmp(render_get(s, "mode"), "master") == 0)
		for (p = render_get(s, "slaves"); *p != '\0'; p += len) {
			p += strspn(p, " ");
			if ((len = strcspn(p, " ")) > 0)
				client_pattern(out, p, len);
		}
	fprintf(out, " : allow\nupsd: ALL : deny\n");
	return 0;
}
