/*
 * e2guardian.c: what mpfw writes for the youth filter (fw-proxy render
 * e2guardian, fw-proxy render e2guardianf1): e2guardian, DansGuardian's
 * successor, on lan_ip at youth_filter_port, fetching through Squid
 * (squid.c), to which it names its client in X-Forwarded-For.  Its one
 * filter group (e2guardianf1.conf, which e2guardian reads from the
 * directory of e2guardian.conf) is Debian's default, whose limit of 50
 * is the one for young children: the manual's "suitable for schools".
 *
 * The lists, the story boards and the language files are e2guardian's
 * own, at Debian's paths, where support edits the lists by hand (the
 * local lists in /etc/e2guardian/lists); mpfw writes only these two
 * files.  Every value mpfw writes is an address, a port or a path under
 * the root: nothing needs quoting beyond e2guardian's own '...'.
 */
#include "render.h"

#define NITEMS(a) (sizeof(a) / sizeof((a)[0]))

/*
 * e2guardian.conf as Debian ships it, but for what mpfw sets and without
 * transparenthttpsport, which would listen on port 8443 as well.
 */
static const char *const main_conf[] = {
	"languagedir = '/usr/share/e2guardian/languages'",
	"language = 'german'",
	"checkip = 127.0.0.1",
	"httpworkers = 500",
	"nodaemon = off",
	"nologger = off",
	"loglevel = 3",
	"logexceptionhits = 2",
	"logfileformat = 6",
	"mapportstoips = off",
	"proxytimeout = 5",
	"connecttimeout = 5",
	"proxyexchange = 61",
	"pcontimeout = 55",
	"usecustombannedimage = on",
	"custombannedimagefile = '/usr/share/e2guardian/transparent1x1.gif'",
	"usecustombannedflash = on",
	"custombannedflashfile = '/usr/share/e2guardian/blockedflash.swf'",
	"filtergroups = 1",
	"filtergroupslist = '/etc/e2guardian/lists/filtergroupslist'",
	"iplist = 'name=bannedclient,messageno=100,logmessageno=103,path=/etc/e2guardian/lists/bannediplist'",
	"iplist = 'name=exceptionclient,messageno=600,path=/etc/e2guardian/lists/exceptioniplist'",
	"iplist = 'name=authexception,messageno=602,path=/etc/e2guardian/lists/authexceptioniplist'",
	"sitelist = 'name=authexception,messageno=602,path=/etc/e2guardian/lists/authexceptionsitelist'",
	"urllist = 'name=authexception,messageno=603,path=/etc/e2guardian/lists/authexceptionurllist'",
	"showweightedfound = on",
	"weightedphrasemode = 2",
	"phrasefiltermode = 2",
	"preservecase = 0",
	"hexdecodecontent = off",
	"forcequicksearch = off",
	"reverseaddresslookups = off",
	"reverseclientiplookups = off",
	"logclienthostnames = off",
	"maxcontentfiltersize = 2048",
	"maxcontentramcachescansize = 2048",
	"maxcontentfilecachescansize = 20000",
	"filecachedir = '/tmp'",
	"deletedownloadedtempfiles = on",
	"initialtrickledelay = 20",
	"trickledelay = 10",
	"downloadmanager = '/etc/e2guardian/downloadmanagers/default.conf'",
	"contentscannertimeout = 60",
	"recheckreplacedurls = off",
	"logconnectionhandlingerrors = on",
	"logadblocks = off",
	"loguseragent = off",
	"enablessl = off",
	"cacertificatepath = '/etc/e2guardian/private/ca.pem'",
	"caprivatekeypath = '/etc/e2guardian/private/ca.key'",
	"certprivatekeypath = '/etc/e2guardian/private/cert.key'",
	"generatedcertpath = '/etc/e2guardian/private/generatedcerts/'",
	"preauthstoryboard = '/etc/e2guardian/preauth.story'",
	"searchsitelistforip = on",
};

/* e2guardianf1.conf, Debian's filter group 1, but for what mpfw sets. */
static const char *const group_conf[] = {
	"groupname = 'mpfw'",
	"naughtynesslimit = 50",
	"storyboard = '/etc/e2guardian/examplef1.story'",
	"bannedphraselist = '/etc/e2guardian/lists/bannedphraselist'",
	"weightedphraselist = '/etc/e2guardian/lists/weightedphraselist'",
	"exceptionphraselist = '/etc/e2guardian/lists/exceptionphraselist'",
	"sitelist = 'name=banned,messageno=500,path=/etc/e2guardian/lists/bannedsitelist'",
	"ipsitelist = 'name=banned,messageno=510,path=/etc/e2guardian/lists/bannedsiteiplist'",
	"urllist = 'name=banned,messageno=501,path=/etc/e2guardian/lists/bannedurllist'",
	"regexpboollist = 'name=banned,messageno=503,path=/etc/e2guardian/lists/bannedregexpurllist'",
	"regexpboollist = 'name=banneduseragent,messageno=522,path=/etc/e2guardian/lists/bannedregexpuseragentlist'",
	"sitelist = 'name=bannedssl,messageno=520,path=/etc/e2guardian/lists/bannedsslsitelist'",
	"ipsitelist = 'name=bannedssl,messageno=520,path=/etc/e2guardian/lists/bannedsslsiteiplist'",
	"sitelist = 'name=grey,path=/etc/e2guardian/lists/greysitelist'",
	"ipsitelist = 'name=grey,path=/etc/e2guardian/lists/greysiteiplist'",
	"urllist = 'name=grey,path=/etc/e2guardian/lists/greyurllist'",
	"sitelist = 'name=greyssl,path=/etc/e2guardian/lists/greysslsitelist'",
	"ipsitelist = 'name=greyssl,path=/etc/e2guardian/lists/greysslsiteiplist'",
	"sitelist = 'name=exception,messageno=602,path=/etc/e2guardian/lists/exceptionsitelist'",
	"ipsitelist = 'name=exception,messageno=602,path=/etc/e2guardian/lists/exceptionsiteiplist'",
	"urllist = 'name=exception,messageno=603,path=/etc/e2guardian/lists/exceptionurllist'",
	"regexpboollist = 'name=exception,messageno=609,path=/etc/e2guardian/lists/exceptionregexpurllist'",
	"regexpboollist = 'name=exceptionuseragent,messageno=610,path=/etc/e2guardian/lists/exceptionregexpuseragentlist'",
	"sitelist = 'name=refererexception,messageno=620,path=/etc/e2guardian/lists/refererexceptionsitelist'",
	"ipsitelist = 'name=refererexception,messageno=620,path=/etc/e2guardian/lists/refererexceptionsiteiplist'",
	"urllist = 'name=refererexception,messageno=620,path=/etc/e2guardian/lists/refererexceptionurllist'",
	"sitelist = 'name=embededreferer,path=/etc/e2guardian/lists/embededreferersitelist'",
	"ipsitelist = 'name=embededreferer,path=/etc/e2guardian/lists/embededreferersiteiplist'",
	"urllist = 'name=embededreferer,path=/etc/e2guardian/lists/embededrefererurllist'",
	"regexpreplacelist = 'name=change,path=/etc/e2guardian/lists/urlregexplist'",
	"regexpreplacelist = 'name=sslreplace,path=/etc/e2guardian/lists/sslsiteregexplist'",
	"regexpreplacelist = 'name=redirect,path=/etc/e2guardian/lists/urlredirectregexplist'",
	"contentregexplist = '/etc/e2guardian/lists/contentregexplist'",
	"sitelist = 'name=localbanned,messageno=560,path=/etc/e2guardian/lists/localbannedsitelist'",
	"searchlist = 'name=localbanned,messageno=581,path=/etc/e2guardian/lists/localbannedsearchlist'",
	"sitelist = 'name=localgrey,path=/etc/e2guardian/lists/localgreysitelist'",
	"sitelist = 'name=localgreyssl,path=/etc/e2guardian/lists/localgreysslsitelist'",
	"sitelist = 'name=localexception,messageno=662,path=/etc/e2guardian/lists/localexceptionsitelist'",
	"fileextlist = 'name=bannedextension,messageno=900,path=/etc/e2guardian/lists/bannedextensionlist'",
	"mimelist = 'name=bannedmime,messageno=800,path=/etc/e2guardian/lists/bannedmimetypelist'",
	"sitelist = 'name=exceptionfile,path=/etc/e2guardian/lists/exceptionfilesitelist'",
	"ipsitelist = 'name=exceptionfile,path=/etc/e2guardian/lists/exceptionfilesiteiplist'",
	"urllist = 'name=exceptionfile,path=/etc/e2guardian/lists/exceptionfileurllist'",
	"maxuploadsize = -1",
	"regexpreplacelist = 'name=headermods,path=/etc/e2guardian/lists/headerregexplist'",
	"regexpboollist = 'name=bannedheader,path=/etc/e2guardian/lists/bannedregexpheaderlist'",
	"regexpboollist = 'name=exceptionheader,path=/etc/e2guardian/lists/exceptionregexpheaderlist'",
	"regexpreplacelist = 'name=addheader,path=/etc/e2guardian/lists/addheaderregexplist'",
	"regexpreplacelist = 'name=searchterms,path=/etc/e2guardian/lists/searchregexplist'",
	"searchlist = 'name=banned,path=/etc/e2guardian/lists/bannedsearchlist'",
	"searchlist = 'name=override,path=/etc/e2guardian/lists/bannedsearchoveridelist'",
	"categorydisplaythreshold = 0",
	"embeddedurlweight = 0",
	"bypass = 0",
	"bypasskey = ''",
	"sitelist = 'name=bannedbypass,messageno=500,path=/etc/e2guardian/lists/domainsnobypass'",
	"infectionbypass = 0",
	"infectionbypasskey = ''",
	"infectionbypasserrorsonly = on",
	"disablecontentscan = off",
	"disablecontentscanerror = off",
	"contentscanexceptions = off",
	"deepurlanalysis = off",
	"reportinglevel = 3",
	"sslmitm = off",
	"mitmcheckcert = on",
	"sitelist = 'name=nocheckcert,path=/etc/e2guardian/lists/nocheckcertsitelist'",
	"ipsitelist = 'name=nocheckcert,path=/etc/e2guardian/lists/nocheckcertsiteiplist'",
};

int
render_e2guardian_conf(const struct fwconf_settings *p,
    const struct fwconf_settings *svc, FILE *out, struct fwconf_err *e)
{
	const char *root = fwconf_root(), *lan_ip = render_get(svc, "lan_ip");
	size_t i;

	if (render_root_ok(e) == -1)
		return -1;
	render_header(out, "fw-proxy render e2guardian",
	    "/etc/mpfw/proxy and /etc/mpfw/services");
	fprintf(out, "filterip = %s\n", lan_ip);
	fprintf(out, "filterports = %s\n", render_get(p, "youth_filter_port"));
	fprintf(out, "proxyip = %s\n", lan_ip);
	fprintf(out, "proxyport = %s\n", render_get(p, "squid_port"));
	/* Squid checks and logs the client named here (squid.c). */
	fprintf(out, "forwardedfor = on\nusexforwardedfor = off\n");
	fprintf(out, "pidfilename = '%s/run/e2guardian.pid'\n", root);
	fprintf(out, "loglocation = '%s/var/log/e2guardian/access.log'\n",
	    root);
	for (i = 0; i < NITEMS(main_conf); i++)
		fprintf(out, "%s\n", main_conf[i]);
	return 0;
}

int
render_e2guardian_group(const struct fwconf_settings *p,
    const struct fwconf_settings *svc, FILE *out, struct fwconf_err *e)
{
	size_t i;

	(void)p;
	(void)svc;
	(void)e;
	render_header(out, "fw-proxy render e2guardianf1",
	    "the defaults suitable for schools");
	for (i = 0; i < NITEMS(group_conf); i++)
		fprintf(out, "%s\n", group_conf[i]);
	return 0;
}
