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
int	 render_datadir_ok(struct fwconf_err *);
const char *render_bindir(struct fwconf_err *);
const char *render_get(const struct fwconf_settings *, const char *key);
int	 render_yes(const struct fwconf_settings *, const char *key);
size_t	 render_word(const char **list);

/* NTP, fail2ban, arpwatch, the Nagios agent, the serial console, SMART */
/* chrony.c */
int	 render_chrony_conf(const struct fwconf_settings *svc, FILE *,
	    struct fwconf_err *);
/* fail2ban.c: fail2ban.local (its own files) and jail.local (the jails) */
int	 render_fail2ban_local(const struct fwconf_settings *svc, FILE *,
	    struct fwconf_err *);
int	 render_fail2ban_jails(const struct fwconf_settings *svc, FILE *,
	    struct fwconf_err *);
/* arpwatch.c: /etc/default/arpwatch, read by Debian's init script */
int	 render_arpwatch_default(const struct fwconf_settings *svc, FILE *,
	    struct fwconf_err *);
/* nrpe.c: the Nagios agent, and what sudo allows it */
int	 render_nrpe_cfg(const struct fwconf_settings *svc, FILE *,
	    struct fwconf_err *);
int	 render_nrpe_sudoers(const struct fwconf_settings *svc, FILE *,
	    struct fwconf_err *);
/* inittab.c: the serial console's getty, in init's /etc/inittab */
int	 render_inittab(const struct fwconf_settings *svc, FILE *,
	    struct fwconf_err *);
/* smartd.c: smartd.conf and the daemon's options */
int	 render_smartd_conf(const struct fwconf_settings *svc, FILE *,
	    struct fwconf_err *);
int	 render_smartd_default(const struct fwconf_settings *svc, FILE *,
	    struct fwconf_err *);

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

/* modules-load.c: the sensor chips' kernel modules, one a line */
void	 render_modules_load(const struct fwconf_table *, FILE *);

/* sshd.c */
int	 render_sshd_config(const struct fwconf_settings *svc, FILE *,
	    struct fwconf_err *);

#endif
