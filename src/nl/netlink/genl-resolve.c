// SPDX-License-Identifier: Apache-2.0
/*
 * Generic-netlink family and multicast-group resolution: the one file that
 * uses libnl-genl-3 (everything else builds and parses messages with libmnl).
 * libnl reports failures as NLE_* codes; callers of this file only ever see
 * negative errnos, so the translation happens here, once.
 */
#include <errno.h>
#include <stdint.h>

#include <netlink/errno.h>
#include <netlink/genl/ctrl.h>
#include <netlink/genl/family.h>
#include <netlink/genl/genl.h>
#include <netlink/socket.h>

#include "ctflow/nlsock.h"

/* Indexed by NLE_* code; 0 entries mean "no better errno than EIO". */
static const int nle_errno[] = {
	[NLE_SUCCESS] = 0,
	[NLE_FAILURE] = EIO,
	[NLE_INTR] = EINTR,
	[NLE_BAD_SOCK] = EBADF,
	[NLE_AGAIN] = EAGAIN,
	[NLE_NOMEM] = ENOMEM,
	[NLE_EXIST] = EEXIST,
	[NLE_INVAL] = EINVAL,
	[NLE_RANGE] = ERANGE,
	[NLE_MSGSIZE] = EMSGSIZE,
	[NLE_OPNOTSUPP] = EOPNOTSUPP,
	[NLE_AF_NOSUPPORT] = EAFNOSUPPORT,
	[NLE_OBJ_NOTFOUND] = ENOENT,
	[NLE_NOATTR] = ENOENT,
	[NLE_MISSING_ATTR] = EINVAL,
	[NLE_AF_MISMATCH] = EAFNOSUPPORT,
	[NLE_SEQ_MISMATCH] = EPROTO,
	[NLE_MSG_OVERFLOW] = EOVERFLOW,
	[NLE_MSG_TRUNC] = EMSGSIZE,
	[NLE_NOADDR] = EADDRNOTAVAIL,
	[NLE_SRCRT_NOSUPPORT] = EOPNOTSUPP,
	[NLE_MSG_TOOSHORT] = EBADMSG,
	[NLE_MSGTYPE_NOSUPPORT] = EOPNOTSUPP,
	[NLE_OBJ_MISMATCH] = EINVAL,
	[NLE_NOCACHE] = ENOENT,
	[NLE_BUSY] = EBUSY,
	[NLE_PROTO_MISMATCH] = EPROTONOSUPPORT,
	[NLE_NOACCESS] = EACCES,
	[NLE_PERM] = EPERM,
	[NLE_PKTLOC_FILE] = ENOENT,
	[NLE_PARSE_ERR] = EINVAL,
	[NLE_NODEV] = ENODEV,
	[NLE_IMMUTABLE] = EPERM,
	[NLE_DUMP_INTR] = EINTR,
	[NLE_ATTRSIZE] = ERANGE,
};

int ctf_nle_to_errno(int nle)
{
	unsigned int code = nle < 0 ? -(unsigned int)nle : (unsigned int)nle;

	if (code == 0)
		return 0;
	if (code >= sizeof(nle_errno) / sizeof(nle_errno[0]) || !nle_errno[code])
		return -EIO;
	return -nle_errno[code];
}

/* Set errno too, as every function of the socket layer does. */
static int fail(int neg_errno)
{
	errno = -neg_errno;
	return neg_errno;
}

static int ctrl_socket(struct nl_sock **skp)
{
	struct nl_sock *sk = nl_socket_alloc();
	int ret;

	if (!sk)
		return -ENOMEM;
	ret = genl_connect(sk);
	if (ret < 0) {
		nl_socket_free(sk);
		return ctf_nle_to_errno(ret);
	}
	*skp = sk;
	return 0;
}

int ctf_genl_resolve(const char *family, uint16_t *id)
{
	struct nl_sock *sk = NULL;
	int ret = ctrl_socket(&sk);

	if (ret < 0)
		return fail(ret);
	ret = genl_ctrl_resolve(sk, family);
	nl_socket_free(sk);
	if (ret < 0)
		return fail(ctf_nle_to_errno(ret));
	if (ret > UINT16_MAX)
		return fail(-ERANGE);
	*id = (uint16_t)ret;
	return 0;
}

int ctf_genl_resolve_group(const char *family, const char *group, uint32_t *grp)
{
	struct nl_sock *sk = NULL;
	int ret = ctrl_socket(&sk);

	if (ret < 0)
		return fail(ret);
	ret = genl_ctrl_resolve_grp(sk, family, group);
	nl_socket_free(sk);
	if (ret < 0)
		return fail(ctf_nle_to_errno(ret));
	*grp = (uint32_t)ret;
	return 0;
}

int ctf_genl_family_info(const char *family, uint16_t *id, uint32_t *maxattr,
			 uint32_t *version)
{
	struct nl_cache *cache = NULL;
	struct genl_family *fam;
	struct nl_sock *sk = NULL;
	int ret = ctrl_socket(&sk);

	if (ret < 0)
		return fail(ret);
	/* One dump of the controller's families; the lookup is local. */
	ret = genl_ctrl_alloc_cache(sk, &cache);
	if (ret < 0) {
		nl_socket_free(sk);
		return fail(ctf_nle_to_errno(ret));
	}
	fam = genl_ctrl_search_by_name(cache, family);
	if (!fam) {
		ret = -ENOENT;
	} else {
		if (id)
			*id = (uint16_t)genl_family_get_id(fam);
		if (maxattr)
			*maxattr = genl_family_get_maxattr(fam);
		if (version)
			*version = genl_family_get_version(fam);
		genl_family_put(fam);
		ret = 0;
	}
	nl_cache_free(cache);
	nl_socket_free(sk);
	return ret < 0 ? fail(ret) : 0;
}
