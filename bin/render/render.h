/*
 * render.h: the daemons' file formats, one file per daemon (DESIGN.md,
 * "Renderers"): bin/render/DAEMON.c has one function per file it writes,
 * taking settings that were all validated, and a FILE *.  Someone who
 * wonders what mpfw writes into a daemon's file opens one file.
 */
#ifndef RENDER_H
#define RENDER_H

#include <stdio.h>

#include "fwconf.h"

/* common.c */
void	 render_header(FILE *, const char *command, const char *from);
int	 render_root_ok(struct fwconf_err *);
const char *render_get(const struct fwconf_settings *, const char *key);
int	 render_yes(const struct fwconf_settings *, const char *key);

/* dnsmasq.c */
#define DNSMASQ_HOSTS "/etc/dnsmasq-mpfw.hosts"
int	 render_dnsmasq_conf(const struct fwconf_settings *svc, FILE *,
	    struct fwconf_err *);
/* The local DNS entries as an addn-hosts file; the firewall's own first. */
struct dns_firewall {
	const char *hostname, *domain, *lan_ip;
};
void	 render_dnsmasq_hosts_head(const struct dns_firewall *, FILE *);
void	 render_dnsmasq_host(const struct dns_firewall *, const char *name,
	    const char *addr, FILE *);

/* sshd.c */
int	 render_sshd_config(const struct fwconf_settings *svc, FILE *,
	    struct fwconf_err *);
/*
 * The authorized keys of fw-maint's maintenance account: every support
 * key with the window and the sources as its options.  sshd_config's
 * Match block for the account names this file.
 */
#define MAINT_KEYS "/etc/ssh/mpfw-maint.keys"
struct sshd_maint {
	const char *expiry;	/* "20261126153000Z", or NULL: closed */
	const char *from;	/* patterns, comma-separated; "" for any */
};
void	 render_sshd_maint_head(const struct sshd_maint *, FILE *);
/* key: "TYPE BASE64[ COMMENT]", checked with ssh-keygen -l. */
void	 render_sshd_maint_key(const struct sshd_maint *, const char *key,
	    FILE *);

/* ssh.c: the ssh client's files of the outgoing maintenance tunnel */
#define TUNNEL_HOST	"mpfw-support"	/* its Host in the ssh_config */
#define TUNNEL_KEY	"/etc/ssh/mpfw_tunnel_key"
#define TUNNEL_CONFIG	"/etc/ssh/mpfw-tunnel.conf"
#define TUNNEL_KNOWN	"/etc/ssh/mpfw-tunnel.known_hosts"
#define TUNNEL_UNTIL	"/etc/ssh/mpfw-tunnel.until"
struct ssh_tunnel {
	int	 on;			/* maint_tunnel; off, nothing is used */
	const char *host, *port, *user;	/* the support server */
	const char *remote_port;	/* there, on its loopback */
	const char *maint_port;		/* here: fw-svc's ssh_maint_port */
	const char *hostkey;		/* "TYPE BASE64", checked */
	long long until;		/* the window's end, 0: closed */
};
/* A path for OpenSSH's files, whose %-tokens it would expand. */
void	 render_openssh_path(FILE *, const char *root, const char *path);
int	 render_ssh_tunnel_config(const struct ssh_tunnel *, FILE *,
	    struct fwconf_err *);
int	 render_ssh_tunnel_known_hosts(const struct ssh_tunnel *, FILE *,
	    struct fwconf_err *);
int	 render_ssh_tunnel_until(const struct ssh_tunnel *, FILE *,
	    struct fwconf_err *);

/* cron.c: the daily update check of fw-maint */
int	 render_cron_update(const struct fwconf_settings *maint, FILE *,
	    struct fwconf_err *);

#endif
