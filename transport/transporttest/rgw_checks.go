package transporttest

import (
	"context"
	"errors"
	"slices"
	"strings"
	"testing"

	"github.com/cephapi/cephapi/ceph"
	"github.com/cephapi/cephapi/rgw"
)

var rgwChecks = []check{
	{"Daemons", checkRGWDaemons},
	{"Site", checkRGWSite},
	{"Users", checkRGWUsers},
	{"Keys", checkRGWKeys},
	{"Caps", checkRGWCaps},
	{"Quotas", checkRGWQuotas},
	{"Subusers", checkRGWSubusers},
	{"Buckets", checkRGWBuckets},
	{"BucketLocking", checkRGWBucketLocking},
	{"BucketOwner", checkRGWBucketOwner},
	{"Usage", checkRGWUsage},
	{"BadInput", checkRGWBadInput},
	{"PerfCounters", checkRGWPerfCounters},
}

// firstGateway returns the first gateway, skipping the test when the
// cluster has none.
func firstGateway(ctx context.Context, t testing.TB, e *env) rgw.Daemon {
	t.Helper()
	list, err := e.c.RGW.Daemons.List(ctx)
	must(t, err, "RGW.Daemons.List")
	if len(list) == 0 {
		t.Skip("the cluster has no RADOS Gateway")
	}
	return list[0]
}

// rgwName is a unique name that is both a valid user id and bucket name.
func rgwName(kind string) string { return strings.ToLower(uniqueName(kind)) }

// createRGWUser makes a user (with the e-mail address, when not empty) and
// registers its deletion.
func createRGWUser(ctx context.Context, t testing.TB, e *env, email string) *rgw.User {
	t.Helper()
	uid := rgwName("user")
	uc := rgw.UserCreate{UID: uid, DisplayName: "conformance " + uid}
	if email != "" {
		uc.Email = &email
	}
	u, err := e.c.RGW.Users.Create(ctx, "", uc)
	if err == nil || !errors.Is(err, ceph.ErrUnimplemented) {
		e.cleanup(t, "delete rgw user "+uid, func(ctx context.Context) error { return e.c.RGW.Users.Delete(ctx, "", uid) })
	}
	must(t, err, "Users.Create(%s)", uid)
	return u
}

// createRGWBucket makes a bucket owned by uid and registers its deletion
// (objects purged).
func createRGWBucket(ctx context.Context, t testing.TB, e *env, c rgw.BucketCreate) {
	t.Helper()
	err := e.c.RGW.Buckets.Create(ctx, "", c)
	if err == nil || !errors.Is(err, ceph.ErrUnimplemented) {
		e.cleanup(t, "delete bucket "+c.Bucket, func(ctx context.Context) error { return e.c.RGW.Buckets.Delete(ctx, "", c.Bucket, true) })
	}
	must(t, err, "Buckets.Create(%s)", c.Bucket)
}

func getRGWUser(ctx context.Context, t testing.TB, e *env, uid string) *rgw.User {
	t.Helper()
	u, err := e.c.RGW.Users.Get(ctx, "", uid, false)
	must(t, err, "Users.Get(%s)", uid)
	return u
}

func getRGWBucket(ctx context.Context, t testing.TB, e *env, name string) *rgw.Bucket {
	t.Helper()
	b, err := e.c.RGW.Buckets.Get(ctx, "", name)
	must(t, err, "Buckets.Get(%s)", name)
	return b
}

// checkRGWDaemons: the gateways are listed; the first one's metadata is
// read; an unknown one is NotFound.
func checkRGWDaemons(ctx context.Context, t testing.TB, e *env) {
	d := firstGateway(ctx, t, e)
	if d.ID == "" || d.Version == "" {
		t.Errorf("daemon %+v: want an id and a version", d)
	}
	info, err := e.c.RGW.Daemons.Get(ctx, d.ID)
	must(t, err, "Daemons.Get(%s)", d.ID)
	if len(info.Metadata) == 0 {
		t.Errorf("Daemons.Get(%s): no metadata", d.ID)
	}
	_, err = e.c.RGW.Daemons.Get(ctx, rgwName("nogw"))
	wantErr(t, err, &ceph.Error{Code: ceph.NotFound}, "Daemons.Get(missing)")
}

// checkRGWPerfCounters: a gateway's counters by its service map id (as the
// dashboard's gateway page asks), in All too; an unknown id is NotFound. A
// rados client reads them from the manager's prometheus module: a cluster
// without it skips.
func checkRGWPerfCounters(ctx context.Context, t testing.TB, e *env) {
	d := firstGateway(ctx, t, e)
	if d.ServiceMapID == "" {
		t.Fatalf("daemon %+v has no service map id", d)
	}
	pc, err := e.c.PerfCounters.Daemon(ctx, "rgw", d.ServiceMapID)
	if ceph.CodeOf(err) == ceph.Unimplemented && strings.Contains(err.Error(), "prometheus module") {
		t.Skipf("PerfCounters.Daemon(rgw): %v", err)
	}
	must(t, err, "PerfCounters.Daemon(rgw, %s)", d.ServiceMapID)
	if pc.Service.Type != "rgw" || pc.Service.ID != d.ServiceMapID {
		t.Errorf("service is %+v, want rgw %s", pc.Service, d.ServiceMapID)
	}
	names := map[string]bool{}
	for _, c := range pc.Counters {
		names[c.Name] = true
	}
	for _, want := range []string{"rgw.req", "rgw.get", "rgw.put", "rgw.qlen"} {
		if !names[want] {
			t.Errorf("rgw.%s has no counter %s (has %d)", d.ServiceMapID, want, len(names))
		}
	}
	all, err := e.c.PerfCounters.All(ctx)
	must(t, err, "PerfCounters.All")
	if len(all["rgw."+d.ServiceMapID]) == 0 {
		t.Errorf("All has no counters of rgw.%s", d.ServiceMapID)
	}
	_, err = e.c.PerfCounters.Daemon(ctx, "rgw", "999999999")
	wantErr(t, err, ceph.ErrNotFound, "PerfCounters.Daemon(missing rgw)")
}

// checkRGWSite: placement targets, realms and the default realm.
func checkRGWSite(ctx context.Context, t testing.TB, e *env) {
	firstGateway(ctx, t, e)
	p, err := e.c.RGW.Site.PlacementTargets(ctx, "")
	must(t, err, "PlacementTargets")
	if p.Zonegroup == "" || len(p.Targets) == 0 {
		t.Errorf("PlacementTargets: want a zonegroup and targets, got %+v", p)
	}
	_, err = e.c.RGW.Site.Realms(ctx, "")
	must(t, err, "Realms")
	name, err := e.c.RGW.Site.DefaultRealm(ctx, "")
	if err != nil {
		wantErr(t, err, &ceph.Error{Code: ceph.NotFound}, "DefaultRealm")
	} else if name == "" {
		t.Error("DefaultRealm: no error and no name")
	}
}

// checkRGWUsers: a user's lifecycle, duplicate and missing users.
func checkRGWUsers(ctx context.Context, t testing.TB, e *env) {
	firstGateway(ctx, t, e)
	users := e.c.RGW.Users
	email := rgwName("mail") + "@example.com"
	uid := rgwName("user")
	maxB := 7
	_, err := users.Create(ctx, "", rgw.UserCreate{UID: uid, DisplayName: "first", Email: &email, MaxBuckets: &maxB})
	if err == nil || !errors.Is(err, ceph.ErrUnimplemented) {
		e.cleanup(t, "delete rgw user "+uid, func(ctx context.Context) error { return users.Delete(ctx, "", uid) })
	}
	must(t, err, "Users.Create(%s)", uid)
	u := getRGWUser(ctx, t, e, uid)
	if u.Email != email || u.MaxBuckets != maxB || u.DisplayName != "first" {
		t.Errorf("Get(%s): email %q max_buckets %d name %q, want %q %d %q", uid, u.Email, u.MaxBuckets, u.DisplayName, email, maxB, "first")
	}
	list, err := users.List(ctx, "")
	must(t, err, "Users.List")
	if !slices.Contains(list, uid) {
		t.Errorf("Users.List lacks %s", uid)
	}
	emails, err := users.Emails(ctx, "")
	must(t, err, "Users.Emails")
	if !slices.Contains(emails, email) {
		t.Errorf("Users.Emails lacks %s", email)
	}
	name, yes := "second", true
	_, err = users.Update(ctx, "", uid, rgw.UserUpdate{DisplayName: &name, Suspended: &yes})
	must(t, err, "Users.Update(%s)", uid)
	if u := getRGWUser(ctx, t, e, uid); u.DisplayName != name || u.Suspended != 1 {
		t.Errorf("after Update: name %q suspended %d, want %q 1", u.DisplayName, u.Suspended, name)
	}
	_, err = users.Create(ctx, "", rgw.UserCreate{UID: uid, DisplayName: "again"})
	wantErr(t, err, &ceph.Error{Code: ceph.AlreadyExists}, "Users.Create(%s) again", uid)
	must(t, users.Delete(ctx, "", uid), "Users.Delete(%s)", uid)
	_, err = users.Get(ctx, "", uid, false)
	wantErr(t, err, &ceph.Error{Code: ceph.NotFound}, "Users.Get(%s) after delete", uid)
	wantErr(t, users.Delete(ctx, "", uid), &ceph.Error{Code: ceph.NotFound}, "Users.Delete(%s) again", uid)
}

// checkRGWKeys: S3 keys given by the caller, their uniqueness, deletion,
// and a subuser's Swift key.
func checkRGWKeys(ctx context.Context, t testing.TB, e *env) {
	firstGateway(ctx, t, e)
	users := e.c.RGW.Users
	a := createRGWUser(ctx, t, e, "")
	b := createRGWUser(ctx, t, e, "")
	ak := strings.ToUpper(strings.ReplaceAll(rgwName("ak"), "-", ""))
	_, err := users.CreateKey(ctx, "", a.UID, rgw.KeyCreate{Type: rgw.KeyS3, AccessKey: ak, SecretKey: "conformance-secret"})
	must(t, err, "CreateKey(%s)", a.UID)
	hasKey := func(u *rgw.User) bool {
		return slices.ContainsFunc(u.Keys, func(k rgw.Key) bool { return k.AccessKey == ak && k.SecretKey == "conformance-secret" })
	}
	if !hasKey(getRGWUser(ctx, t, e, a.UID)) {
		t.Errorf("Get(%s) lacks key %s", a.UID, ak)
	}
	_, err = users.CreateKey(ctx, "", b.UID, rgw.KeyCreate{Type: rgw.KeyS3, AccessKey: ak, SecretKey: "other"})
	wantErr(t, err, &ceph.Error{Code: ceph.AlreadyExists}, "CreateKey(%s) with %s's access key", b.UID, a.UID)
	must(t, users.DeleteKey(ctx, "", a.UID, rgw.KeyDelete{Type: rgw.KeyS3, AccessKey: ak}), "DeleteKey(%s)", ak)
	if hasKey(getRGWUser(ctx, t, e, a.UID)) {
		t.Errorf("key %s still there after DeleteKey", ak)
	}
	sub := a.UID + ":swift"
	_, err = users.CreateSubuser(ctx, "", a.UID, rgw.SubuserCreate{Subuser: sub, Access: "read", KeyType: rgw.KeyS3, GenerateSecret: true})
	must(t, err, "CreateSubuser(%s)", sub)
	keys, err := users.CreateKey(ctx, "", a.UID, rgw.KeyCreate{Type: rgw.KeySwift, Subuser: sub, Generate: true})
	must(t, err, "CreateKey(swift, %s)", sub)
	if !slices.ContainsFunc(keys, func(k rgw.Key) bool { return k.User == sub && k.SecretKey != "" }) {
		t.Errorf("CreateKey(swift): %s has no Swift key in %+v", sub, keys)
	}
	if u := getRGWUser(ctx, t, e, a.UID); !slices.ContainsFunc(u.SwiftKeys, func(k rgw.Key) bool { return k.User == sub }) {
		t.Errorf("Get(%s) lacks the Swift key of %s: %+v", a.UID, sub, u.SwiftKeys)
	}
}

// checkRGWCaps: read and write of a type merge into "*"; removal.
func checkRGWCaps(ctx context.Context, t testing.TB, e *env) {
	firstGateway(ctx, t, e)
	users := e.c.RGW.Users
	u := createRGWUser(ctx, t, e, "")
	_, err := users.AddCapability(ctx, "", u.UID, rgw.Capability{Type: "users", Perm: "read"})
	must(t, err, "AddCapability(users=read)")
	caps, err := users.AddCapability(ctx, "", u.UID, rgw.Capability{Type: "users", Perm: "write"})
	must(t, err, "AddCapability(users=write)")
	if !slices.Contains(caps, rgw.Capability{Type: "users", Perm: "*"}) {
		t.Errorf("after read and write: caps %+v, want users=*", caps)
	}
	caps, err = users.RemoveCapability(ctx, "", u.UID, rgw.Capability{Type: "users", Perm: "*"})
	must(t, err, "RemoveCapability(users=*)")
	if slices.ContainsFunc(caps, func(c rgw.Capability) bool { return c.Type == "users" }) {
		t.Errorf("after removal: caps %+v", caps)
	}
	if got := getRGWUser(ctx, t, e, u.UID).Caps; slices.ContainsFunc(got, func(c rgw.Capability) bool { return c.Type == "users" }) {
		t.Errorf("Get after removal: caps %+v", got)
	}
}

// checkRGWQuotas: the user and the bucket quota are set and read back.
func checkRGWQuotas(ctx context.Context, t testing.TB, e *env) {
	firstGateway(ctx, t, e)
	users := e.c.RGW.Users
	u := createRGWUser(ctx, t, e, "")
	for _, typ := range []string{rgw.QuotaUser, rgw.QuotaBucket} {
		err := users.SetQuota(ctx, "", u.UID, rgw.QuotaUpdate{Type: typ, Enabled: true, MaxSizeKB: 1024, MaxObjects: 10})
		must(t, err, "SetQuota(%s)", typ)
		q, err := users.Quotas(ctx, "", u.UID)
		must(t, err, "Quotas(%s)", u.UID)
		got := q.UserQuota
		if typ == rgw.QuotaBucket {
			got = q.BucketQuota
		}
		if !got.Enabled || got.MaxSizeKB != 1024 || got.MaxObjects != 10 {
			t.Errorf("%s quota: %+v, want enabled, 1024 KB, 10 objects", typ, got)
		}
	}
}

// checkRGWSubusers: a subuser with full access, then its removal.
func checkRGWSubusers(ctx context.Context, t testing.TB, e *env) {
	firstGateway(ctx, t, e)
	users := e.c.RGW.Users
	u := createRGWUser(ctx, t, e, "")
	sub := u.UID + ":full"
	subs, err := users.CreateSubuser(ctx, "", u.UID, rgw.SubuserCreate{Subuser: sub, Access: "full", KeyType: rgw.KeySwift, GenerateSecret: true})
	must(t, err, "CreateSubuser(%s)", sub)
	want := rgw.Subuser{ID: sub, Permissions: "full-control"}
	if !slices.Contains(subs, want) {
		t.Errorf("CreateSubuser: %+v lacks %+v", subs, want)
	}
	if got := getRGWUser(ctx, t, e, u.UID).Subusers; !slices.Contains(got, want) {
		t.Errorf("Get: subusers %+v lack %+v", got, want)
	}
	must(t, users.DeleteSubuser(ctx, "", u.UID, sub, true), "DeleteSubuser(%s)", sub)
	got := getRGWUser(ctx, t, e, u.UID)
	if slices.ContainsFunc(got.Subusers, func(s rgw.Subuser) bool { return s.ID == sub }) {
		t.Errorf("after DeleteSubuser: subusers %+v", got.Subusers)
	}
	if slices.ContainsFunc(got.SwiftKeys, func(k rgw.Key) bool { return k.User == sub }) {
		t.Errorf("after DeleteSubuser with purge: Swift keys %+v", got.SwiftKeys)
	}
}

// checkRGWBuckets: a bucket's lifecycle and versioning.
func checkRGWBuckets(ctx context.Context, t testing.TB, e *env) {
	firstGateway(ctx, t, e)
	bk := e.c.RGW.Buckets
	u := createRGWUser(ctx, t, e, "")
	name := rgwName("bkt")
	createRGWBucket(ctx, t, e, rgw.BucketCreate{Bucket: name, UID: u.UID})
	must(t, bk.Create(ctx, "", rgw.BucketCreate{Bucket: name, UID: u.UID}), "Buckets.Create(%s) again by its owner", name)
	names, err := bk.Names(ctx, "", u.UID)
	must(t, err, "Buckets.Names(%s)", u.UID)
	if !slices.Contains(names, name) {
		t.Errorf("Names(%s) = %v, lacks %s", u.UID, names, name)
	}
	list, err := bk.List(ctx, "", u.UID)
	must(t, err, "Buckets.List(%s)", u.UID)
	if !slices.ContainsFunc(list, func(b rgw.Bucket) bool { return b.Bucket == name }) {
		t.Errorf("List(%s) lacks %s", u.UID, name)
	}
	b := getRGWBucket(ctx, t, e, name)
	if b.Owner != u.UID || b.Versioning != rgw.VersioningSuspended || b.ID == "" {
		t.Errorf("Get(%s): owner %q versioning %q id %q, want %q, Suspended and an id", name, b.Owner, b.Versioning, b.ID, u.UID)
	}
	err = bk.Update(ctx, "", name, rgw.BucketUpdate{BucketID: b.ID, UID: u.UID, VersioningState: rgw.VersioningEnabled})
	must(t, err, "Buckets.Update(%s, versioning Enabled)", name)
	if b := getRGWBucket(ctx, t, e, name); b.Versioning != rgw.VersioningEnabled {
		t.Errorf("after Update: versioning %q, want Enabled", b.Versioning)
	}
	other := createRGWUser(ctx, t, e, "")
	err = bk.Create(ctx, "", rgw.BucketCreate{Bucket: name, UID: other.UID})
	wantErr(t, err, &ceph.Error{Code: ceph.AlreadyExists}, "Buckets.Create(%s) by another owner", name)
	must(t, bk.Delete(ctx, "", name, false), "Buckets.Delete(%s)", name)
	_, err = bk.Get(ctx, "", name)
	wantErr(t, err, &ceph.Error{Code: ceph.NotFound}, "Buckets.Get(%s) after delete", name)
}

// checkRGWBucketLocking: object locking is set at creation, shown by Get,
// and keeps versioning from being suspended.
func checkRGWBucketLocking(ctx context.Context, t testing.TB, e *env) {
	firstGateway(ctx, t, e)
	u := createRGWUser(ctx, t, e, "")
	name := rgwName("lock")
	createRGWBucket(ctx, t, e, rgw.BucketCreate{Bucket: name, UID: u.UID, LockEnabled: true, LockMode: rgw.LockGovernance, LockRetentionPeriodDays: 1})
	b := getRGWBucket(ctx, t, e, name)
	if b.LockEnabled == nil || !*b.LockEnabled || !strings.EqualFold(b.LockMode, rgw.LockGovernance) ||
		b.LockRetentionPeriodDays == nil || *b.LockRetentionPeriodDays != 1 {
		t.Errorf("Get(%s): lock %v mode %q days %v, want true GOVERNANCE 1", name, b.LockEnabled, b.LockMode, b.LockRetentionPeriodDays)
	}
	if b.Versioning != rgw.VersioningEnabled {
		t.Errorf("Get(%s): a locked bucket's versioning is %q, want Enabled", name, b.Versioning)
	}
	err := e.c.RGW.Buckets.Update(ctx, "", name, rgw.BucketUpdate{BucketID: b.ID, UID: u.UID, VersioningState: rgw.VersioningSuspended})
	if err == nil {
		t.Errorf("suspending versioning of locked bucket %s: no error", name)
	}
	skipIfUnimplemented(t, err)
}

// checkRGWBucketOwner: Update with another user moves the bucket to it.
func checkRGWBucketOwner(ctx context.Context, t testing.TB, e *env) {
	firstGateway(ctx, t, e)
	a := createRGWUser(ctx, t, e, "")
	b := createRGWUser(ctx, t, e, "")
	name := rgwName("own")
	createRGWBucket(ctx, t, e, rgw.BucketCreate{Bucket: name, UID: a.UID})
	got := getRGWBucket(ctx, t, e, name)
	must(t, e.c.RGW.Buckets.Update(ctx, "", name, rgw.BucketUpdate{BucketID: got.ID, UID: b.UID}), "Update(%s, owner %s)", name, b.UID)
	if got := getRGWBucket(ctx, t, e, name); got.Owner != b.UID {
		t.Errorf("after the owner change: owner %q, want %q", got.Owner, b.UID)
	}
	names, err := e.c.RGW.Buckets.Names(ctx, "", b.UID)
	must(t, err, "Names(%s)", b.UID)
	if !slices.Contains(names, name) {
		t.Errorf("Names(%s) = %v, lacks %s", b.UID, names, name)
	}
	wantErr(t, e.c.RGW.Users.Delete(ctx, "", b.UID), &ceph.Error{Code: ceph.FailedPrecondition}, "Users.Delete(%s) owning a bucket", b.UID)
}

// checkRGWUsage: objects count in the bucket's usage and the owner's
// statistics; a bucket with objects is deleted only with its objects.
func checkRGWUsage(ctx context.Context, t testing.TB, e *env) {
	firstGateway(ctx, t, e)
	if e.put == nil {
		t.Skip("the harness cannot put objects (WithObjectPutter, ObjectStore)")
	}
	u := createRGWUser(ctx, t, e, "")
	if len(u.Keys) == 0 {
		t.Fatalf("user %s was made without an S3 key", u.UID)
	}
	name := rgwName("use")
	createRGWBucket(ctx, t, e, rgw.BucketCreate{Bucket: name, UID: u.UID})
	for _, k := range []string{"a", "b"} {
		must(t, e.put(ctx, t, u.Keys[0], name, k, []byte("hello "+k)), "PutObject(%s/%s)", name, k)
	}
	if n := getRGWBucket(ctx, t, e, name).Objects(); n != 2 {
		t.Errorf("Get(%s): %d objects, want 2", name, n)
	}
	st, err := e.c.RGW.Users.Get(ctx, "", u.UID, true)
	must(t, err, "Users.Get(%s, stats)", u.UID)
	switch {
	case st.Stats == nil:
		t.Errorf("Users.Get(%s, stats) has no statistics", u.UID)
	case !e.o.StaleRGWUserStats && st.Stats.NumObjects != 2:
		t.Errorf("Users.Get(%s) stats %+v, want 2 objects", u.UID, st.Stats)
	}
	wantErr(t, e.c.RGW.Buckets.Delete(ctx, "", name, false), &ceph.Error{Code: ceph.FailedPrecondition}, "Delete(%s) with objects", name)
	must(t, e.c.RGW.Buckets.Delete(ctx, "", name, true), "Delete(%s, purge)", name)
}

// checkRGWBadInput: arguments the shared checks refuse are InvalidArgument.
func checkRGWBadInput(ctx context.Context, t testing.TB, e *env) {
	firstGateway(ctx, t, e)
	bad := &ceph.Error{Code: ceph.InvalidArgument}
	_, err := e.c.RGW.Buckets.Get(ctx, "", "Bad_Name")
	wantErr(t, err, bad, "Buckets.Get(Bad_Name)")
	_, err = e.c.RGW.Users.Get(ctx, "", "", false)
	wantErr(t, err, bad, "Users.Get(empty uid)")
	_, err = e.c.RGW.Users.CreateKey(ctx, "", "someone", rgw.KeyCreate{Type: "ftp", Generate: true})
	wantErr(t, err, bad, "CreateKey(type ftp)")
	err = e.c.RGW.Buckets.Create(ctx, "", rgw.BucketCreate{Bucket: rgwName("bad"), UID: "someone", LockEnabled: true,
		LockMode: rgw.LockGovernance, LockRetentionPeriodDays: 1, LockRetentionPeriodYears: 1})
	wantErr(t, err, bad, "Buckets.Create(lock with days and years)")
}
