/*
 * render.h: the daemons' file formats, one file per daemon (DESIGN.md,
 * "Renderers"): bin/render/DAEMON.c has one function per file it writes,
 * taking settings that were all validated, and a FILE *.  Someone who
 * wonders what mpfw writes into a daemon's file opens one file.
 */
#ifndef RENDER_H
#define RENDER_H

#include <stdbool.h>
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
 * nut.c: Network UPS Tools (fw-ups render).  The firewall's own UPS is
 * always NUT_UPS; its own monitor logs in as NUT_MONITOR_USER.
 */
#define NUT_UPS			"myups"
#define NUT_MONITOR_USER	"mpfw-monitor"
#define NUT_PORT		"3493"

/* A model of DATADIR/ups-models (bin/ups-models.c reads them). */
struct nut_model {
	char	*name, *driver;
	bool	 usb, serial;	/* where it can be attached */
	char	**options;	/* fixed: "name=value", or a flag's name */
	size_t	 noptions;
};

/* What the NUT files need beyond the settings; fw-ups looks it up. */
struct nut_setup {
	const struct nut_model *model;	/* master: the model, else NULL */
	const char *lan_ip;		/* fw-svc's internal address */
	const char *admin_password;	/* master */
	const char *slave_password;	/* master, NULL without slaves' user */
	const char *monitor_password;	/* master: the local upsmon's */
	const char *master_password;	/* slave */
};

void	 nut_quote(FILE *, const char *);
const char *nut_port(const struct nut_model *, const char *port);
int	 render_nut_ups_conf(const struct fwconf_settings *ups,
	    const struct nut_setup *, FILE *, struct fwconf_err *);
int	 render_nut_upsd_conf(const struct fwconf_settings *ups,
	    const struct nut_setup *, FILE *, struct fwconf_err *);
int	 render_nut_upsd_users(const struct fwconf_settings *ups,
	    const struct nut_setup *, FILE *, struct fwconf_err *);
int	 render_nut_upsmon_conf(const struct fwconf_settings *ups,
	    const struct nut_setup *, FILE *, struct fwconf_err *);
int	 render_nut_conf(const struct fwconf_settings *ups,
	    const struct nut_setup *, FILE *, struct fwconf_err *);

/* tcpwrap.c: hosts_access(5), the tcp-wrappers that upsd asks */
int	 render_hosts_allow(const struct fwconf_settings *ups, FILE *,
	    struct fwconf_err *);

#endif
