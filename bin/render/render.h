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

/* modules-load.c: the sensor chips' kernel modules, one a line */
void	 render_modules_load(const struct fwconf_table *, FILE *);

/* sshd.c */
int	 render_sshd_config(const struct fwconf_settings *svc, FILE *,
	    struct fwconf_err *);

/* dovecot.c: IMAP, POP3 and ManageSieve */
int	 render_dovecot_conf(const struct fwconf_settings *svc, FILE *,
	    struct fwconf_err *);

/* vsftpd.c: the FTP server, its PAM service and the upload account */
#define FTP_DIR "/srv/ftp"
#define FTP_ACCOUNT "ftpupload"
int	 render_vsftpd_conf(const struct fwconf_settings *svc, FILE *,
	    struct fwconf_err *);
int	 render_vsftpd_pam(const struct fwconf_settings *svc, FILE *,
	    struct fwconf_err *);
int	 render_ftpupload(const struct fwconf_settings *svc, FILE *,
	    struct fwconf_err *);

/* ngircd.c */
int	 render_ngircd_conf(const struct fwconf_settings *svc, FILE *,
	    struct fwconf_err *);

/* mariadb.c: the server's options and the root password */
int	 render_mariadb_cnf(const struct fwconf_settings *svc, FILE *,
	    struct fwconf_err *);
int	 render_mariadb_root(const struct fwconf_settings *svc, FILE *,
	    struct fwconf_err *);

#endif
