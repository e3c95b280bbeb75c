/*
 * fw-proxy: the proxies of the firewall (the manual's "Proxies und
 * Proxy-Filter"): ROOT/etc/mpfw/proxy.  The files it renders are written
 * by bin/render/DAEMON.c; this file keeps the tool, its rules between
 * keys, the PAC file on stdout (pac), a fetch through the proxy (probe)
 * and the check of the caches' sizes that the squid units run.
 */
#include <sys/statvfs.h>
#include <sys/stat.h>

#include <err.h>
#include <errno.h>
#include <ftw.h>
#include <limits.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <unistd.h>

#include <curl/curl.h>

#include "kv.h"
#include "render/render.h"
#include "util.h"

/*
 * The HTTP proxies, each with the key that turns it on and its port, and
 * whether it is an instance of Squid with a cache of its own (the
 * scanner is a port of the first).  The values of transparent name them;
 * auto_proxy_port takes their ports; probe asks the first that is on.
 */
static const struct proxy {
	const char *name, *port;
	bool instance;
} proxies[] = {
	{ "squid", "squid_port", true },
	{ "squid3", "squid3_port", true },
	{ "scanner", "scanner_port", false },
	{ "youth_filter", "youth_filter_port", false },
	{ "ad_filter", "ad_filter_port", false },
};

#define NPROXIES (sizeof(proxies) / sizeof(proxies[0]))

/* Did this write touch any of the keys (or is every rule asked for)? */
static bool
touched(const struct fwconf_settings *s, bool all, const char *const *keys)
{
	for (; *keys != NULL; keys++)
		if (all || fwconf_settings_changed(s, *keys))
			return true;
	return false;
}

static const struct proxy *
proxy_named(const char *name)
{
	size_t i;

	for (i = 0; i < NPROXIES; i++)
		if (strcmp(proxies[i].name, name) == 0)
			return &proxies[i];
	return NULL;
}

/*
 * transparent=squid3 needs squid3=yes, and a proxy that clients reach
 * without knowing it cannot ask them for a password.
 */
static int
check_transparent(const struct fwconf_settings *s, bool all,
    struct fwconf_err *e)
{
	static const char *const keys[] = { "transparent", "squid", "squid3",
	    "auth", NULL };
	const char *t = render_get(s, "transparent");

	if (!touched(s, all, keys) || strcmp(t, "off") == 0)
		return 0;
	if (proxy_named(t) != NULL && !render_yes(s, t))
		return fwconf_fail(e, FWCONF_REFUSED, "transparent=%s: needs "
		    "%s=yes (%s is off)", t, t, t);
	if (render_yes(s, "auth"))
		return fwconf_fail(e, FWCONF_REFUSED, "transparent=%s: needs "
		    "auth=no: a redirected client cannot log in to a proxy it "
		    "does not know of", t);
	return 0;
}

/* auto_proxy_port is the port of a proxy that is on. */
static int
check_auto_proxy(const struct fwconf_settings *s, bool all,
    struct fwconf_err *e)
{
	static const char *const keys[] = { "auto_proxy", "auto_proxy_port",
	    "squid", "squid3", "squid_port", "squid3_port", "scanner",
	    "scanner_port", "youth_filter", "youth_filter_port", "ad_filter",
	    "ad_filter_port", NULL };
	const char *port = render_get(s, "auto_proxy_port");
	char ports[256] = "";
	size_t i;

	if (!touched(s, all, keys) || !render_yes(s, "auto_proxy"))
		return 0;
	for (i = 0; i < NPROXIES; i++) {
		if (strcmp(render_get(s, proxies[i].port), port) != 0)
			continue;
		if (render_yes(s, proxies[i].name))
			return 0;
		return fwconf_fail(e, FWCONF_REFUSED, "auto_proxy_port=%s: "
		    "%s=%s is the port of %s, which is off (%s=no)", port,
		    proxies[i].port, port, proxies[i].name, proxies[i].name);
	}
	for (i = 0; i < NPROXIES; i++) {
		strlcat(ports, i ? ", " : "", sizeof(ports));
		strlcat(ports, proxies[i].port, sizeof(ports));
		strlcat(ports, "=", sizeof(ports));
		strlcat(ports, render_get(s, proxies[i].port), sizeof(ports));
	}
	return fwconf_fail(e, FWCONF_REFUSED, "auto_proxy_port=%s: not the "
	    "port of a proxy (%s)", port, ports);
}

/* Header names: RFC 9110 tokens, each once. */
static int
check_headers(const struct fwconf_settings *s, bool all, struct fwconf_err *e)
{
	static const char *const keys[] = { "headers_allowed",
	    "squid3_request_headers", "squid3_reply_headers", NULL };
	const char *list, *w, *o, *rest, *why;
	size_t i, len, olen;

	for (i = 0; keys[i] != NULL; i++) {
		if (!all && !fwconf_settings_changed(s, keys[i]))
			continue;
		list = render_get(s, keys[i]);
		while ((w = render_word(&list, &len)) != NULL) {
			if ((why = squid_header_refused(w, len)) != NULL)
				return fwconf_fail(e, FWCONF_REFUSED, "%s: %.*s: "
				    "%s", keys[i], (int)(len > 80 ? 80 : len), w,
				    why);
			rest = list;
			while ((o = render_word(&rest, &olen)) != NULL)
				if (olen == len && strncasecmp(o, w, len) == 0)
					return fwconf_fail(e, FWCONF_REFUSED,
					    "%s: %.*s: listed twice", keys[i],
					    (int)len, w);
		}
	}
	return 0;
}

static int
check_user_agent(const struct fwconf_settings *s, bool all,
    struct fwconf_err *e)
{
	static const char *const keys[] = { "user_agent", NULL };
	const char *why;

	if (touched(s, all, keys) &&
	    (why = squid_value_refused(render_get(s, "user_agent"))) != NULL)
		return fwconf_fail(e, FWCONF_REFUSED, "user_agent: %s", why);
	return 0;
}

static int
check_except(const struct fwconf_settings *s, bool all, struct fwconf_err *e)
{
	static const char *const keys[] = { "auto_proxy_except", NULL };

	if (!touched(s, all, keys))
		return 0;
	return pac_except_check(render_get(s, "auto_proxy_except"), e);
}

/* An object kept in memory cannot be larger than the memory cache. */
static int
check_object_mem(const struct fwconf_settings *s, bool all,
    struct fwconf_err *e)
{
	static const char *const keys[] = { "max_object_mem_kb",
	    "cache_mem_mb", NULL };
	long long kb = strtoll(render_get(s, "max_object_mem_kb"), NULL, 10);
	long long mb = strtoll(render_get(s, "cache_mem_mb"), NULL, 10);

	if (touched(s, all, keys) && kb > mb * 1024)
		return fwconf_fail(e, FWCONF_REFUSED, "max_object_mem_kb=%lld: "
		    "must be at most cache_mem_mb=%lld (%lld KB)", kb, mb,
		    mb * 1024);
	return 0;
}

static int
check_rules(const struct fwconf_settings *s, bool all, struct fwconf_err *e)
{
	if (check_transparent(s, all, e) == -1 ||
	    check_auto_proxy(s, all, e) == -1 ||
	    check_headers(s, all, e) == -1 ||
	    check_user_agent(s, all, e) == -1 ||
	    check_except(s, all, e) == -1 ||
	    check_object_mem(s, all, e) == -1)
		return -1;
	return 0;
}

/* fw-svc's settings, which every file of the proxies reads. */
static void
open_services(struct fwconf_settings *svc)
{
	const struct fwconf_schema *schema = fwconf_schema_builtin("services");
	struct fwconf_err e;

	if (schema == NULL)
		errx(FWCONF_SYSTEM, "services: no such schema");
	if (fwconf_settings_open(svc, schema, &e) == -1 ||
	    fwconf_settings_check_all(svc, &e) == -1)
		die(&e);
}

typedef int render_fn(const struct fwconf_settings *,
    const struct fwconf_settings *, FILE *, struct fwconf_err *);

static int
with_services(render_fn *fn, const struct fwconf_settings *p, FILE *out,
    struct fwconf_err *e)
{
	struct fwconf_settings svc;
	int r;

	open_services(&svc);
	r = fn(p, &svc, out, e);
	fwconf_settings_close(&svc);
	return r;
}

static int
render_squid_first(const struct fwconf_settings *p,
    const struct fwconf_settings *svc, FILE *out, struct fwconf_err *e)
{
	return render_squid_conf(p, svc, "squid", out, e);
}

static int
render_squid_second(const struct fwconf_settings *p,
    const struct fwconf_settings *svc, FILE *out, struct fwconf_err *e)
{
	return render_squid_conf(p, svc, "squid3", out, e);
}

static int
r_squid(const struct fwconf_settings *p, FILE *out, struct fwconf_err *e)
{
	return with_services(render_squid_first, p, out, e);
}

static int
r_squid3(const struct fwconf_settings *p, FILE *out, struct fwconf_err *e)
{
	return with_services(render_squid_second, p, out, e);
}

static int
r_c_icap(const struct fwconf_settings *p, FILE *out, struct fwconf_err *e)
{
	return with_services(render_c_icap_conf, p, out, e);
}

static int
r_e2guardian(const struct fwconf_settings *p, FILE *out, struct fwconf_err *e)
{
	return with_services(render_e2guardian_conf, p, out, e);
}

static int
r_e2guardianf1(const struct fwconf_settings *p, FILE *out,
    struct fwconf_err *e)
{
	return with_services(render_e2guardian_group, p, out, e);
}

static int
r_privoxy(const struct fwconf_settings *p, FILE *out, struct fwconf_err *e)
{
	return with_services(render_privoxy_conf, p, out, e);
}

static int
r_dante(const struct fwconf_settings *p, FILE *out, struct fwconf_err *e)
{
	return with_services(render_dante_conf, p, out, e);
}

static int
r_ftp_proxy(const struct fwconf_settings *p, FILE *out, struct fwconf_err *e)
{
	return with_services(render_ftp_proxy_conf, p, out, e);
}

static int
r_redirect(const struct fwconf_settings *p, FILE *out, struct fwconf_err *e)
{
	return with_services(render_nft_proxy, p, out, e);
}

static int
r_pac(const struct fwconf_settings *p, FILE *out, struct fwconf_err *e)
{
	return with_services(render_pac, p, out, e);
}

static int
r_wpad(const struct fwconf_settings *p, FILE *out, struct fwconf_err *e)
{
	return with_services(render_lighttpd_wpad, p, out, e);
}

static const struct kv_render renders[] = {
	{ "squid", r_squid },
	{ "squid3", r_squid3 },
	{ "c-icap", r_c_icap },
	{ "e2guardian", r_e2guardian },
	{ "e2guardianf1", r_e2guardianf1 },
	{ "privoxy", r_privoxy },
	{ "dante", r_dante },
	{ "ftp-proxy", r_ftp_proxy },
	{ "proxy-redirect", r_redirect },
	{ "pac", r_pac },
	{ "wpad", r_wpad },
	{ NULL, NULL }
};

/* `fw-proxy pac`: what the pac unit installs, as render pac writes it. */
static int
cmd_pac(int argc, char *argv[])
{
	(void)argc;
	(void)argv;
	return kv_render("pac");
}

/* ---- probe ---- */

struct probe {
	char	**headers;	/* of the last response: "Name\tvalue" */
	size_t	 nheaders;
};

static void
probe_reset(struct probe *p)
{
	size_t i;

	for (i = 0; i < p->nheaders; i++)
		free(p->headers[i]);
	p->nheaders = 0;
}

/* Each header line; a status line starts a new response. */
static size_t
probe_header(char *line, size_t size, size_t n, void *arg)
{
	struct probe *p = arg;
	size_t len = size * n, i, name;
	char *h;

	if (len >= 5 && strncmp(line, "HTTP/", 5) == 0) {
		probe_reset(p);
		return len;
	}
	while (len > 0 && (line[len - 1] == '\n' || line[len - 1] == '\r'))
		len--;
	name = 0;
	while (name < len && line[name] != ':')
		name++;
	if (len == 0 || name == len)
		return size * n;
	h = xreallocarray(NULL, len + 2, 1);
	memcpy(h, line, name);
	h[name] = '\t';
	i = name + 1;
	while (i < len && (line[i] == ' ' || line[i] == '\t'))
		i++;
	memcpy(h + name + 1, line + i, len - i);
	h[name + 1 + len - i] = '\0';
	/* One fact a line, tabs only between fields. */
	for (i = name + 1; h[i] != '\0'; i++)
		if ((unsigned char)h[i] < 0x20 || h[i] == 0x7f)
			h[i] = ' ';
	p->headers = xreallocarray(p->headers, p->nheaders + 1,
	    sizeof(*p->headers));
	p->headers[p->nheaders++] = h;
	return size * n;
}

static size_t
probe_discard(char *data, size_t size, size_t n, void *arg)
{
	(void)data;
	(void)arg;
	return size * n;
}

static void __dead
probe_usage(void)
{
	fprintf(stderr, "usage: %s [-R root] probe [-p port] URL\n",
	    getprogname());
	exit(FWCONF_USAGE);
}

/* The port probe asks: -p, else that of the first proxy that is on. */
static const char *
probe_port(const struct fwconf_settings *s)
{
	size_t i;

	for (i = 0; i < NPROXIES; i++)
		if (render_yes(s, proxies[i].name))
			return render_get(s, proxies[i].port);
	return render_get(s, proxies[0].port);
}

/*
 * Fetch URL through the proxy on lan_ip and print what happened, one
 * fact a line.  0: 2xx or 3xx; 1: the proxy answered but refused (403,
 * 407) or the fetch failed; 3: the proxy did not answer.
 */
static int
cmd_probe(int argc, char *argv[])
{
	static const struct fwconf_key url_key = { .name = "URL",
	    .type = FWCONF_URL, .label = "", .help = "" };
	struct fwconf_settings s, svc;
	struct fwconf_err e;
	struct probe p = { NULL, 0 };
	char proxy[128], errbuf[CURL_ERROR_SIZE] = "";
	const char *port = NULL, *errstr;
	long status = 0, connect = 0;
	double secs = 0;
	CURLcode rc;
	CURL *c;
	size_t i;
	char *url;
	int ch, r;

	while ((ch = verb_getopt(argc, argv, "p:", "probe")) != -1) {
		if (ch != 'p')
			probe_usage();
		strtonum(optarg, 1, 65535, &errstr);
		if (errstr != NULL) {
			warnx("-p %s: the port is %s", shown(optarg), errstr);
			probe_usage();
		}
		port = optarg;
	}
	if (argc - optind != 1)
		probe_usage();
	if ((url = fwconf_validate(&url_key, argv[optind], &e)) == NULL)
		die(&e);
	kv_open(&s);
	open_services(&svc);
	snprintf(proxy, sizeof(proxy), "http://%s:%s",
	    render_get(&svc, "lan_ip"), port != NULL ? port : probe_port(&s));

	if (curl_global_init(CURL_GLOBAL_DEFAULT) != 0 ||
	    (c = curl_easy_init()) == NULL)
		errx(FWCONF_SYSTEM, "probe: libcurl cannot start");
	curl_easy_setopt(c, CURLOPT_URL, url);
	curl_easy_setopt(c, CURLOPT_PROXY, proxy);
	curl_easy_setopt(c, CURLOPT_NOPROXY, "");
	curl_easy_setopt(c, CURLOPT_PROTOCOLS_STR, "http,https,ftp");
	curl_easy_setopt(c, CURLOPT_NOSIGNAL, 1L);
	curl_easy_setopt(c, CURLOPT_CONNECTTIMEOUT, 10L);
	curl_easy_setopt(c, CURLOPT_TIMEOUT, 30L);
	curl_easy_setopt(c, CURLOPT_ERRORBUFFER, errbuf);
	curl_easy_setopt(c, CURLOPT_HEADERFUNCTION, probe_header);
	curl_easy_setopt(c, CURLOPT_HEADERDATA, &p);
	curl_easy_setopt(c, CURLOPT_WRITEFUNCTION, probe_discard);
	rc = curl_easy_perform(c);
	curl_easy_getinfo(c, CURLINFO_RESPONSE_CODE, &status);
	curl_easy_getinfo(c, CURLINFO_HTTP_CONNECTCODE, &connect);
	curl_easy_getinfo(c, CURLINFO_TOTAL_TIME, &secs);

	printf("proxy\t%s\n", proxy + strlen("http://"));
	if (connect != 0)
		printf("connect\t%ld\n", connect);
	if (status != 0)
		printf("status\t%ld\n", status);
	printf("time\t%.3f\n", secs);
	if (rc != CURLE_OK)
		printf("error\t%s\n", *errbuf ? errbuf : curl_easy_strerror(rc));
	for (i = 0; i < p.nheaders; i++)
		printf("header\t%s\n", p.headers[i]);

	if (status == 0 && connect == 0)
		r = FWCONF_SYSTEM;	/* no answer from the proxy */
	else if (rc == CURLE_OK && status >= 200 && status < 400)
		r = 0;
	else
		r = FWCONF_REFUSED;
	probe_reset(&p);
	free(p.headers);
	curl_easy_cleanup(c);
	curl_global_cleanup();
	free(url);
	fwconf_settings_close(&svc);
	fwconf_settings_close(&s);
	fshut(stdout, "stdout");
	return r;
}

/* ---- check-cache, the squid units' check of the caches' sizes ---- */

static uintmax_t walked;

static int
add_size(const char *path, const struct stat *st, int flag, struct FTW *ftw)
{
	(void)path;
	(void)ftw;
	if (flag == FTW_F)
		walked += (uintmax_t)st->st_blocks * 512;
	return 0;
}

/* The filesystem a cache dir is (or will be) on: its nearest ancestor. */
static int
cache_fs(const char *dir, struct statvfs *vfs, dev_t *dev)
{
	char path[PATH_MAX], *slash;
	struct stat st;

	if (strlcpy(path, dir, sizeof(path)) >= sizeof(path))
		return -1;
	while (stat(path, &st) == -1) {
		if (errno != ENOENT || (slash = strrchr(path, '/')) == NULL)
			return -1;
		if (slash == path)
			slash[1] = '\0';
		else
			*slash = '\0';
	}
	*dev = st.st_dev;
	return statvfs(path, vfs);
}

static long long
mem_total_mb(void)
{
	char line[256];
	long long kb = -1;
	FILE *fp = fopen("/proc/meminfo", "r");

	if (fp == NULL)
		return -1;
	while (fgets(line, sizeof(line), fp) != NULL)
		if (sscanf(line, "MemTotal: %lld kB", &kb) == 1)
			break;
	fclose(fp);
	return kb < 0 ? -1 : kb / 1024;
}

/*
 * Both instances' disk caches must fit in the free space of their
 * partition, counting what an existing cache already takes as its own,
 * and both memory caches in the machine's memory.
 */
static int
cmd_check_cache(int argc, char *argv[])
{
	struct fwconf_settings s;
	struct statvfs vfs[NPROXIES];
	dev_t dev[NPROXIES];
	uintmax_t need[NPROXIES], free_mb, used_mb, sum;
	long long disk, mem, total;
	char dir[PATH_MAX], names[64] = "";
	size_t i, j, n = 0;
	int bad = 0;

	(void)argc;
	(void)argv;
	kv_open_checked(&s);
	disk = strtoll(render_get(&s, "cache_disk_mb"), NULL, 10);
	mem = strtoll(render_get(&s, "cache_mem_mb"), NULL, 10);
	for (i = 0; i < NPROXIES; i++) {
		need[i] = 0;
		if (!proxies[i].instance || !render_yes(&s, proxies[i].name))
			continue;
		n++;
		strlcat(names, *names ? " and " : "", sizeof(names));
		strlcat(names, proxies[i].name, sizeof(names));
		if (disk == 0)
			continue;
		snprintf(dir, sizeof(dir), "%s/var/spool/%s", fwconf_root(),
		    proxies[i].name);
		if (cache_fs(dir, &vfs[i], &dev[i]) == -1)
			err(FWCONF_SYSTEM, "%s", dir);
		walked = 0;
		if (access(dir, F_OK) == 0 &&
		    nftw(dir, add_size, 16, FTW_PHYS | FTW_MOUNT) == -1)
			err(FWCONF_SYSTEM, "%s", dir);
		used_mb = walked / (1024 * 1024);
		need[i] = (uintmax_t)disk > used_mb ? (uintmax_t)disk - used_mb :
		    0;
	}
	for (i = 0; i < NPROXIES; i++) {
		if (need[i] == 0)
			continue;
		sum = 0;
		for (j = 0; j < NPROXIES; j++)
			if (need[j] != 0 && dev[j] == dev[i])
				sum += need[j];
		free_mb = (uintmax_t)vfs[i].f_bavail * vfs[i].f_frsize /
		    (1024 * 1024);
		if (sum > free_mb) {
			warnx("cache_disk_mb=%lld: the disk caches of %s need "
			    "%ju MB more, the cache partition has %ju MB free",
			    disk, names, sum, free_mb);
			bad = 1;
			break;
		}
	}
	if ((total = mem_total_mb()) == -1)
		err(FWCONF_SYSTEM, "/proc/meminfo");
	if (mem * (long long)n > total) {
		warnx("cache_mem_mb=%lld: the memory caches of %s take %lld MB, "
		    "the machine has %lld MB of memory", mem, names,
		    mem * (long long)n, total);
		bad = 1;
	}
	fwconf_settings_close(&s);
	return bad ? FWCONF_REFUSED : 0;
}

static const struct verb verbs[] = {
	{ "pac", cmd_pac, "", 0, 0, 0 },
	{ "probe", cmd_probe, "[-p port] URL", 1, 3, VERB_OPTIONS },
	{ "check-cache", cmd_check_cache, "", 0, 0, VERB_HIDDEN },
	{ NULL, NULL, NULL, 0, 0, 0 }
};

static const struct kv_tool proxy = {
	.schema = "proxy",
	.renders = renders,
	.check = check_rules,
	.verbs = verbs,
};

int
main(int argc, char *argv[])
{
	return kv_main(&proxy, argc, argv);
}
