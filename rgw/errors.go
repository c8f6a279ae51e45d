package rgw

import (
	"maps"
	"slices"
	"strings"
	"sync"

	"github.com/cephapi/cephapi/ceph"
)

// errorCodes maps the error codes of RGW's admin API and S3 answers to
// codes. Transports that meet RGW's answers (directly, or wrapped in the
// dashboard's 500s) read it through ErrorCode.
var errorCodes = map[string]ceph.Code{
	"NoSuchUser": ceph.NotFound, "NoSuchBucket": ceph.NotFound, "NoSuchSubUser": ceph.NotFound,
	"NoSuchKey": ceph.NotFound, "NoSuchEntity": ceph.NotFound, "NoSuchCap": ceph.NotFound,
	"NoSuchObject": ceph.NotFound, "ObjectLockConfigurationNotFoundError": ceph.NotFound,
	"ServerSideEncryptionConfigurationNotFoundError": ceph.NotFound,
	"UserAlreadyExists": ceph.AlreadyExists, "EmailExists": ceph.AlreadyExists, "KeyExists": ceph.AlreadyExists,
	"SubuserExists": ceph.AlreadyExists, "BucketAlreadyExists": ceph.AlreadyExists, "EntityAlreadyExists": ceph.AlreadyExists,
	"BucketNotEmpty": ceph.FailedPrecondition, "InvalidBucketState": ceph.FailedPrecondition,
	// BucketsExist is this project's own: a user delete refused because
	// the user owns buckets (RGW answers BucketAlreadyExists for it).
	"BucketsExist":     ceph.FailedPrecondition,
	"InvalidAccessKey": ceph.InvalidArgument, "InvalidSecretKey": ceph.InvalidArgument, "InvalidKeyType": ceph.InvalidArgument,
	"InvalidCapability": ceph.InvalidArgument, "InvalidAccess": ceph.InvalidArgument, "InvalidArgument": ceph.InvalidArgument,
	"InvalidRequest": ceph.InvalidArgument, "InvalidBucketName": ceph.InvalidArgument, "MalformedXML": ceph.InvalidArgument,
	"InvalidLocationConstraint": ceph.InvalidArgument, "IncompleteBody": ceph.InvalidArgument, "InvalidRetentionPeriod": ceph.InvalidArgument,
	"AccessDenied": ceph.PermissionDenied, "SignatureDoesNotMatch": ceph.PermissionDenied, "InvalidAccessKeyId": ceph.PermissionDenied,
	"NotImplemented": ceph.Unimplemented, "QuotaExceeded": ceph.FailedPrecondition, "TooManyBuckets": ceph.FailedPrecondition,
	"SlowDown": ceph.TooManyRequests, "ServiceUnavailable": ceph.Unavailable,
}

// ErrorCode returns the code of an RGW error code ("NoSuchUser" is
// NotFound); ok is false for a code it does not know.
func ErrorCode(rgwCode string) (code ceph.Code, ok bool) {
	code, ok = errorCodes[rgwCode]
	return code, ok
}

// ErrorCodeNames returns the RGW error codes ErrorCode knows, longest
// first, so that a search of a text for them finds a long code before a
// shorter one inside it.
func ErrorCodeNames() []string { return slices.Clone(sortedCodeNames()) }

var sortedCodeNames = sync.OnceValue(func() []string {
	names := slices.Collect(maps.Keys(errorCodes))
	slices.SortFunc(names, func(a, b string) int {
		if len(a) != len(b) {
			return len(b) - len(a)
		}
		return strings.Compare(a, b)
	})
	return names
})
