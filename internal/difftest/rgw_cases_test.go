package difftest

import "net/http"

// Reasons of the RGW walk (docs/dashboard-differences.md#rgw).
const (
	whyRGW500 = "the dashboard wraps the gateway's error in a 500 (a Python bytes repr of RGW's body); ours answers the status of RGW's own code with our error body"
	whyRGWDel = "the dashboard answers a missing user's delete with 400; ours 404 not_found"
)

// rgwCases walk the radosgw of the test cluster (scripts/test-real starts
// it with --rgw): each side makes a user ({rgwuser}) with keys, a subuser,
// a capability and quotas, a bucket ({bucket}) it updates and deletes, and
// removes the user again.
func rgwCases() []Case {
	user := "/api/rgw/user/{rgwuser}"
	userValues := []string{"user_id", "display_name", "email", "max_buckets", "suspended", "op_mask",
		"caps", "subusers/[]/id", "subusers/[]/permissions", "keys/[]/user", "swift_keys/[]/user",
		"bucket_quota", "user_quota", "placement_tags", "type", "tenant", "system", "default_placement", "default_storage_class"}
	bucketValues := []string{"bucket", "owner", "tenant", "zonegroup", "placement_rule", "explicit_placement",
		"versioning", "mfa_delete", "lock_enabled", "lock_mode", "lock_retention_period_days", "lock_retention_period_years",
		"bucket_quota", "num_shards", "usage"}
	return []Case{
		{Name: "rgw daemon list", Path: "/api/rgw/daemon",
			Values:  []string{"[]/id", "[]/server_hostname", "[]/zonegroup_name", "[]/realm_name", "[]/default"},
			Capture: map[string]string{"rgwd": "[]/id", "rgwgid": "[]/service_map_id"}},
		{Name: "perf_counters rgw", Path: "/api/perf_counters/rgw/{rgwgid}", Values: []string{"service", "counters/[]/name", "counters/[]/unit"}},
		{Name: "perf_counters rgw missing", Path: "/api/perf_counters/rgw/999999999", Values: []string{"detail"}},
		{Name: "rgw daemon get", Path: "/api/rgw/daemon/{rgwd}",
			Values: []string{"rgw_id", "rgw_status", "server_hostname", "rgw_metadata/zone_name", "rgw_metadata/zonegroup_name",
				"rgw_metadata/ceph_version"},
			Maps: []string{"rgw_metadata"}},
		{Name: "ui rgw status", Path: "/ui-api/rgw/status", Values: []string{"available", "message"}},
		{Name: "rgw daemon get missing", Path: "/api/rgw/daemon/no-such-daemon", Values: []string{"rgw_id", "rgw_status"}},
		{Name: "rgw site placement", Path: "/api/rgw/site?query=placement-targets", Values: []string{"zonegroup", "placement_targets"}},
		{Name: "rgw site realms", Path: "/api/rgw/site?query=realms", Values: []string{""}},
		{Name: "rgw site default realm", Path: "/api/rgw/site?query=default-realm", Values: []string{"detail", "component"}},
		{Name: "rgw site bad query", Path: "/api/rgw/site?query=nonsense", Values: []string{"component"}},
		{Name: "rgw user create", Method: http.MethodPost, Path: "/api/rgw/user",
			Body:   `{"uid": "{rgwuser}", "display_name": "Walker", "email": "{rgwuser}@example.com", "max_buckets": 7}`,
			Values: userValues},
		{Name: "rgw user create again", Method: http.MethodPost, Path: "/api/rgw/user",
			Body:  `{"uid": "{rgwuser}", "display_name": "Walker"}`,
			Known: []Known{{Kind: Status, Reason: whyRGW500}, {Path: "**", Reason: whyRGW500}}},
		{Name: "rgw user list", Path: "/api/rgw/user", Values: []string{""}},
		{Name: "rgw user get", Path: user, Values: append(userValues, "stats/size", "stats/num_objects")},
		{Name: "rgw user get missing", Path: "/api/rgw/user/no-such-walker",
			Known: []Known{{Kind: Status, Reason: whyRGW500}, {Path: "**", Reason: whyRGW500}}},
		{Name: "rgw user emails", Path: "/api/rgw/user/get_emails", Values: []string{""}},
		{Name: "rgw user update", Method: http.MethodPut, Path: user, Body: `{"display_name": "Walker Two", "max_buckets": 3}`,
			Values: userValues},
		{Name: "rgw user quota set", Method: http.MethodPut, Path: user + "/quota",
			Body: `{"quota_type": "user", "enabled": "true", "max_size_kb": 1024, "max_objects": 10}`, Values: []string{""}},
		{Name: "rgw bucket quota set", Method: http.MethodPut, Path: user + "/quota",
			Body: `{"quota_type": "bucket", "enabled": "false", "max_size_kb": 2048, "max_objects": -1}`, Values: []string{""}},
		{Name: "rgw user quota get", Path: user + "/quota", Values: []string{"user_quota", "bucket_quota"}},
		{Name: "rgw key create", Method: http.MethodPost, Path: user + "/key",
			Body: `{"key_type": "s3", "generate_key": "true"}`, Values: []string{"[]/user"}},
		{Name: "rgw key create given", Method: http.MethodPost, Path: user + "/key",
			Body:   `{"key_type": "s3", "generate_key": "false", "access_key": "{rgwuser}-AK", "secret_key": "walker-secret"}`,
			Values: []string{"[]/user"}},
		{Name: "rgw key delete", Method: http.MethodDelete, Path: user + "/key?key_type=s3&access_key={rgwuser}-AK"},
		{Name: "rgw subuser create", Method: http.MethodPost, Path: user + "/subuser",
			Body:   `{"subuser": "sub", "access": "read", "key_type": "swift", "generate_secret": "true"}`,
			Values: []string{"[]/id", "[]/permissions"}},
		{Name: "rgw subuser get", Path: user, Values: []string{"subusers/[]/id", "subusers/[]/permissions", "swift_keys/[]/user"}},
		{Name: "rgw subuser delete", Method: http.MethodDelete, Path: user + "/subuser/sub"},
		{Name: "rgw capability add", Method: http.MethodPost, Path: user + "/capability",
			Body: `{"type": "usage", "perm": "read"}`, Values: []string{"[]/type", "[]/perm"}},
		{Name: "rgw capability delete", Method: http.MethodDelete, Path: user + "/capability?type=usage&perm=read",
			Values: []string{""}},
		{Name: "rgw bucket create", Method: http.MethodPost, Path: "/api/rgw/bucket",
			Body:   `{"bucket": "{bucket}", "uid": "{rgwuser}", "zonegroup": "default", "placement_target": "default-placement", "lock_enabled": "false"}`,
			Values: []string{""}},
		{Name: "rgw bucket list", Path: "/api/rgw/bucket", Values: []string{""}},
		{Name: "rgw bucket list with stats", Path: "/api/rgw/bucket?stats=true",
			Values: []string{"[]/bucket", "[]/owner", "[]/tenant", "[]/zonegroup", "[]/placement_rule"}},
		{Name: "rgw bucket get", Path: "/api/rgw/bucket/{bucket}", Values: bucketValues, Names: []string{"rgwuser"},
			Capture: map[string]string{"bucketid": "id"}},
		{Name: "rgw bucket get missing", Path: "/api/rgw/bucket/no-such-walk-bucket",
			Known: []Known{{Kind: Status, Reason: whyRGW500}, {Path: "**", Reason: whyRGW500}}},
		{Name: "rgw bucket versioning", Method: http.MethodPut, Path: "/api/rgw/bucket/{bucket}",
			Body:   `{"bucket_id": "{bucketid}", "uid": "{rgwuser}", "versioning_state": "Enabled"}`,
			Values: []string{""}},
		{Name: "rgw bucket get versioned", Path: "/api/rgw/bucket/{bucket}", Values: bucketValues, Names: []string{"rgwuser"}},
		{Name: "rgw bucket delete", Method: http.MethodDelete, Path: "/api/rgw/bucket/{bucket}?purge_objects=true"},
		{Name: "rgw bucket get deleted", Path: "/api/rgw/bucket/{bucket}",
			Known: []Known{{Kind: Status, Reason: whyRGW500}, {Path: "**", Reason: whyRGW500}}},
		{Name: "rgw user delete", Method: http.MethodDelete, Path: user},
		{Name: "rgw user delete missing", Method: http.MethodDelete, Path: user,
			Known: []Known{{Kind: Status, Reason: whyRGWDel}, {Path: "**", Reason: whyRGWDel}}},
	}
}
