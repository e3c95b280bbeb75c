/*
 * render.h: the daemons' file formats, one file per daemon (DESIGN.md,
 * "Renderers"): bin/render/DAEMON.c has one function per file it writes,
 * taking settings that were all validated, and a FILE *.  Someone who
 * wonders what mpfw writes into a daemon's file opens one file.
 */
#ifndef RENDER_H
#define RENDER_H

#include <stdint.h>
#include <stdio.h>

#include "fwconf.h"

/* common.c */
void	 render_header(FILE *, const char *command, const char *from);
int	 render_root_ok(struct fwconf_err *);
const char *render_get(const struct fwconf_settings *, const char *key);
int	 render_yes(const struct fwconf_settings *, const char *key);

/* dnsmasq.c */
#define DNSMASQ_HOSTS "/etc/dnsmasq-mpfw.hosts"
/* The hosts directory dnsmasq watches: DNSMASQ_SHARDS files 00, 01, ...
 * A table of more entries than DNSMASQ_HOSTSDIR_MAX goes whole to
 * DNSMASQ_HOSTS instead (fw-dns(1), CAVEATS). */
#define DNSMASQ_HOSTSDIR "/etc/dnsmasq-mpfw.hosts.d"
#define DNSMASQ_SHARDS 16
#define DNSMASQ_HOSTSDIR_MAX 4000
int	 render_dnsmasq_conf(const struct fwconf_settings *svc, FILE *,
	    struct fwconf_err *);
/* The local DNS entries as hosts files; the firewall's own line first. */
struct dns_firewall {
	const char *hostname, *domain, *lan_ip;
	size_t	 domain_len, lan_ip_len;
};
/* The longest line of an entry: an address, two names, a domain. */
#define DNSMASQ_LINE_MAX (64 + 2 * 64 + 256)
uint32_t render_dnsmasq_shard_hash(const char *, size_t);
int	 render_dnsmasq_shard(const char *, size_t);
void	 render_dnsmasq_hosts_head(const struct dns_firewall *, FILE *);
void	 render_dnsmasq_bulk_head(const struct dns_firewall *, bool entries,
	    FILE *);
void	 render_dnsmasq_shard_head(const struct dns_firewall *, int shard,
	    bool own, bool big, FILE *);
/* One entry's line into buf (DNSMASQ_LINE_MAX): a hundred thousand are
 * written, so without stdio; returns its length. */
size_t	 render_dnsmasq_host(const struct dns_firewall *, const char *name,
	    size_t nlen, const char *addr, size_t alen, char *buf);

/* modules-load.c: the sensor chips' kernel modules, one a line */
void	 render_modules_load(const struct fwconf_table *, FILE *);

/* sshd.c */
int	 render_sshd_config(const struct fwconf_settings *svc, FILE *,
	    struct fwconf_err *);

#endif
