package rest

import "github.com/cephapi/cephapi/rgw"

// The RGW services are not written yet for this transport: every call
// answers Unimplemented (TestEveryMethodDeclared lists them as pending).
// The server's /api/rgw operations are bound; the client of them is
// issue 13's next step.
type (
	rgwDaemons struct{ rgw.UnimplementedDaemons }
	rgwSite    struct{ rgw.UnimplementedSite }
	rgwUsers   struct{ rgw.UnimplementedUsers }
	rgwBuckets struct{ rgw.UnimplementedBuckets }
)

var (
	_ rgw.Daemons = rgwDaemons{}
	_ rgw.Site    = rgwSite{}
	_ rgw.Users   = rgwUsers{}
	_ rgw.Buckets = rgwBuckets{}
)
