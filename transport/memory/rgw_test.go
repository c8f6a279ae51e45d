package memory_test

import (
	"context"
	"errors"
	"regexp"
	"testing"

	"github.com/cephapi/cephapi/ceph"
	"github.com/cephapi/cephapi/rgw"
	"github.com/cephapi/cephapi/transport/memory"
)

func wantCode(t *testing.T, err error, code ceph.Code, reason, what string) {
	t.Helper()
	var ce *ceph.Error
	if !errors.As(err, &ce) || ce.Code != code || (reason != "" && ce.Reason != reason) {
		t.Errorf("%s: got %v (%#v), want code %v reason %q", what, err, ce, code, reason)
	}
}

func TestRGWWithoutGateway(t *testing.T) {
	ctx := context.Background()
	c := memory.New()
	defer c.Close()
	list, err := c.RGW.Daemons.List(ctx)
	if err != nil || len(list) != 0 {
		t.Fatalf("Daemons.List = %v, %v; want empty", list, err)
	}
	_, err = c.RGW.Users.List(ctx, "")
	wantCode(t, err, ceph.Unavailable, "", "Users.List")
	var ce *ceph.Error
	if errors.As(err, &ce) && (ce.Detail != "No RGW service is running." || ce.Component != "rgw") {
		t.Errorf("detail %q component %q", ce.Detail, ce.Component)
	}
	_, err = c.RGW.Daemons.Get(ctx, "x")
	wantCode(t, err, ceph.Unavailable, "", "Daemons.Get")
}

func TestRGWRules(t *testing.T) {
	ctx := context.Background()
	c, fake := memory.NewFake(memory.WithGateway("x"))
	defer c.Close()
	users, bk := c.RGW.Users, c.RGW.Buckets

	d, err := c.RGW.Daemons.List(ctx)
	if err != nil || len(d) != 1 || d[0].ID != "x" || !d[0].Default || d[0].ZoneName != "default" {
		t.Fatalf("Daemons.List = %+v, %v", d, err)
	}
	info, err := c.RGW.Daemons.Get(ctx, "x")
	if err != nil || info.Metadata["frontend_config#0"] != "beast endpoint=127.0.0.1:8080" || info.Metadata["hostname"] != "dev" {
		t.Fatalf("Daemons.Get = %+v, %v", info, err)
	}
	_, err = c.RGW.Site.DefaultRealm(ctx, "")
	wantCode(t, err, ceph.NotFound, "", "DefaultRealm")

	sys, err := users.Get(ctx, "", "dashboard", false)
	if err != nil || sys.System != "true" || len(sys.Keys) != 1 {
		t.Fatalf("dashboard user = %+v, %v", sys, err)
	}
	wantCode(t, users.Delete(ctx, "", "dashboard"), ceph.Busy, "", "Delete(dashboard)")

	mail := "a@example.com"
	no := false
	one := 1
	a, err := users.Create(ctx, "", rgw.UserCreate{UID: "a", DisplayName: "A", Email: &mail, MaxBuckets: &one})
	if err != nil {
		t.Fatal(err)
	}
	if k := a.Keys[0]; !regexp.MustCompile(`^[A-Z0-9]{20}$`).MatchString(k.AccessKey) || len(k.SecretKey) != 40 {
		t.Errorf("generated key %+v", k)
	}
	if a.UserQuota.MaxSize != -1 || a.UserQuota.MaxObjects != -1 || a.UserQuota.Enabled {
		t.Errorf("default quota %+v", a.UserQuota)
	}
	_, err = users.Create(ctx, "", rgw.UserCreate{UID: "b", DisplayName: "B", Email: &mail})
	wantCode(t, err, ceph.AlreadyExists, "EmailExists", "duplicate e-mail")
	_, err = users.Create(ctx, "", rgw.UserCreate{UID: "b", DisplayName: "B", AccessKey: a.Keys[0].AccessKey, SecretKey: "x"})
	wantCode(t, err, ceph.AlreadyExists, "KeyExists", "duplicate access key")
	b, err := users.Create(ctx, "", rgw.UserCreate{UID: "b", DisplayName: "B", GenerateKey: &no})
	if err != nil || len(b.Keys) != 0 {
		t.Fatalf("Create(b, no key) = %+v, %v", b, err)
	}

	must := func(err error) {
		t.Helper()
		if err != nil {
			t.Fatal(err)
		}
	}
	must(bk.Create(ctx, "", rgw.BucketCreate{Bucket: "one", UID: "a"}))
	wantCode(t, bk.Create(ctx, "", rgw.BucketCreate{Bucket: "two", UID: "a"}), ceph.FailedPrecondition, "TooManyBuckets", "max_buckets")
	wantCode(t, bk.Create(ctx, "", rgw.BucketCreate{Bucket: "one", UID: "b"}), ceph.AlreadyExists, "BucketAlreadyExists", "another owner's name")
	got, err := bk.Get(ctx, "", "one")
	must(err)
	if got.NumShards != 11 || got.PlacementRule != "default-placement" || *got.LockEnabled || got.LockMode != "compliance" ||
		got.LockRetentionPeriodDays != nil || got.MFADelete != "Disabled" {
		t.Errorf("Get(one) = %+v", got)
	}
	if !regexp.MustCompile(`^[0-9a-f-]{36}\.\d+\.\d+$`).MatchString(got.ID) ||
		!regexp.MustCompile(`^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{6}Z$`).MatchString(got.CreationTime) {
		t.Errorf("id %q creation_time %q", got.ID, got.CreationTime)
	}
	wantCode(t, bk.Update(ctx, "", "one", rgw.BucketUpdate{BucketID: "nope", UID: "a"}), ceph.InvalidArgument, "", "wrong bucket_id")

	// Quotas: 2 objects per bucket, 8 KiB per user.
	must(users.SetQuota(ctx, "", "a", rgw.QuotaUpdate{Type: rgw.QuotaBucket, Enabled: true, MaxSizeKB: -1, MaxObjects: 2}))
	must(users.SetQuota(ctx, "", "a", rgw.QuotaUpdate{Type: rgw.QuotaUser, Enabled: true, MaxSizeKB: 8, MaxObjects: -1}))
	q, err := users.Quotas(ctx, "", "a")
	must(err)
	if q.UserQuota.MaxSize != 8192 || q.BucketQuota.MaxSize != -1 || q.BucketQuota.MaxSizeKB != 0 {
		t.Errorf("quotas %+v", q)
	}
	must(fake.PutObject("one", "k1", 100))
	must(fake.PutObject("one", "k1", 200)) // an overwrite is no new object
	wantCode(t, fake.PutObject("one", "k2", 8000), ceph.FailedPrecondition, "QuotaExceeded", "user size quota")
	must(fake.PutObject("one", "k2", 10))
	wantCode(t, fake.PutObject("one", "k3", 1), ceph.FailedPrecondition, "QuotaExceeded", "bucket object quota")
	st, err := users.Get(ctx, "", "a", true)
	must(err)
	if st.Stats == nil || st.Stats.NumObjects != 2 || st.Stats.Size != 210 || st.Stats.SizeActual != 8192 {
		t.Errorf("stats %+v", st.Stats)
	}
	wantCode(t, users.Delete(ctx, "", "a"), ceph.FailedPrecondition, "", "delete an owner")
	wantCode(t, bk.Delete(ctx, "", "one", false), ceph.FailedPrecondition, "BucketNotEmpty", "delete non-empty")

	// Encryption.
	_, err = bk.Encryption(ctx, "", "one", "a")
	wantCode(t, err, ceph.NotFound, "ServerSideEncryptionConfigurationNotFoundError", "no encryption")
	yes := true
	must(bk.Update(ctx, "", "one", rgw.BucketUpdate{BucketID: got.ID, UID: "a", EncryptionState: &yes, EncryptionType: "AES256"}))
	enc, err := bk.Encryption(ctx, "", "one", "a")
	if err != nil || enc.SSEAlgorithm != "AES256" {
		t.Errorf("Encryption = %+v, %v", enc, err)
	}
	must(bk.DeleteEncryption(ctx, "", "one", "a"))
	must(bk.SetEncryptionConfig(ctx, "", rgw.KMSConfig{EncryptionType: "aws:kms", KMSProvider: "vault", Address: "http://v:8200", AuthMethod: "token"}))
	cfg, err := bk.EncryptionConfig(ctx, "", "a")
	if err != nil || len(cfg["SSE_KMS"]) != 1 || len(cfg["SSE_S3"]) != 0 {
		t.Errorf("EncryptionConfig = %+v, %v", cfg, err)
	}

	// Tenants.
	_, err = users.Create(ctx, "", rgw.UserCreate{UID: "acme$carol", DisplayName: "Carol"})
	must(err)
	must(bk.Create(ctx, "", rgw.BucketCreate{Bucket: "one", UID: "acme$carol"}))
	tb, err := bk.Get(ctx, "", "acme/one")
	if err != nil || tb.Tenant != "acme" || tb.BID != "acme/one" || tb.Owner != "acme$carol" {
		t.Errorf("tenant bucket = %+v, %v", tb, err)
	}

	// Subusers with S3 keys, purged with them.
	subs, err := users.CreateSubuser(ctx, "", "b", rgw.SubuserCreate{Subuser: "s", Access: "readwrite", GenerateSecret: true})
	if err != nil || len(subs) != 1 || subs[0].ID != "b:s" || subs[0].Permissions != "read-write" {
		t.Fatalf("CreateSubuser = %+v, %v", subs, err)
	}
	must(users.DeleteSubuser(ctx, "", "b", "b:s", true))
	if u, _ := users.Get(ctx, "", "b", false); len(u.Keys) != 0 {
		t.Errorf("keys after purge %+v", u.Keys)
	}

	// Roles.
	r, err := fake.CreateRole("admin", "/app/", `{"Version":"2012-10-17"}`)
	must(err)
	roles, err := users.Roles(ctx, "")
	if err != nil || len(roles) != 1 || roles[0].Arn != "arn:aws:iam:::role/app/admin" || roles[0].RoleID != r.RoleID {
		t.Errorf("Roles = %+v, %v", roles, err)
	}
}

func TestRGWHealthCounts(t *testing.T) {
	ctx := context.Background()
	for _, tt := range []struct {
		opts []memory.Option
		want int
	}{{nil, 0}, {[]memory.Option{memory.WithGateway("x"), memory.WithGateway("y")}, 2}} {
		c := memory.New(tt.opts...)
		f, err := c.Health.Full(ctx)
		if err != nil {
			t.Fatal(err)
		}
		m, err := c.Health.Minimal(ctx)
		if err != nil {
			t.Fatal(err)
		}
		if f.RGW != tt.want || m.RGW != tt.want || f.Hosts != 1 {
			t.Errorf("rgw %d/%d hosts %d, want %d and 1 host", f.RGW, m.RGW, f.Hosts, tt.want)
		}
		c.Close()
	}
}

func TestRGWPerfCounters(t *testing.T) {
	ctx := context.Background()
	c, fake := memory.NewFake(memory.WithGateway("x"))
	defer c.Close()
	if _, err := c.RGW.Users.Create(ctx, "", rgw.UserCreate{UID: "u", DisplayName: "U"}); err != nil {
		t.Fatal(err)
	}
	if err := c.RGW.Buckets.Create(ctx, "", rgw.BucketCreate{Bucket: "bkt", UID: "u"}); err != nil {
		t.Fatal(err)
	}
	if err := fake.PutObject("bkt", "o", 123); err != nil {
		t.Fatal(err)
	}
	d, err := c.RGW.Daemons.List(ctx)
	if err != nil {
		t.Fatal(err)
	}
	for _, id := range []string{"x", d[0].ServiceMapID} {
		pc, err := c.PerfCounters.Daemon(ctx, "rgw", id)
		if err != nil {
			t.Fatalf("Daemon(rgw, %s): %v", id, err)
		}
		got := map[string]float64{}
		for _, n := range pc.Counters {
			got[n.Name] = n.Value
		}
		if got["rgw.put"] != 1 || got["rgw.put_b"] != 123 {
			t.Errorf("rgw %s counters %v", id, got)
		}
	}
	all, err := c.PerfCounters.All(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if _, ok := all["rgw."+d[0].ServiceMapID]; !ok {
		t.Errorf("All lacks rgw.%s", d[0].ServiceMapID)
	}
}
