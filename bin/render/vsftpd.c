/*
 * vsftpd.c: what mpfw writes for the FTP server: vsftpd.conf (fw-svc
 * render vsftpd), its PAM service (vsftpd-pam) and the upload account
 * (ftpupload), which share/mpfw/ftpupload-account makes so with the
 * account tools.  Only that account logs in, on lan_ip, shut into the
 * FTP directory, where it may write; nobody logs in anonymously.
 * vsftpd has no quoting: a value runs to the end of its line, and every
 * one here is an address or a path under a root render_root_ok accepted.
 */
#include "render.h"

#define PAM_SERVICE "vsftpd-mpfw"

int
render_vsftpd_conf(const struct fwconf_settings *s, FILE *out,
    struct fwconf_err *e)
{
	if (render_root_ok(e) == -1)
		return -1;
	render_header(out, "fw-svc render vsftpd", "/etc/mpfw/services");
	fprintf(out, "listen=YES\nlisten_ipv6=NO\nlisten_address=%s\n"
	    "anonymous_enable=NO\nlocal_enable=YES\nwrite_enable=YES\n"
	    "local_umask=022\n", render_get(s, "lan_ip"));
	fprintf(out, "# Every login is shut into the FTP directory, the home "
	    "of %s.\n"
	    "chroot_local_user=YES\nallow_writeable_chroot=YES\n"
	    "local_root=%s%s\n", FTP_ACCOUNT, fwconf_root(), FTP_DIR);
	fprintf(out, "pam_service_name=%s\nxferlog_enable=YES\n", PAM_SERVICE);
	return 0;
}

/*
 * The stock /etc/pam.d/vsftpd ends with pam_shells, which refuses an
 * account whose shell is not in /etc/shells: ftpupload with
 * ftpupload_shell=no (/usr/sbin/nologin) could not log in by FTP.
 */
int
render_vsftpd_pam(const struct fwconf_settings *s, FILE *out,
    struct fwconf_err *e)
{
	(void)s;
	(void)e;
	render_header(out, "fw-svc render vsftpd-pam", "/etc/mpfw/services");
	fprintf(out, "# The logins of the FTP server: %s only, whatever its "
	    "shell.\n"
	    "auth\trequired\tpam_succeed_if.so quiet_fail user = %s\n"
	    "@include common-auth\n"
	    "@include common-account\n"
	    "@include common-session\n", FTP_ACCOUNT, FTP_ACCOUNT);
	return 0;
}

/*
 * The account as share/mpfw/ftpupload-account reads it.  It is made at
 * the first apply that needs it, when the FTP server or the shell is
 * on; an account that exists has its shell follow ftpupload_shell.
 */
int
render_ftpupload(const struct fwconf_settings *s, FILE *out,
    struct fwconf_err *e)
{
	if (render_root_ok(e) == -1)
		return -1;
	render_header(out, "fw-svc render ftpupload", "/etc/mpfw/services");
	fprintf(out, "name=%s\nhome=%s%s\nshell=%s\ncreate=%s\n", FTP_ACCOUNT,
	    fwconf_root(), FTP_DIR, render_yes(s, "ftpupload_shell") ?
	    "/bin/bash" : "/usr/sbin/nologin", render_yes(s, "ftp") ||
	    render_yes(s, "ftpupload_shell") ? "yes" : "no");
	return 0;
}
