/*
 * render.h: the daemons' file formats, one file per daemon (DESIGN.md,
 * "Renderers"): bin/render/DAEMON.c has one function per file it writes,
 * taking settings that were all validated, and a FILE *.  Someone who
 * wonders what mpfw writes into a daemon's file opens one file.
 */
#ifndef RENDER_H
#define RENDER_H

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>

#include "fwconf.h"

/* common.c */
void	 render_header(FILE *, const char *command, const char *from);
void	 render_header_as(FILE *, const char *comment, const char *command,
	    const char *from);
int	 render_root_ok(struct fwconf_err *);
int	 render_datadir_ok(struct fwconf_err *);
const char *render_bindir(struct fwconf_err *);
const char *render_get(const struct fwconf_settings *, const char *key);
int	 render_yes(const struct fwconf_settings *, const char *key);
const char *render_word(const char **list, size_t *len);
char	*render_proxy_clients(const struct fwconf_settings *proxy,
	    const struct fwconf_settings *svc);
int	 render_is_ipv6(const char *word, size_t len);

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
/* '*' and the upper-case hex of SHA1(SHA1(pw)): 42 bytes and a NUL. */
#define MARIADB_HASH_SIZE 42
void	 mariadb_native_hash(const char *pw, char out[MARIADB_HASH_SIZE]);
bool	 is_native_hash(const char *);
/*
 * The proxies' files (fw-proxy render NAME).  Each takes the proxy
 * settings and fw-svc's, for the firewall's name, address and networks.
 */
/* c-icap.c: the ICAP server of the malware scanner, asking clamd */
int	 render_c_icap_conf(const struct fwconf_settings *proxy,
	    const struct fwconf_settings *svc, FILE *, struct fwconf_err *);

/* dante.c: the SOCKS server */
int	 render_dante_conf(const struct fwconf_settings *proxy,
	    const struct fwconf_settings *svc, FILE *, struct fwconf_err *);

/* e2guardian.c: the youth filter, its main file and its filter group */
int	 render_e2guardian_conf(const struct fwconf_settings *proxy,
	    const struct fwconf_settings *svc, FILE *, struct fwconf_err *);
int	 render_e2guardian_group(const struct fwconf_settings *proxy,
	    const struct fwconf_settings *svc, FILE *, struct fwconf_err *);

/* ftp-proxy.c: the FTP proxy */
int	 render_ftp_proxy_conf(const struct fwconf_settings *proxy,
	    const struct fwconf_settings *svc, FILE *, struct fwconf_err *);

/* lighttpd.c: the web server of the PAC file */
int	 render_lighttpd_wpad(const struct fwconf_settings *proxy,
	    const struct fwconf_settings *svc, FILE *, struct fwconf_err *);

/* nftables.c: the redirects of the transparent proxies, a table of its own */
#define NFT_PROXY_TABLE "mpfw_proxy"
int	 render_nft_proxy(const struct fwconf_settings *proxy,
	    const struct fwconf_settings *svc, FILE *, struct fwconf_err *);

/* pac.c: the proxy auto-configuration file, and where it is offered */
#define PAC_DOCROOT "/var/www/mpfw-wpad"
int	 render_pac(const struct fwconf_settings *proxy,
	    const struct fwconf_settings *svc, FILE *, struct fwconf_err *);
void	 render_pac_url(char *buf, size_t size, const char *lan_ip,
	    const char *port);
/* An item of auto_proxy_except: what it is, or why it is refused. */
enum pac_except { PAC_HOST, PAC_DOMAIN, PAC_ADDRESS, PAC_NETWORK };
int	 pac_except_parse(const char *item, enum pac_except *,
	    unsigned int *addr, unsigned int *mask, const char **why);
/* auto_proxy_except as a whole: every item valid, none covering another. */
int	 pac_except_check(const char *list, struct fwconf_err *);

/* privoxy.c: the ad filter */
int	 render_privoxy_conf(const struct fwconf_settings *proxy,
	    const struct fwconf_settings *svc, FILE *, struct fwconf_err *);

/* squid.c: squid.conf of the instance squid or squid3, the scanner's port */
int	 render_squid_conf(const struct fwconf_settings *proxy,
	    const struct fwconf_settings *svc, const char *instance, FILE *,
	    struct fwconf_err *);
/* A request or reply header name Squid can be told of, or why not. */
const char *squid_header_refused(const char *name, size_t len);
/* Can the Squid quoting helper write this value? NULL, or why not. */
const char *squid_value_refused(const char *value);

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
