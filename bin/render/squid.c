/*
 * squid.c: what mpfw writes into squid.conf, for each of the two Squid
 * instances (fw-proxy render squid, fw-proxy render squid3).  Each runs
 * as `squid -n INSTANCE` with a cache, logs and pid file of its own:
 * /var/spool/INSTANCE, /var/log/INSTANCE, /run/INSTANCE.pid, so the
 * first one is where Debian's squid service expects it.
 *
 * The first instance also serves the filter proxies.  The malware
 * scanner (scanner) is a port of its own, scanner_port, whose responses
 * Squid sends through ICAP (RESPMOD, before caching) to c-icap's
 * virus_scan service (c-icap.c), which asks clamd; so the scanner shares
 * Squid's rules, logs and cache.  A hit of that cache would skip the
 * scan, so a request on the scanner port never takes one (send_hit) and
 * what it fetched is not stored (store_miss).  Squid opens an ICAP
 * connection per response: an idle one it kept open would hold up
 * c-icap's stop for as long as Squid kept it.  The youth filter and the
 * ad filter (e2guardian.c, privoxy.c) fetch through Squid from lan_ip;
 * e2guardian names its client in X-Forwarded-For, which Squid believes
 * of lan_ip alone, so that Squid's client rules and its log see the
 * filters' clients and not the filter.
 *
 * Quoting: free text (header names, the User-Agent) is written by one
 * helper, squid_quote(), between `configuration_includes_quoted_values
 * on` and `off`.  Squid then reads "..." with \" and \\ as escapes, and
 * the quotes keep a value from ending the line or continuing it with a
 * trailing backslash.  Squid expands ${service_name} and its kin
 * anywhere in a line, quotes or not, before it parses it; a { written as
 * \{ is an ordinary brace again after unquoting but breaks the macro's
 * spelling.  Quoting is switched off again at once, because it also makes
 * Squid refuse a bare `!` (as in `http_access deny !x`).
 */
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "render.h"

/* The headers that carry a request or reply whole: never filtered. */
static const char *const request_always[] = { "Host", "Content-Length" };
static const char *const reply_always[] = { "Content-Length",
    "Transfer-Encoding", "Connection", "Proxy-Authenticate" };

#define NITEMS(a) (sizeof(a) / sizeof((a)[0]))

/*
 * An RFC 9110 token: the characters a header name may have.  "All" and
 * "Other" are Squid's words for every header and every unknown one.
 */
const char *
squid_header_refused(const char *name, size_t len)
{
	static const char tchar[] = "!#$%&'*+-.^_`|~0123456789"
	    "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ";
	size_t i;

	if (len == 0)
		return "an empty header name";
	if (len > 100)
		return "a header name longer than 100 characters";
	for (i = 0; i < len; i++)
		if (name[i] == '\0' || strchr(tchar, name[i]) == NULL)
			return "not a header name: only letters, digits and "
			    "!#$%&'*+-.^_`|~ (RFC 9110 token)";
	if ((len == 3 && strncasecmp(name, "All", 3) == 0) ||
	    (len == 5 && strncasecmp(name, "Other", 5) == 0))
		return "a word of Squid's own for many headers, not a "
		    "header name";
	return NULL;
}

/* Printable ASCII: what a header value should be, and what we quote. */
const char *
squid_value_refused(const char *value)
{
	const unsigned char *p;

	for (p = (const unsigned char *)value; *p != '\0'; p++)
		if (*p < 0x20 || *p > 0x7e)
			return "only printable ASCII characters";
	if (strlen(value) > 1000)
		return "longer than 1000 characters";
	return NULL;
}

/* The one quoting helper: "value", with \" \\ and \{ (see the top). */
static void
squid_quote(FILE *out, const char *s, size_t len)
{
	size_t i;

	putc('"', out);
	for (i = 0; i < len; i++) {
		if (s[i] == '"' || s[i] == '\\' || s[i] == '{')
			putc('\\', out);
		putc(s[i], out);
	}
	putc('"', out);
}

/* Is the header name in the list of words? */
static int
listed(const char *list, const char *name)
{
	const char *w;
	size_t len;

	while ((w = render_word(&list, &len)) != NULL)
		if (len == strlen(name) && strncasecmp(w, name, len) == 0)
			return 1;
	return 0;
}

/* Every value of a list key, checked as a header name once more. */
static int
header_list_ok(const char *key, const char *list, struct fwconf_err *e)
{
	const char *w, *why;
	size_t len;

	while ((w = render_word(&list, &len)) != NULL)
		if ((why = squid_header_refused(w, len)) != NULL)
			return fwconf_fail(e, FWCONF_REFUSED, "%s: %.*s: %s",
			    key, (int)(len > 80 ? 80 : len), w, why);
	return 0;
}

/*
 * request_header_access or reply_header_access: the listed headers and
 * the ones that are always sent are allowed, all others denied.  Squid
 * replaces the User-Agent only when it has a rule of its own.
 */
static void
header_filter(FILE *out, const char *directive, const char *list,
    const char *const *always, size_t nalways, const char *agent)
{
	const char *w, *all = list;
	size_t len, i;

	for (i = 0; i < nalways; i++) {
		fprintf(out, "%s ", directive);
		squid_quote(out, always[i], strlen(always[i]));
		fprintf(out, " allow all\n");
	}
	while ((w = render_word(&list, &len)) != NULL) {
		fprintf(out, "%s ", directive);
		squid_quote(out, w, len);
		fprintf(out, " allow all\n");
	}
	if (agent != NULL && !listed(all, "User-Agent")) {
		fprintf(out, "%s ", directive);
		squid_quote(out, "User-Agent", 10);
		fprintf(out, " deny all\n");
		if (*agent != '\0') {
			fprintf(out, "request_header_replace ");
			squid_quote(out, "User-Agent", 10);
			putc(' ', out);
			squid_quote(out, agent, strlen(agent));
			putc('\n', out);
		}
	}
	fprintf(out, "%s All deny all\n", directive);
}

/* The proxy's clients: fw-svc's networks and client_nets. */
static void
client_acl(const struct fwconf_settings *p, const struct fwconf_settings *svc,
    FILE *out)
{
	static const char *const svc_keys[] = { "lan_nets", "dmz_net",
	    "extra_net" };
	const char *nets;
	size_t i;

	fprintf(out, "acl mpfw_clients src");
	for (i = 0; i < NITEMS(svc_keys); i++)
		if (*(nets = render_get(svc, svc_keys[i])) != '\0')
			fprintf(out, " %s", nets);
	if (*(nets = render_get(p, "client_nets")) != '\0')
		fprintf(out, " %s", nets);
	putc('\n', out);
}

int
render_squid_conf(const struct fwconf_settings *p,
    const struct fwconf_settings *svc, const char *instance, FILE *out,
    struct fwconf_err *e)
{
	const int three = strcmp(instance, "squid3") == 0;
	const char *root = fwconf_root(), *lan_ip = render_get(svc, "lan_ip");
	const char *filter = three ? "squid3_header_filter" : "header_filter";
	const char *request = three ? "squid3_request_headers" :
	    "headers_allowed";
	const char *agent = render_get(p, "user_agent");
	const int scanner = !three && render_yes(p, "scanner");
	const int chained = !three && (render_yes(p, "youth_filter") ||
	    render_yes(p, "ad_filter"));
	long long disk = strtoll(render_get(p, "cache_disk_mb"), NULL, 10);
	char command[64];

	if (render_root_ok(e) == -1 ||
	    header_list_ok(request, render_get(p, request), e) == -1 ||
	    (three && header_list_ok("squid3_reply_headers",
	    render_get(p, "squid3_reply_headers"), e) == -1))
		return -1;
	if (squid_value_refused(agent) != NULL)
		return fwconf_fail(e, FWCONF_REFUSED, "user_agent: %s",
		    squid_value_refused(agent));
	snprintf(command, sizeof(command), "fw-proxy render %s", instance);
	render_header(out, command, "/etc/mpfw/proxy and /etc/mpfw/services");

	fprintf(out, "http_port %s:%s\n", lan_ip,
	    render_get(p, three ? "squid3_port" : "squid_port"));
	if (scanner)
		fprintf(out, "http_port %s:%s name=mpfw_scanner\n", lan_ip,
		    render_get(p, "scanner_port"));
	if (strcmp(render_get(p, "transparent"), instance) == 0)
		fprintf(out, "http_port %s:%s intercept\n", lan_ip,
		    render_get(p, "transparent_port"));
	fprintf(out, "visible_hostname %s.%s\n", render_get(svc, "hostname"),
	    render_get(svc, "domain"));
	fprintf(out, "pid_filename %s/run/%s.pid\n", root, instance);
	fprintf(out, "cache_log %s/var/log/%s/cache.log\n", root, instance);
	if (render_yes(p, "log_access"))
		fprintf(out, "access_log stdio:%s/var/log/%s/access.log squid\n",
		    root, instance);
	else
		fprintf(out, "access_log none\n");
	fprintf(out, "log_mime_hdrs %s\n", render_yes(p, "log_mime") ? "on" :
	    "off");
	fprintf(out, "cache_mem %s MB\n", render_get(p, "cache_mem_mb"));
	fprintf(out, "maximum_object_size %s KB\n",
	    render_get(p, "max_object_kb"));
	fprintf(out, "maximum_object_size_in_memory %s KB\n",
	    render_get(p, "max_object_mem_kb"));
	if (disk > 0)
		fprintf(out, "cache_dir ufs %s/var/spool/%s %lld 16 256\n", root,
		    instance, disk);
	fprintf(out, "coredump_dir %s/var/spool/%s\n", root, instance);
	/* The pinger needs a setuid helper; a restart waits 3 s, not 30. */
	fprintf(out, "pinger_enable off\nshutdown_lifetime 3 seconds\n");

	fprintf(out, "\n# Who may use the proxy, and to which ports.\n");
	client_acl(p, svc, out);
	if (chained) {
		fprintf(out, "# The youth and ad filters, which fetch through "
		    "Squid; X-Forwarded-For is believed of them alone.\n");
		fprintf(out, "acl mpfw_filters src %s/32\n", lan_ip);
		fprintf(out, "follow_x_forwarded_for allow mpfw_filters\n");
		fprintf(out, "follow_x_forwarded_for deny all\n");
	}
	fprintf(out, "acl mpfw_http_ports port %s\n",
	    render_get(p, "http_ports"));
	fprintf(out, "acl mpfw_https_ports port %s\n",
	    render_get(p, "https_ports"));
	fprintf(out, "acl mpfw_connect method CONNECT\n");
	fprintf(out, "http_access deny !mpfw_clients%s\n", chained ?
	    " !mpfw_filters" : "");
	fprintf(out, "http_access deny manager\n");
	fprintf(out, "http_access deny mpfw_connect !mpfw_https_ports\n");
	fprintf(out, "http_access deny !mpfw_connect !mpfw_http_ports\n");
	if (render_yes(p, "auth")) {
		/*
		 * The system's accounts, through PAM, as the mail server's
		 * (service squid, which Debian's PAM takes from "other").
		 */
		fprintf(out, "auth_param basic program "
		    "/usr/lib/squid/basic_pam_auth -n squid\n");
		fprintf(out, "auth_param basic children 5 startup=1 idle=1\n");
		fprintf(out, "auth_param basic realm %s.%s\n",
		    render_get(svc, "hostname"), render_get(svc, "domain"));
		fprintf(out, "auth_param basic credentialsttl 1 hour\n");
		fprintf(out, "acl mpfw_users proxy_auth REQUIRED\n");
		fprintf(out, "http_access deny !mpfw_users\n");
	}
	fprintf(out, "http_access allow mpfw_clients\n");
	if (chained)
		fprintf(out, "http_access allow mpfw_filters\n");
	fprintf(out, "http_access deny all\n");
	if (scanner) {
		fprintf(out, "\n# The malware scanner: responses to requests on "
		    "scanner_port pass c-icap's virus scanner.\n");
		fprintf(out, "acl mpfw_scanner myportname mpfw_scanner\n");
		fprintf(out, "icap_enable on\nicap_persistent_connections off\n");
		fprintf(out, "icap_service mpfw_virus_scan respmod_precache "
		    "bypass=off icap://127.0.0.1:%s/virus_scan\n",
		    render_get(p, "icap_port"));
		fprintf(out, "adaptation_access mpfw_virus_scan allow "
		    "mpfw_scanner\n");
		fprintf(out, "adaptation_access mpfw_virus_scan deny all\n");
		fprintf(out, "send_hit deny mpfw_scanner\n");
		fprintf(out, "store_miss deny mpfw_scanner\n");
	}

	if (!render_yes(p, filter))
		return 0;
	fprintf(out, "\n# The header filter.\n");
	fprintf(out, "configuration_includes_quoted_values on\n");
	header_filter(out, "request_header_access", render_get(p, request),
	    request_always, NITEMS(request_always), agent);
	if (three)
		header_filter(out, "reply_header_access",
		    render_get(p, "squid3_reply_headers"), reply_always,
		    NITEMS(reply_always), NULL);
	fprintf(out, "configuration_includes_quoted_values off\n");
	return 0;
}
